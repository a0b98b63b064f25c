// The OpenTelemetry switches: spans only when an SDK registered a tracer provider (the live spans
// themselves are tested on a real run in test/integration/otel-live-spans.test.ts), the OTLP hint, and
// the low-cardinality `error.type` of a failure.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { context, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { withChatSpan } from '../../src/core/observability/chat-span';
import { otlpEndpointConfigured, tracerProviderRegistered } from '../../src/core/observability/otel-setup';
import { errorType, startRunSpan, withStepSpan } from '../../src/core/observability/run-spans';
import { TinyBackspaceError } from '../../src/core/errors/tiny-backspace-error';

// Spans are made only with an OTLP endpoint or this opt-in (otel-setup.ts); the in-memory exporter is ours.
process.env.TINY_BACKSPACE_OTEL = '1';

const USAGE = { inputTokens: 10, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0 };
const CLIENT = { provider: 'anthropic', model: 'claude-sonnet-4-6' } as const;

test('OTLP is on only when an endpoint is configured and the SDK is not disabled', () => {
  assert.equal(otlpEndpointConfigured({}), false);
  assert.equal(otlpEndpointConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://localhost:4318' }), true);
  assert.equal(otlpEndpointConfigured({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://localhost:4318/v1/traces' }), true);
  assert.equal(otlpEndpointConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://localhost:4318', OTEL_SDK_DISABLED: 'true' }), false);
});

test('without a registered provider nothing is built and the work runs as is; with one, spans are exported', async () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const signal = new AbortController().signal;
  const exercise = async () => {
    const run = startRunSpan('otel-run');
    const seen: Array<string | undefined> = [];
    const result = await run.within(async () => {
      await withStepSpan('agent', signal, async () => {
        const turn = await withChatSpan(CLIENT, { maxOutputTokens: 100 }, signal, async () => ({ stopReason: 'end_turn', usage: USAGE, text: 'hi' }));
        seen.push(turn.text);
      });
      return 'done';
    });
    return { result, seen };
  };

  assert.equal(tracerProviderRegistered(), false);
  assert.deepEqual(await exercise(), { result: 'done', seen: ['hi'] });
  assert.equal(trace.getActiveSpan(), undefined);

  assert.equal(trace.setGlobalTracerProvider(provider), true);
  try {
    assert.equal(tracerProviderRegistered(), true);
    assert.deepEqual(await exercise(), { result: 'done', seen: ['hi'] });
    // Without a context manager nothing can nest, but every span is still made and ended.
    assert.deepEqual(exporter.getFinishedSpans().map((span) => span.name).sort(), ['chat claude-sonnet-4-6', 'tiny_backspace.run', 'tiny_backspace.step agent']);
  } finally {
    trace.disable();
    context.disable();
    await provider.shutdown();
  }
  assert.equal(tracerProviderRegistered(), false);
});

test('error.type is our code, an HTTP status or the error class, never the message', () => {
  assert.equal(errorType(new TinyBackspaceError('github_repository_not_found', 'No repository octo/secret-plans for alice.')), 'github_repository_not_found');
  assert.equal(errorType(Object.assign(new Error('Overloaded: acme/secret'), { status: 529 })), '529');
  class IncompleteStreamError extends Error {
    override readonly name = 'IncompleteStreamError';
  }
  assert.equal(errorType(new IncompleteStreamError('cut off after "secret text"')), 'IncompleteStreamError');
  assert.equal(errorType('a string'), '_OTHER');
});
