import { SpanKind, SpanStatusCode, context, trace, type Span } from '@opentelemetry/api';
import { isTerminalEvent, type RunEvent, type StepName } from '../../protocol/run-events';
import { isAbortLike } from '../errors/cancelled-error';
import { ERROR_TYPE, GEN_AI, activeTracer } from './otel-setup';

/**
 * Live OpenTelemetry spans for a run: `tiny_backspace.run` starts when the run starts and is the active
 * span while its work executes, so every span made inside (steps, `chat` spans, an SDK's HTTP and
 * fetch spans) nests under it; `tiny_backspace.step <name>` starts and ends with each step and is active
 * while the step runs. Nothing is built when no tracer provider is registered.
 */
export interface RunSpan {
  /** Notes what the run's events say: repository, provider fallbacks and tool names, the outcome. */
  observe(event: RunEvent): void;
  /** Runs the run's work with the run span active; ends the span when the work settles. */
  within<T>(work: () => Promise<T>): Promise<T>;
}

const OUTCOME = 'tiny_backspace.outcome';

const NO_RUN_SPAN: RunSpan = { observe: () => undefined, within: (work) => work() };

export function startRunSpan(requestId: string): RunSpan {
  const tracer = activeTracer();
  if (!tracer) return NO_RUN_SPAN;
  const run = tracer.startSpan('tiny_backspace.run', { kind: SpanKind.INTERNAL, attributes: { 'tiny_backspace.request_id': requestId } });
  const traceId = run.spanContext().traceId;
  // Span events go to the span running the code that emitted the event (the agent step for a tool call),
  // but only a span of this run's own trace: anything else gets the run span.
  const current = (): Span => {
    const active = trace.getActiveSpan();
    return active && active.spanContext().traceId === traceId ? active : run;
  };
  return {
    observe(event) {
      switch (event.kind) {
        case 'run_started':
          // The prompt stays out of spans: it can hold anything the user typed.
          run.setAttributes({ 'tiny_backspace.repo': event.repo, 'tiny_backspace.dry_run': event.dry_run });
          break;
        case 'thinking':
          if (event.topic === 'fallback') {
            current().addEvent('provider_fallback', { [GEN_AI.providerName]: event.provider ?? 'unknown', 'tiny_backspace.reason': event.reason ?? event.message });
          }
          break;
        case 'tool':
          current().addEvent('tool', { 'gen_ai.tool.name': event.tool });
          break;
        default:
          break;
      }
      if (!isTerminalEvent(event)) return;
      run.setAttribute(OUTCOME, event.kind);
      if (event.kind === 'failed') {
        run.setAttribute(ERROR_TYPE, event.error.code);
        run.setStatus({ code: SpanStatusCode.ERROR, message: event.error.message });
      }
      if (event.kind === 'completed' && event.pr_url) run.setAttribute('tiny_backspace.pr_url', event.pr_url);
    },
    async within(work) {
      try {
        return await context.with(trace.setSpan(context.active(), run), work);
      } finally {
        run.end();
      }
    },
  };
}

/** Runs one step inside its own span, a child of the active run span, active while the step runs. */
export async function withStepSpan(step: StepName, signal: AbortSignal, work: () => Promise<void>): Promise<void> {
  const tracer = activeTracer();
  if (!tracer) return work();
  const span = tracer.startSpan(`tiny_backspace.step ${step}`, { attributes: { 'tiny_backspace.step': step } });
  try {
    await context.with(trace.setSpan(context.active(), span), work);
    span.setAttribute(OUTCOME, 'ok');
  } catch (error) {
    markFailure(span, error, isAbortLike(error, signal));
    throw error;
  } finally {
    span.end();
  }
}

/** Cancellation is an outcome, not an error; anything else marks the span failed with a stable type. */
export function markFailure(span: Span, error: unknown, cancelled: boolean): void {
  if (cancelled) {
    span.setAttribute(OUTCOME, 'cancelled');
    return;
  }
  span.setAttribute(OUTCOME, 'failed');
  span.setAttribute(ERROR_TYPE, errorType(error));
  span.setStatus({ code: SpanStatusCode.ERROR });
}

/**
 * A low-cardinality name for a failure: our error code, an HTTP status, or the error class. Never the
 * message, which can quote repository or model text.
 */
export function errorType(error: unknown): string {
  if (error instanceof Error) {
    const { code, status } = error as { code?: unknown; status?: unknown };
    if (typeof code === 'string' && code !== '') return code;
    if (typeof status === 'number') return String(status);
    return error.name;
  }
  return '_OTHER';
}
