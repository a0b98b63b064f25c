import * as path from 'node:path';

/** The four log categories of the design, each its own file of JSON lines. */
export const LOG_CATEGORIES = ['app', 'errors', 'performance', 'agent_thinking'] as const;
export type LogCategory = (typeof LOG_CATEGORIES)[number];

export const TRACES_DIR = 'traces';

/** A secondary writer's tag (see log-writer.ts): `w` and a process id. */
const WRITER = /^w\d{1,10}$/;

/** `<category>.log` for the primary writer, `<category>.<writer>.log` for another process's own file. */
export function logFileName(category: LogCategory, writer?: string): string {
  return writer === undefined ? `${category}.log` : `${category}.${writer}.log`;
}

/**
 * Rotated files are `<category>.<yyyymmdd-hhmmss>-<nn>.log.gz`: the stamp sorts chronologically by name,
 * and the name still says which category it holds, so the analyser finds them without a history file.
 */
export function rotatedLogFileName(category: LogCategory, time: Date, index: number, writer?: string): string {
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  const stamp = `${time.getUTCFullYear()}${pad(time.getUTCMonth() + 1)}${pad(time.getUTCDate())}-${pad(time.getUTCHours())}${pad(time.getUTCMinutes())}${pad(time.getUTCSeconds())}`;
  return `${category}.${writer === undefined ? '' : `${writer}.`}${stamp}-${pad(index)}.log.gz`;
}

/** Matches the live files and every rotated (optionally gzipped) file of `category`, of every writer. */
export function isLogFileOf(category: LogCategory, fileName: string): boolean {
  return isLiveLogFileOf(category, fileName) || /^(?:w\d{1,10}\.)?\d{8}-\d{6}-\d{2,}\.log(\.gz)?$/.test(restAfter(category, fileName) ?? '');
}

/** A file some writer appends to now: `<category>.log` or `<category>.w<pid>.log`. */
export function isLiveLogFileOf(category: LogCategory, fileName: string): boolean {
  if (fileName === logFileName(category)) return true;
  const rest = restAfter(category, fileName);
  return rest !== undefined && rest.endsWith('.log') && WRITER.test(rest.slice(0, -'.log'.length));
}

function restAfter(category: LogCategory, fileName: string): string | undefined {
  return fileName.startsWith(`${category}.`) ? fileName.slice(category.length + 1) : undefined;
}

/** When a rotated file was rotated out (UTC, from its name); every line in it is older. Undefined for the live file. */
export function rotatedAt(fileName: string): number | undefined {
  const match = /\.(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})-\d{2,}\.log(\.gz)?$/.exec(fileName);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second] = match.map(Number) as number[];
  return Date.UTC(year ?? 0, (month ?? 1) - 1, day, hour, minute, second);
}

/** rfs keeps its retention bookkeeping here; hidden so nobody mistakes it for a log. */
export function rotationHistoryFileName(category: LogCategory, writer?: string): string {
  return `.${category}${writer === undefined ? '' : `.${writer}`}.rotation-history`;
}

/** Request ids name trace files, so only plain identifier characters are accepted. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function isSafeRequestId(requestId: string): boolean {
  return SAFE_REQUEST_ID.test(requestId) && !requestId.includes('..');
}

export function traceFilePath(logDir: string, requestId: string): string {
  return path.join(logDir, TRACES_DIR, `${requestId}.jsonl`);
}
