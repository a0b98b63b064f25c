import { SpanKind, context, trace } from '@opentelemetry/api';
import type { ModelClient, TurnRequest, TurnUsage } from '../agent/model/model-client';
import { GEN_AI, activeTracer } from './otel-setup';
import { markFailure } from './run-spans';

/** What a finished model call reports: why the model stopped and what it used. */
export interface ChatCallResult {
  readonly stopReason: string;
  readonly usage: TurnUsage;
}

/**
 * One model call (one HTTP request and its whole streamed reply) as a GenAI `chat <model>` client span:
 * started when the request is sent, ended when the stream ends or fails, and active meanwhile, so the
 * HTTP span of an instrumented fetch nests under it. Each retry attempt is its own span. Nothing is
 * built when no tracer provider is registered.
 */
export async function withChatSpan<T extends ChatCallResult>(
  client: Pick<ModelClient, 'provider' | 'model'>,
  request: Pick<TurnRequest, 'maxOutputTokens'>,
  /** The run's cancellation signal. */
  signal: AbortSignal,
  call: () => Promise<T>,
): Promise<T> {
  const tracer = activeTracer();
  if (!tracer) return call();
  const span = tracer.startSpan(`chat ${client.model}`, {
    kind: SpanKind.CLIENT,
    attributes: {
      [GEN_AI.operationName]: 'chat',
      [GEN_AI.providerName]: client.provider,
      [GEN_AI.system]: client.provider,
      [GEN_AI.requestModel]: client.model,
      [GEN_AI.requestMaxTokens]: request.maxOutputTokens,
    },
  });
  try {
    const result = await context.with(trace.setSpan(context.active(), span), call);
    span.setAttributes({
      [GEN_AI.inputTokens]: result.usage.inputTokens,
      [GEN_AI.outputTokens]: result.usage.outputTokens,
      [GEN_AI.cacheReadInputTokens]: result.usage.cacheReadTokens,
      [GEN_AI.cacheCreationInputTokens]: result.usage.cacheWriteTokens,
      [GEN_AI.finishReasons]: result.stopReason === '' ? [] : [result.stopReason],
    });
    return result;
  } catch (error) {
    // Only the run's own cancellation is one; a stall or the time budget aborting the call is a failure.
    markFailure(span, error, signal.aborted);
    throw error;
  } finally {
    span.end();
  }
}
