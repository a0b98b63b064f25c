import type { LogLevel } from './create-logger';
import type { LogFields } from './logger';

/** One readable line for a terminal: `warn  message  key=value …`, values JSON-quoted only when needed. */
export function formatMirrorLine(level: LogLevel, message: string, fields?: LogFields): string {
  const parts = Object.entries(fields ?? {})
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${typeof value === 'string' && /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value)}`);
  return [level.padEnd(5), message, ...parts].join('  ').replace(/[\r\n]+/g, ' ');
}
