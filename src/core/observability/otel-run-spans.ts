import { SpanKind, SpanStatusCode, context, trace, type Span, type Tracer } from '@opentelemetry/api';
import { isTerminalEvent, type RunEvent } from '../../protocol/run-events';

/**
 * OpenTelemetry spans for runs, through `@opentelemetry/api` only: one span per run, a child per step,
 * and a `chat <model>` span per model call following the GenAI semantic conventions. The API is a no-op
 * until an SDK registers a global tracer provider; Tiny Backspace ships no SDK or exporter. To export
 * over OTLP, preload one, for example (packages installed by the user):
 *
 *   // otel.cjs
 *   const { NodeSDK } = require('@opentelemetry/sdk-node');
 *   const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http');
 *   new NodeSDK({ traceExporter: new OTLPTraceExporter() }).start();
 *
 *   OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318 NODE_OPTIONS="--require ./otel.cjs" tiny-backspace run ...
 *
 * The API finds that provider through its process-wide global, so the bundled CLI sees it.
 */
export const TRACER_NAME = 'tiny-backspace';

/** GenAI semantic-convention attribute names (https://opentelemetry.io/docs/specs/semconv/gen-ai/). */
export const GEN_AI = {
  operationName: 'gen_ai.operation.name',
  /** Current name of the provider attribute; `gen_ai.system` is its older spelling, still read by many backends. */
  providerName: 'gen_ai.provider.name',
  system: 'gen_ai.system',
  requestModel: 'gen_ai.request.model',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
} as const;

interface RunSpans {
  readonly run: Span;
  readonly steps: Map<string, Span>;
  /** Where the next model call span starts: the agent step's start, then each previous call's end. */
  modelCallStart?: number;
}

const at = (event: RunEvent) => Date.parse(event.timestamp);

/** Turns run events into spans; feed it every event of every run (registry subscription or callback). */
export class RunSpanRecorder {
  private readonly runs = new Map<string, RunSpans>();

  constructor(private readonly tracer: Tracer = trace.getTracer(TRACER_NAME)) {}

  record(event: RunEvent): void {
    if (event.kind === 'run_started') {
      const run = this.tracer.startSpan('tiny_backspace.run', {
        kind: SpanKind.INTERNAL,
        startTime: at(event),
        attributes: { 'tiny_backspace.request_id': event.request_id, 'tiny_backspace.repo': event.repo, 'tiny_backspace.dry_run': event.dry_run },
      });
      this.runs.set(event.request_id, { run, steps: new Map() });
      return;
    }
    const spans = this.runs.get(event.request_id);
    if (!spans) return;
    const parent = (span: Span) => trace.setSpan(context.active(), span);
    switch (event.kind) {
      case 'step_started': {
        spans.steps.set(
          event.step,
          this.tracer.startSpan(`tiny_backspace.step ${event.step}`, { startTime: at(event), attributes: { 'tiny_backspace.step': event.step } }, parent(spans.run)),
        );
        if (event.step === 'agent') spans.modelCallStart = at(event);
        break;
      }
      case 'step_finished': {
        const step = spans.steps.get(event.step);
        if (!step) break;
        step.setAttribute('tiny_backspace.outcome', event.outcome);
        if (event.outcome === 'failed') step.setStatus({ code: SpanStatusCode.ERROR });
        step.end(at(event));
        spans.steps.delete(event.step);
        break;
      }
      case 'usage': {
        const start = spans.modelCallStart ?? at(event);
        const model = event.usage.model ?? 'unknown';
        const call = this.tracer.startSpan(
          `chat ${model}`,
          {
            kind: SpanKind.CLIENT,
            startTime: start,
            attributes: {
              [GEN_AI.operationName]: 'chat',
              [GEN_AI.providerName]: event.usage.provider,
              [GEN_AI.system]: event.usage.provider,
              [GEN_AI.requestModel]: model,
              [GEN_AI.inputTokens]: event.usage.input_tokens,
              [GEN_AI.outputTokens]: event.usage.output_tokens,
              'tiny_backspace.cost_usd': event.usage.cost_usd,
            },
          },
          parent(spans.steps.get('agent') ?? spans.run),
        );
        call.end(at(event));
        spans.modelCallStart = at(event);
        break;
      }
      case 'thinking':
        if (event.topic === 'fallback') {
          (spans.steps.get('agent') ?? spans.run).addEvent('provider_fallback', { [GEN_AI.providerName]: event.provider ?? 'unknown', 'tiny_backspace.reason': event.reason ?? event.message }, at(event));
        }
        break;
      case 'tool':
        (spans.steps.get('agent') ?? spans.run).addEvent('tool', { 'gen_ai.tool.name': event.tool }, at(event));
        break;
      default:
        break;
    }
    if (isTerminalEvent(event)) this.finish(event, spans);
  }

  private finish(event: RunEvent & { kind: 'completed' | 'failed' | 'cancelled' }, spans: RunSpans): void {
    const end = at(event);
    for (const step of spans.steps.values()) step.end(end);
    spans.run.setAttribute('tiny_backspace.outcome', event.kind);
    if (event.kind === 'failed') {
      spans.run.setAttribute('error.type', event.error.code);
      spans.run.setStatus({ code: SpanStatusCode.ERROR, message: event.error.message });
    }
    if (event.kind === 'completed' && event.pr_url) spans.run.setAttribute('tiny_backspace.pr_url', event.pr_url);
    spans.run.end(end);
    this.runs.delete(event.request_id);
  }
}

/** True when some SDK registered a global tracer provider; without one every span is a no-op. */
export function tracerProviderRegistered(): boolean {
  const provider = trace.getTracerProvider() as { getDelegateTracer?: (name: string) => unknown };
  // The global is a ProxyTracerProvider (possibly from another copy of the API, so no instanceof) whose
  // delegate is set only by a registered SDK.
  return typeof provider.getDelegateTracer !== 'function' || provider.getDelegateTracer(TRACER_NAME) !== undefined;
}

/** Spans are wanted when the user configured an OTLP endpoint the standard way (and did not disable the SDK). */
export function otlpEndpointConfigured(env: NodeJS.ProcessEnv): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim());
}

export const OTEL_SETUP_HINT =
  'OTEL_EXPORTER_OTLP_ENDPOINT is set, but no OpenTelemetry SDK is registered, so no spans are exported. Preload one: NODE_OPTIONS="--require ./otel.cjs" (see README, "OpenTelemetry").';
