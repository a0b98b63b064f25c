import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { readdir, stat, unlink } from 'node:fs/promises';
import * as path from 'node:path';
import { isTerminalEvent, type RunEvent } from '../../protocol/run-events';
import { TRACES_DIR, isSafeRequestId, traceFilePath } from '../logging/log-files';
import { redactLogValue } from '../logging/redact-log-record';
import { LOG_DIR_MODE, LOG_FILE_MODE } from '../logging/rotating-log-stream';

export interface TraceRecorderOptions {
  readonly logDir: string;
  /** Secret values to replace verbatim (events are already scrubbed by the pipeline; this is a second net). */
  readonly knownSecrets?: () => readonly string[];
  /** Trace files kept; the oldest are deleted as new runs start (default 500). */
  readonly maxTraces?: number;
  readonly onError?: (error: Error) => void;
}

interface OpenTrace {
  readonly stream: WriteStream;
  written: Promise<void>;
}

export const DEFAULT_MAX_TRACES = 500;

/**
 * Writes each run's full event stream to `<logDir>/traces/<request_id>.jsonl` (mode 0600), one event per
 * line in arrival order, so any run can be inspected or replayed later (see `readTrace`). Feed it with
 * `record` from a per-event callback, or attach it to a run registry with `attachTraceRecorder`.
 */
export class TraceRecorder {
  private readonly open = new Map<string, OpenTrace>();
  private readonly closing = new Set<Promise<void>>();
  private readonly dir: string;
  private dirReady = false;
  /** Trace file names, oldest first, once the directory has been listed. */
  private known: string[] | undefined;
  private pruning: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly options: TraceRecorderOptions) {
    this.dir = path.join(options.logDir, TRACES_DIR);
  }

  record(event: RunEvent): void {
    if (this.closed) return;
    const requestId = event.request_id;
    if (!isSafeRequestId(requestId)) {
      this.options.onError?.(new Error('Trace not written: the request id is not a safe file name.'));
      return;
    }
    let trace = this.open.get(requestId);
    if (!trace) {
      trace = this.openTrace(requestId);
      if (!trace) return;
    }
    const line = `${JSON.stringify(redactLogValue(event, this.options.knownSecrets?.() ?? []))}\n`;
    const stream = trace.stream;
    trace.written = new Promise((resolve) => stream.write(line, () => resolve()));
    if (isTerminalEvent(event)) this.finish(requestId, trace);
  }

  /** Resolves when every event recorded so far is on disk. */
  async flush(): Promise<void> {
    await Promise.all([...[...this.open.values()].map((trace) => trace.written), ...this.closing, this.pruning]);
  }

  /** Flushes and closes every trace; runs still going keep their partial trace. */
  async close(): Promise<void> {
    this.closed = true;
    for (const [requestId, trace] of [...this.open]) this.finish(requestId, trace);
    await this.flush();
  }

  private openTrace(requestId: string): OpenTrace | undefined {
    try {
      if (!this.dirReady) {
        mkdirSync(this.dir, { recursive: true, mode: LOG_DIR_MODE });
        this.dirReady = true;
      }
    } catch (error) {
      this.options.onError?.(error as Error);
      return undefined;
    }
    const stream = createWriteStream(traceFilePath(this.options.logDir, requestId), { flags: 'a', mode: LOG_FILE_MODE });
    stream.on('error', (error) => this.options.onError?.(error));
    const trace: OpenTrace = { stream, written: Promise.resolve() };
    this.open.set(requestId, trace);
    this.pruning = this.pruning.then(() => this.prune(`${requestId}.jsonl`)).catch((error: unknown) => this.options.onError?.(error as Error));
    return trace;
  }

  private finish(requestId: string, trace: OpenTrace): void {
    this.open.delete(requestId);
    const done = new Promise<void>((resolve) => {
      trace.stream.end(() => resolve());
      trace.stream.once('error', () => resolve());
    });
    this.closing.add(done);
    void done.finally(() => this.closing.delete(done));
  }

  /**
   * Keeps the newest `maxTraces` files; never deletes a trace that is still being written. The directory
   * is listed (and each file's age read) once; after that the recorder knows the order itself, so a run
   * start costs no directory scan even with hundreds of traces on disk.
   */
  private async prune(justOpened: string): Promise<void> {
    const max = this.options.maxTraces ?? DEFAULT_MAX_TRACES;
    if (!this.known) {
      const names = (await readdir(this.dir)).filter((name) => name.endsWith('.jsonl') && name !== justOpened);
      const stamped = await Promise.all(names.map(async (name) => ({ name, time: (await stat(path.join(this.dir, name)).catch(() => undefined))?.mtimeMs ?? 0 })));
      this.known = stamped.sort((a, b) => a.time - b.time).map((entry) => entry.name);
    }
    // The first listing can already see files of runs opened since (their opens race it): a name is
    // known once, at its newest position, or retention would count it twice and delete live history.
    this.known = this.known.filter((name) => name !== justOpened);
    this.known.push(justOpened);
    if (this.known.length <= max) return;
    const active = new Set([...this.open.keys()].map((id) => `${id}.jsonl`));
    const excess = this.known.length - max;
    const doomed = this.known.filter((name) => !active.has(name)).slice(0, excess);
    const removed = new Set(doomed);
    this.known = this.known.filter((name) => !removed.has(name));
    for (const name of doomed) await unlink(path.join(this.dir, name)).catch(() => {});
  }
}

export interface AttachedTraceRecorder {
  readonly recorder: TraceRecorder;
  /** Stops listening, then flushes and closes the files. */
  dispose(): Promise<void>;
}

/** Records every run of a registry. One recorder per registry: a second one would write every line twice. */
export function attachTraceRecorder(
  registry: { subscribe(listener: (event: RunEvent) => void): { dispose(): void } },
  logDir: string,
  options: Omit<TraceRecorderOptions, 'logDir'> = {},
): AttachedTraceRecorder {
  const recorder = new TraceRecorder({ ...options, logDir });
  const subscription = registry.subscribe((event) => recorder.record(event));
  return {
    recorder,
    dispose: async () => {
      subscription.dispose();
      await recorder.close();
    },
  };
}
