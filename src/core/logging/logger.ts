export type LogFields = Readonly<Record<string, unknown>>;

/**
 * The engine's logging surface: the four categories of the design. Implementations stamp every line
 * with the current request id (see request-context) and redact secrets.
 */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  /** Goes to errors.log with stack and context. */
  error(message: string, error?: unknown, fields?: LogFields): void;
  /** One performance.log line per timed operation. */
  performance(operation: string, durationMs: number, fields?: LogFields): void;
  /** agent_thinking.log: provider choice, fallbacks and reasons, tool decisions. */
  thinking(message: string, fields?: LogFields): void;
}

export const nullLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  performance: () => {},
  thinking: () => {},
};
