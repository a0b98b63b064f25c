import { trace, type Tracer } from '@opentelemetry/api';

/**
 * What the live spans (run-spans.ts, chat-span.ts) share: the tracer, the GenAI attribute names, and
 * whether anyone listens. Tiny Backspace uses `@opentelemetry/api` only and ships no SDK or exporter: the
 * API is a no-op until an SDK registers a global tracer provider. To export over OTLP, preload one, for
 * example (packages installed by the user):
 *
 *   // otel.cjs
 *   const { NodeSDK } = require('@opentelemetry/sdk-node');
 *   const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http');
 *   new NodeSDK({ traceExporter: new OTLPTraceExporter() }).start();
 *
 *   OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318 NODE_OPTIONS="--require ./otel.cjs" tiny-backspace run ...
 *
 * The API finds that provider through its process-wide global, so the bundled CLI sees it; a `--require`
 * preload also runs in each worker thread, so pipelines executed in run workers get their own SDK.
 */
export const TRACER_NAME = 'tiny-backspace';

/** GenAI semantic-convention attribute names (https://opentelemetry.io/docs/specs/semconv/gen-ai/). */
export const GEN_AI = {
  operationName: 'gen_ai.operation.name',
  /** Current name of the provider attribute; `gen_ai.system` is its older spelling, still read by many backends. */
  providerName: 'gen_ai.provider.name',
  system: 'gen_ai.system',
  requestModel: 'gen_ai.request.model',
  requestMaxTokens: 'gen_ai.request.max_tokens',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  cacheReadInputTokens: 'gen_ai.usage.cache_read.input_tokens',
  cacheCreationInputTokens: 'gen_ai.usage.cache_creation.input_tokens',
  finishReasons: 'gen_ai.response.finish_reasons',
} as const;

/** The general `error.type` attribute: a low-cardinality name of what went wrong. */
export const ERROR_TYPE = 'error.type';

/**
 * The tracer when some SDK registered a global tracer provider, else undefined: callers then skip span
 * work entirely, so a run without OpenTelemetry pays one property lookup per run, step and model call.
 */
export function activeTracer(): Tracer | undefined {
  // A provider alone is not consent: in VS Code's shared extension host another extension may have
  // registered one. Spans (repository and PR URLs, models, token counts) go out only when the user also
  // configured an OTLP endpoint, or TINY_BACKSPACE_OTEL=1 (an in-process exporter, as the tests use).
  return tracerProviderRegistered() && spansWanted(process.env) ? trace.getTracer(TRACER_NAME) : undefined;
}

function spansWanted(env: NodeJS.ProcessEnv): boolean {
  return otlpEndpointConfigured(env) || (env.TINY_BACKSPACE_OTEL?.trim() === '1' && env.OTEL_SDK_DISABLED?.trim().toLowerCase() !== 'true');
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
