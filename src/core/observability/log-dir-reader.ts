import { readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { LOG_CATEGORIES, TRACES_DIR, isLiveLogFileOf, isLogFileOf, rotatedAt, type LogCategory } from '../logging/log-files';
import { readJsonLines, type JsonRecord } from './read-json-lines';

export interface TraceFile {
  readonly requestId: string;
  readonly events: readonly JsonRecord[];
  readonly modifiedAt: number;
}

export interface SourceStats {
  filesRead: number;
  linesRead: number;
  malformedLines: number;
  /** Relative file name to malformed-line count. */
  readonly malformedByFile: Map<string, number>;
}

export interface LogDirContents {
  readonly logs: Readonly<Record<LogCategory, readonly JsonRecord[]>>;
  /** The most recent traces, newest first. */
  readonly traces: readonly TraceFile[];
  readonly source: SourceStats;
}

export interface ReadLogDirOptions {
  /** Only the newest this many traces are read (default 100). */
  readonly maxRuns?: number;
}

export const DEFAULT_MAX_RUNS = 100;

const isLogLine = (record: JsonRecord) => typeof record.time === 'string' || typeof record.msg === 'string';
const isTraceEvent = (record: JsonRecord) => typeof record.kind === 'string' && typeof record.request_id === 'string' && typeof record.timestamp === 'string';

async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** Every writer's files (see log-writer.ts): rotated files by their time-stamped names, then the live ones. */
function categoryFiles(names: readonly string[], category: LogCategory): string[] {
  const live = names.filter((name) => isLiveLogFileOf(category, name)).sort();
  const rotated = names.filter((name) => !live.includes(name) && isLogFileOf(category, name)).sort();
  return [...rotated, ...live];
}

/** Reads the four logs (live, rotated and gzipped files) and the newest traces of a log directory. */
export async function readLogDir(logDir: string, options: ReadLogDirOptions = {}): Promise<LogDirContents> {
  const source: SourceStats = { filesRead: 0, linesRead: 0, malformedLines: 0, malformedByFile: new Map() };
  const read = async (relative: string, accept: (record: JsonRecord) => boolean) => {
    const result = await readJsonLines(path.join(logDir, relative), accept);
    source.filesRead += 1;
    source.linesRead += result.lines;
    source.malformedLines += result.malformed;
    if (result.malformed > 0) source.malformedByFile.set(relative, result.malformed);
    return result.records;
  };

  const traceDir = path.join(logDir, TRACES_DIR);
  const traceNames = (await listDir(traceDir)).filter((name) => /\.jsonl(\.gz)?$/.test(name));
  const stamped = await Promise.all(
    traceNames.map(async (name) => {
      const info = await stat(path.join(traceDir, name)).catch(() => undefined);
      return { name, modifiedAt: info?.mtimeMs ?? 0 };
    }),
  );
  stamped.sort((a, b) => b.modifiedAt - a.modifiedAt || (a.name < b.name ? 1 : -1));
  const traces: TraceFile[] = [];
  for (const { name, modifiedAt } of stamped.slice(0, options.maxRuns ?? DEFAULT_MAX_RUNS)) {
    const events = await read(path.join(TRACES_DIR, name), isTraceEvent);
    if (events.length > 0) traces.push({ requestId: name.replace(/\.jsonl(\.gz)?$/, ''), events, modifiedAt });
  }

  // A rotated file rotated out before the oldest analysed run started holds nothing the report uses:
  // skipping it keeps a report fast however much history retention keeps.
  const starts = traces.map((trace) => Date.parse(String(trace.events[0]?.timestamp))).filter((time) => !Number.isNaN(time));
  const since = starts.length === 0 ? Number.NEGATIVE_INFINITY : Math.min(...starts);
  const names = await listDir(logDir);
  const logs = {} as Record<LogCategory, JsonRecord[]>;
  for (const category of LOG_CATEGORIES) {
    const records: JsonRecord[] = [];
    for (const name of categoryFiles(names, category)) {
      if ((rotatedAt(name) ?? Number.POSITIVE_INFINITY) < since) continue;
      records.push(...(await read(name, isLogLine)));
    }
    logs[category] = records;
  }
  return { logs, traces, source };
}
