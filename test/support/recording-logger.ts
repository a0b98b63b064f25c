import type { Logger, LogFields } from '../../src/core/logging/logger';
import { currentRequestId } from '../../src/core/logging/request-context';

export interface RecordedLogLine {
  category: 'app' | 'errors' | 'performance' | 'agent_thinking';
  level: string;
  message: string;
  request_id: string | undefined;
  fields: LogFields | undefined;
  error?: string;
}

/** A Logger that keeps every line in memory, for asserting what the engine would have written. */
export function createRecordingLogger(): Logger & { lines: RecordedLogLine[]; text(): string } {
  const lines: RecordedLogLine[] = [];
  const add = (line: Omit<RecordedLogLine, 'request_id'>) => lines.push({ ...line, request_id: currentRequestId() });
  return {
    lines,
    text: () => JSON.stringify(lines),
    debug: (message, fields) => add({ category: 'app', level: 'debug', message, fields }),
    info: (message, fields) => add({ category: 'app', level: 'info', message, fields }),
    warn: (message, fields) => add({ category: 'app', level: 'warn', message, fields }),
    error: (message, error, fields) =>
      add({ category: 'errors', level: 'error', message, fields, error: error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error) }),
    performance: (operation, durationMs, fields) => add({ category: 'performance', level: 'info', message: operation, fields: { ...fields, duration_ms: durationMs } }),
    thinking: (message, fields) => add({ category: 'agent_thinking', level: 'info', message, fields }),
  };
}
