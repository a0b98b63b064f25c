import type { Logger, LogFields } from './logger';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

export interface CreateLoggerOptions {
  /** Directory for app.log, errors.log, performance.log, agent_thinking.log and traces/. */
  readonly dir: string;
  readonly level: LogLevel;
  /** Human-readable mirror: the VS Code LogOutputChannel or the CLI's stderr. */
  readonly mirror?: (level: LogLevel, message: string, fields?: LogFields) => void;
  readonly maxFileBytes?: number;
  readonly maxFiles?: number;
}

export interface ClosableLogger extends Logger {
  close(): Promise<void>;
}

// PLACEHOLDER owned by the observability work (issue 6): pino with rotation replaces this mirror-only logger.
export function createLogger(options: CreateLoggerOptions): ClosableLogger {
  const mirror = options.mirror ?? (() => {});
  return {
    debug: (message, fields) => mirror('debug', message, fields),
    info: (message, fields) => mirror('info', message, fields),
    warn: (message, fields) => mirror('warn', message, fields),
    error: (message, _error, fields) => mirror('error', message, fields),
    performance: (operation, durationMs, fields) => mirror('debug', `${operation} ${durationMs} ms`, fields),
    thinking: (message, fields) => mirror('debug', message, fields),
    close: async () => {},
  };
}
