import { readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { TRACES_DIR, isLiveLogFileOf } from '../../core/logging/log-files';
import type { JsonRecord } from '../../core/observability/read-json-lines';
import { FileTail } from './file-tail';

export interface FollowedError {
  readonly time: number;
  readonly requestId?: string;
  readonly code: string;
  readonly message: string;
}

export interface FollowerOptions {
  /** Runs and errors older than this drop out of the live view (default 15 min). */
  readonly windowMs?: number;
  readonly now?: () => number;
}

const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const MAX_ERRORS = 50;

/**
 * Tails a log directory as it grows: every trace written in the window (runs, their steps and outcome)
 * and errors.log. The monitor polls it; nothing is re-read from the start once consumed.
 */
export class LogDirFollower {
  private readonly traceTails = new Map<string, FileTail>();
  private readonly traceEvents = new Map<string, JsonRecord[]>();
  /** errors.log of every process writing the directory (see log-writer.ts), by file name. */
  private readonly errorsTails = new Map<string, FileTail>();
  private readonly errors: FollowedError[] = [];
  readonly windowMs: number;
  private readonly now: () => number;

  constructor(
    readonly logDir: string,
    options: FollowerOptions = {},
  ) {
    this.windowMs = options.windowMs ?? 15 * 60_000;
    this.now = options.now ?? Date.now;
  }

  async poll(): Promise<void> {
    const since = this.now() - this.windowMs;
    const traceDir = path.join(this.logDir, TRACES_DIR);
    const names = await readdir(traceDir).catch(() => [] as string[]);
    for (const name of names) {
      if (!name.endsWith('.jsonl') || this.traceTails.has(name)) continue;
      const info = await stat(path.join(traceDir, name)).catch(() => undefined);
      if (!info || info.mtimeMs < since) continue;
      this.traceTails.set(name, new FileTail(path.join(traceDir, name)));
    }
    for (const [name, tail] of this.traceTails) {
      const requestId = name.slice(0, -'.jsonl'.length);
      const events = await tail.read();
      if (events.length > 0) this.traceEvents.set(requestId, [...(this.traceEvents.get(requestId) ?? []), ...events]);
      if (!names.includes(name)) this.forget(name, requestId);
    }
    for (const name of await readdir(this.logDir).catch(() => [] as string[])) {
      if (isLiveLogFileOf('errors', name) && !this.errorsTails.has(name)) this.errorsTails.set(name, new FileTail(path.join(this.logDir, name)));
    }
    const lines: JsonRecord[] = [];
    for (const tail of this.errorsTails.values()) lines.push(...(await tail.read()));
    for (const line of lines) {
      const error = (line.error ?? {}) as JsonRecord;
      const time = Date.parse(str(line.time) ?? '') || 0;
      const requestId = str(line.request_id);
      this.errors.push({
        time,
        ...(requestId ? { requestId } : {}),
        code: str(line.code) ?? str(error.code) ?? 'unclassified',
        message: str(error.message) ? `${str(line.msg) ?? 'error'}: ${str(error.message)}` : (str(line.msg) ?? 'error'),
      });
    }
    this.errors.sort((a, b) => a.time - b.time);
    this.errors.splice(0, Math.max(0, this.errors.length - MAX_ERRORS));
    this.dropOld(since);
  }

  /** Events per run seen in the window, by request id. */
  runs(): ReadonlyMap<string, readonly JsonRecord[]> {
    return this.traceEvents;
  }

  /** Newest first. */
  recentErrors(limit = 5): FollowedError[] {
    const since = this.now() - this.windowMs;
    return this.errors.filter((error) => error.time >= since).slice(-limit).reverse();
  }

  private dropOld(since: number): void {
    for (const [requestId, events] of this.traceEvents) {
      const last = events.at(-1);
      const finished = events.some((event) => event.kind === 'completed' || event.kind === 'failed' || event.kind === 'cancelled');
      const lastTime = Date.parse(str(last?.timestamp) ?? '') || 0;
      if (finished && lastTime < since) this.forget(`${requestId}.jsonl`, requestId);
    }
  }

  private forget(name: string, requestId: string): void {
    this.traceTails.delete(name);
    this.traceEvents.delete(requestId);
  }
}
