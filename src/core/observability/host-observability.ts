import * as path from 'node:path';
import type { HealthReport } from '../../protocol/health-report';
import type { RunEvent } from '../../protocol/run-events';
import { createLogger, isLogLevel, type CreateLoggerOptions, type FileLogger, type LogLevel } from '../logging/create-logger';
import type { LiveMetrics } from '../runs/run-registry';
import { buildHealthReport } from './build-health-report';
import { OTEL_SETUP_HINT, otlpEndpointConfigured, tracerProviderRegistered } from './otel-setup';
import { TraceRecorder } from './trace-recorder';

/** Environment variables whose values are credentials: replaced verbatim in every log line and trace. */
export const SECRET_ENV_VARS = ['GITHUB_TOKEN', 'GITHUB_PAT', 'ANTHROPIC_API_KEY', 'OPENAI_API_KEY', 'E2B_API_KEY', 'TINY_BACKSPACE_SERVER_TOKEN'] as const;

export interface HostObservabilityOptions {
  readonly logDir: string;
  readonly level: LogLevel;
  readonly mirror?: CreateLoggerOptions['mirror'];
  readonly mirrorLevel?: LogLevel;
  readonly maxFileBytes?: number;
  readonly maxFiles?: number;
  /** Supplies known secrets (SECRET_ENV_VARS) and OTEL_EXPORTER_OTLP_ENDPOINT (warned about when no SDK is registered). */
  readonly env?: NodeJS.ProcessEnv;
}

interface Subscribable {
  subscribe(listener: (event: RunEvent) => void): { dispose(): void };
}

/** The observability of one host (CLI, server): the four logs, run traces, the report. */
export interface HostObservability {
  readonly logDir: string;
  readonly logger: FileLogger;
  /** Records one run event's trace line. */
  record(event: RunEvent): void;
  /** Records every event of a registry. Attach each registry once. */
  attach(registry: Subscribable): { dispose(): void };
  healthReport(registry?: { metrics(): LiveMetrics }): Promise<HealthReport>;
  /** Flushes traces and logs. */
  close(): Promise<void>;
}

export function createHostObservability(options: HostObservabilityOptions): HostObservability {
  const env = options.env ?? {};
  const logger = createLogger({
    dir: options.logDir,
    level: options.level,
    ...(options.mirror ? { mirror: options.mirror } : {}),
    ...(options.mirrorLevel ? { mirrorLevel: options.mirrorLevel } : {}),
    ...(options.maxFileBytes ? { maxFileBytes: options.maxFileBytes } : {}),
    ...(options.maxFiles ? { maxFiles: options.maxFiles } : {}),
    knownSecrets: SECRET_ENV_VARS.map((name) => env[name]?.trim()),
  });
  const secrets = SECRET_ENV_VARS.map((name) => env[name]?.trim()).filter((value): value is string => typeof value === 'string' && value.length >= 6);
  let warnedTraceError = false;
  const traces = new TraceRecorder({
    logDir: options.logDir,
    knownSecrets: () => secrets,
    onError: (error) => {
      if (warnedTraceError) return;
      warnedTraceError = true;
      logger.warn('A run trace could not be written', { reason: error.message });
    },
  });
  // Spans are made live by the pipeline itself (observability/run-spans.ts) whenever an SDK is registered;
  // an endpoint configured without one would silently export nothing, so say so once.
  if (otlpEndpointConfigured(env) && !tracerProviderRegistered()) logger.warn(OTEL_SETUP_HINT);
  const record = (event: RunEvent) => traces.record(event);
  return {
    logDir: options.logDir,
    logger,
    record,
    attach: (registry) => registry.subscribe(record),
    healthReport: (registry) => buildHealthReport({ logDir: options.logDir, ...(registry ? { registry } : {}) }),
    close: async () => {
      await traces.close();
      await logger.close();
    },
  };
}

export interface ObservabilitySettings {
  readonly logDir: string;
  /** app.log level: info, or more detail when the mirror asks for it. */
  readonly level: LogLevel;
  readonly mirrorLevel: LogLevel;
}

/**
 * The CLI's and server's settings: `TINY_BACKSPACE_LOG_DIR` (default ./logs) and `TINY_BACKSPACE_LOG_LEVEL`
 * for the stderr mirror (default warn, so the human renderer stays readable). Files always get at least info.
 */
export function observabilitySettingsFromEnv(env: NodeJS.ProcessEnv, cwd = process.cwd()): ObservabilitySettings {
  const configured = env.TINY_BACKSPACE_LOG_LEVEL?.trim().toLowerCase();
  const mirrorLevel: LogLevel = isLogLevel(configured) ? configured : 'warn';
  const level: LogLevel = mirrorLevel === 'trace' || mirrorLevel === 'debug' ? mirrorLevel : 'info';
  return { logDir: path.resolve(cwd, env.TINY_BACKSPACE_LOG_DIR?.trim() || 'logs'), level, mirrorLevel };
}
