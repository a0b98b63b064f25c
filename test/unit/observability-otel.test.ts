// OpenTelemetry spans through @opentelemetry/api: nothing without a registered tracer provider; with one,
// a span per run, a child per step, and GenAI-convention `chat` spans for model calls.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SpanStatusCode, trace, type Attributes, type AttributeValue, type Context, type Span, type SpanContext, type SpanOptions, type SpanStatus, type TimeInput, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { GEN_AI, RunSpanRecorder, otlpEndpointConfigured, tracerProviderRegistered } from '../../src/core/observability/otel-run-spans';
import { EventStamper } from '../../src/core/pipeline/run-context';
import type { RunEvent } from '../../src/protocol/run-events';

/** An in-memory tracer provider: what an SDK would hand to its exporter, kept for inspection. */
class RecordedSpan implements Span {
  readonly attributes: Record<string, AttributeValue> = {};
  readonly events: Array<{ name: string; attributes?: Attributes }> = [];
  status: SpanStatus = { code: SpanStatusCode.UNSET };
  ended = false;
  endTime: TimeInput | undefined;
  private readonly context: SpanContext;

  constructor(
    readonly name: string,
    readonly options: SpanOptions,
    readonly parent: RecordedSpan | undefined,
    id: number,
  ) {
    this.context = { traceId: parent?.spanContext().traceId ?? id.toString(16).padStart(32, '0'), spanId: id.toString(16).padStart(16, '0'), traceFlags: 1 };
    Object.assign(this.attributes, options.attributes ?? {});
  }
  spanContext(): SpanContext {
    return this.context;
  }
  setAttribute(key: string, value: AttributeValue): this {
    this.attributes[key] = value;
    return this;
  }
  setAttributes(attributes: Attributes): this {
    for (const [key, value] of Object.entries(attributes)) if (value !== undefined) this.attributes[key] = value;
    return this;
  }
  addEvent(name: string, attributes?: Attributes | TimeInput): this {
    this.events.push({ name, ...(attributes && typeof attributes === 'object' && !(attributes instanceof Date) && !Array.isArray(attributes) ? { attributes: attributes as Attributes } : {}) });
    return this;
  }
  addLink(): this {
    return this;
  }
  addLinks(): this {
    return this;
  }
  setStatus(status: SpanStatus): this {
    this.status = status;
    return this;
  }
  updateName(): this {
    return this;
  }
  end(endTime?: TimeInput): void {
    this.ended = true;
    this.endTime = endTime;
  }
  isRecording(): boolean {
    return !this.ended;
  }
  recordException(): void {}
}

class RecordingProvider implements TracerProvider {
  readonly spans: RecordedSpan[] = [];
  getTracer(): Tracer {
    const tracer = {
      startSpan: (name: string, options: SpanOptions = {}, context?: Context): Span => {
        const parent = context ? trace.getSpan(context) : undefined;
        const span = new RecordedSpan(name, options, parent instanceof RecordedSpan ? parent : undefined, this.spans.length + 1);
        this.spans.push(span);
        return span;
      },
      startActiveSpan: () => {
        throw new Error('not used by Tiny Backspace');
      },
    };
    return tracer as unknown as Tracer;
  }
}

function failedRunWithFallback(): RunEvent[] {
  const events: RunEvent[] = [];
  let clock = Date.parse('2026-01-01T00:00:00Z');
  const stamper = new EventStamper('otel-run', (event) => events.push(event), () => (clock += 100));
  stamper.emit({ kind: 'run_started', type: 'info', message: 'Starting', repo: 'https://github.com/octo/app', prompt: 'p', dry_run: false });
  stamper.emit({ kind: 'step_started', type: 'info', step: 'clone', message: 'clone' });
  stamper.emit({ kind: 'step_finished', type: 'success', step: 'clone', message: 'ok', duration_ms: 100, outcome: 'ok' });
  stamper.emit({ kind: 'step_started', type: 'info', step: 'agent', message: 'agent' });
  stamper.emit({ kind: 'usage', type: 'info', step: 'agent', message: 'usage', usage: { provider: 'anthropic', model: 'claude-sonnet-4-6', input_tokens: 1200, output_tokens: 300, cost_usd: 0.01 }, total_cost_usd: 0.01 });
  stamper.emit({ kind: 'thinking', type: 'thinking', step: 'agent', topic: 'fallback', provider: 'anthropic (claude-sonnet-4-6)', reason: 'Anthropic: 529 overloaded, 3 attempts', message: 'falling back' });
  stamper.emit({ kind: 'tool', type: 'tool', step: 'agent', tool: 'Read', filepath: 'README.md', message: 'Tool: Read README.md' });
  stamper.emit({ kind: 'step_finished', type: 'error', step: 'agent', message: 'failed', duration_ms: 400, outcome: 'failed' });
  stamper.emit({ kind: 'failed', type: 'error', message: 'no provider', error: { code: 'agent_failed', message: 'No provider could make the change.' }, duration_ms: 900 });
  return events;
}

test('OTLP is on only when an endpoint is configured and the SDK is not disabled', () => {
  assert.equal(otlpEndpointConfigured({}), false);
  assert.equal(otlpEndpointConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://localhost:4318' }), true);
  assert.equal(otlpEndpointConfigured({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://localhost:4318/v1/traces' }), true);
  assert.equal(otlpEndpointConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://localhost:4318', OTEL_SDK_DISABLED: 'true' }), false);
});

test('without a registered provider spans are no-ops; with one, runs, steps and model calls become spans', () => {
  assert.equal(tracerProviderRegistered(), false);
  const unregistered = new RunSpanRecorder();
  for (const event of failedRunWithFallback()) unregistered.record(event);

  const provider = new RecordingProvider();
  assert.equal(trace.setGlobalTracerProvider(provider), true);
  try {
    assert.equal(tracerProviderRegistered(), true);
    assert.equal(provider.spans.length, 0, 'spans started before registration went nowhere');
    const recorder = new RunSpanRecorder();
    for (const event of failedRunWithFallback()) recorder.record(event);

    assert.deepEqual(provider.spans.map((span) => [span.name, span.parent?.name ?? null, span.ended]), [
      ['tiny_backspace.run', null, true],
      ['tiny_backspace.step clone', 'tiny_backspace.run', true],
      ['tiny_backspace.step agent', 'tiny_backspace.run', true],
      ['chat claude-sonnet-4-6', 'tiny_backspace.step agent', true],
    ]);
    const [run, , agent, chat] = provider.spans;
    assert.deepEqual(chat?.attributes, {
      [GEN_AI.operationName]: 'chat',
      [GEN_AI.providerName]: 'anthropic',
      [GEN_AI.system]: 'anthropic',
      [GEN_AI.requestModel]: 'claude-sonnet-4-6',
      [GEN_AI.inputTokens]: 1200,
      [GEN_AI.outputTokens]: 300,
      'tiny_backspace.cost_usd': 0.01,
    });
    assert.equal(agent?.status.code, SpanStatusCode.ERROR);
    assert.deepEqual(agent?.events.map((event) => event.name), ['provider_fallback', 'tool']);
    assert.equal(run?.attributes['tiny_backspace.request_id'], 'otel-run');
    assert.equal(run?.attributes['error.type'], 'agent_failed');
    assert.equal(run?.status.code, SpanStatusCode.ERROR);
    assert.equal(Object.keys(run?.attributes ?? {}).some((key) => key.includes('prompt')), false, 'the prompt stays out of spans');
  } finally {
    trace.disable();
  }
  assert.equal(tracerProviderRegistered(), false);
});
