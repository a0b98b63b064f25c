import { multistream, pino, stdTimeFunctions, type Logger as PinoLogger, type LoggerOptions } from 'pino';
import { REDACTED, redactSecrets } from '../security/redact';
import type { Logger, LogFields } from './logger';
import { PINO_REDACT_PATHS, redactLogText, redactLogValue } from './redact-log-record';
import { currentRequestId } from './request-context';
import type { LogCategory } from './log-files';
import { claimLogWriter } from './log-writer';
import { createRotatingLogStream, ensureLogDir, type RotatingLogStream } from './rotating-log-stream';
import { serializeError } from './serialize-error';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

const LEVEL_ORDER: Readonly<Record<LogLevel, number>> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50 };

export function isLogLevel(value: string | undefined): value is LogLevel {
  return value !== undefined && Object.hasOwn(LEVEL_ORDER, value);
}

export interface CreateLoggerOptions {
  /** Directory for app.log, errors.log, performance.log, agent_thinking.log and traces/. */
  readonly dir: string;
  /** Minimum level of app.log (and of the mirror unless `mirrorLevel` says otherwise). */
  readonly level: LogLevel;
  /** Human-readable mirror: the VS Code LogOutputChannel or the CLI's stderr. */
  readonly mirror?: (level: LogLevel, message: string, fields?: LogFields) => void;
  /** Minimum level sent to the mirror; the CLI keeps stderr at `warn` so its renderer stays readable. */
  readonly mirrorLevel?: LogLevel;
  /** Size at which a file is rotated (default 10 MiB). */
  readonly maxFileBytes?: number;
  /** Rotated, gzipped files kept per category (default 5). */
  readonly maxFiles?: number;
  /** Secret values known up front (tokens and keys from the environment); replaced verbatim everywhere. */
  readonly knownSecrets?: readonly (string | undefined)[];
}

export interface ClosableLogger extends Logger {
  /** Flushes and closes the files; later lines reach only the mirror. */
  close(): Promise<void>;
}

/** What `createLogger` returns: a ClosableLogger that can also learn secrets after it was built. */
export interface FileLogger extends ClosableLogger {
  /** Adds secret values to replace verbatim, e.g. a token obtained after the logger was built. */
  addKnownSecrets(values: readonly (string | undefined)[]): void;
}

export const DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024;
export const DEFAULT_MAX_FILES = 5;

/**
 * The production logger: pino writing JSON lines to one rotating file per category, in-process (no
 * transports, whose worker threads do not survive bundling). Every line carries the request id of the
 * run it was logged from (AsyncLocalStorage, via pino's `mixin`) and is redacted by key name (pino
 * `redact` plus a formatter that walks the whole record) and by value pattern (src/core/security/redact).
 *
 * app.log gets every line at `level` and above; errors.log gets errors with stack and context;
 * performance.log and agent_thinking.log always record, whatever `level`, because the health report is
 * computed from them.
 */
export function createLogger(options: CreateLoggerOptions): FileLogger {
  const secrets: string[] = [];
  const addKnownSecrets = (values: readonly (string | undefined)[]) => {
    for (const value of values) if (typeof value === 'string' && value.length >= 6 && !secrets.includes(value)) secrets.push(value);
  };
  addKnownSecrets(options.knownSecrets ?? []);

  const mirror = options.mirror;
  const mirrorThreshold = LEVEL_ORDER[options.mirrorLevel ?? options.level];
  const reportedStreamErrors = new Set<string>();
  ensureLogDir(options.dir);
  const claim = claimLogWriter(options.dir);
  const rotating = (category: LogCategory): RotatingLogStream =>
    createRotatingLogStream({
      dir: options.dir,
      category,
      ...(claim.writer === undefined ? {} : { writer: claim.writer }),
      maxFileBytes: options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
      maxFiles: options.maxFiles ?? DEFAULT_MAX_FILES,
      onError: (error) => {
        // Report each broken file once; the mirror is all that is left to tell the user.
        if (reportedStreamErrors.has(category)) return;
        reportedStreamErrors.add(category);
        mirror?.('warn', `Could not write ${category}.log: ${redactSecrets(error.message, secrets)}`);
      },
    });
  const files = { app: rotating('app'), errors: rotating('errors'), performance: rotating('performance'), thinking: rotating('agent_thinking') };

  const common: LoggerOptions = {
    base: null,
    timestamp: stdTimeFunctions.isoTime,
    mixin: () => {
      const requestId = currentRequestId();
      return requestId === undefined ? {} : { request_id: requestId };
    },
    redact: { paths: [...PINO_REDACT_PATHS], censor: REDACTED },
    formatters: {
      level: (label) => ({ level: label }),
      log: (record) => redactLogValue(record, secrets) as Record<string, unknown>,
    },
    hooks: {
      // The message is outside the merged record, so it gets its own value-pattern pass.
      logMethod(args, method) {
        const scrubbed = args.map((arg: unknown) => (typeof arg === 'string' ? redactLogText(arg, secrets) : arg)) as Parameters<typeof method>;
        method.apply(this, scrubbed);
      },
    },
  };
  const app: PinoLogger = pino(
    { ...common, level: options.level },
    multistream([
      { level: options.level, stream: files.app.stream },
      { level: 'error', stream: files.errors.stream },
    ]),
  );
  const performance: PinoLogger = pino({ ...common, level: 'info' }, files.performance.stream);
  const thinking: PinoLogger = pino({ ...common, level: 'info' }, files.thinking.stream);

  let closed = false;
  const toMirror = (level: LogLevel, message: string, fields?: LogFields) => {
    if (!mirror || LEVEL_ORDER[level] < mirrorThreshold) return;
    const requestId = currentRequestId();
    const withId = requestId === undefined || fields?.request_id !== undefined ? fields : { ...fields, request_id: requestId };
    mirror(level, redactLogText(message, secrets), withId === undefined ? undefined : (redactLogValue(withId, secrets) as LogFields));
  };
  const write = (target: PinoLogger, level: 'debug' | 'info' | 'warn' | 'error', message: string, fields?: LogFields) => {
    if (!closed) target[level]({ ...fields }, message);
  };

  return {
    debug: (message, fields) => {
      write(app, 'debug', message, fields);
      toMirror('debug', message, fields);
    },
    info: (message, fields) => {
      write(app, 'info', message, fields);
      toMirror('info', message, fields);
    },
    warn: (message, fields) => {
      write(app, 'warn', message, fields);
      toMirror('warn', message, fields);
    },
    error: (message, error, fields) => {
      // Under `error`, not pino's `err`: the record is already plain data and pino's err serializer
      // would re-wrap it.
      const err = error === undefined ? undefined : serializeError(error);
      const record = { ...(err?.code && fields?.code === undefined ? { code: err.code } : {}), ...fields, ...(err ? { error: err } : {}) };
      write(app, 'error', message, record);
      toMirror('error', err ? `${message}: ${err.message}` : message, fields);
    },
    performance: (operation, durationMs, fields) => {
      write(performance, 'info', operation, { ...fields, operation, duration_ms: Math.round(durationMs * 1000) / 1000 });
      toMirror('debug', `${operation} ${Math.round(durationMs)} ms`, fields);
    },
    thinking: (message, fields) => {
      write(thinking, 'info', message, fields);
      toMirror('debug', message, fields);
    },
    addKnownSecrets,
    close: async () => {
      if (closed) return;
      closed = true;
      await Promise.all(Object.values(files).map((file) => file.close()));
      claim.release();
    },
  };
}
