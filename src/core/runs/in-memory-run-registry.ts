import { availableParallelism } from 'node:os';
import { isTerminalEvent, type RunEvent, type TerminalEvent } from '../../protocol/run-events';
import type { RunRequest } from '../../protocol/run-request';
import { cancellation } from '../errors/cancelled-error';
import { TinyBackspaceError } from '../errors/tiny-backspace-error';
import type { PipelineDeps } from '../pipeline/pipeline-deps';
import { runPipeline } from '../pipeline/run-pipeline';
import type { Disposable, LiveMetrics, RunRegistry, RunSummary, StartOptions, StartedRun } from './run-registry';
import { Semaphore } from './semaphore';
import { summarizeRun } from './summarize-run';

interface RunRecord {
  readonly requestId: string;
  readonly request: RunRequest;
  readonly startedAt: number;
  readonly events: RunEvent[];
  readonly controller: AbortController;
  readonly done: Promise<TerminalEvent>;
  readonly waiters: Set<() => void>;
  terminal?: TerminalEvent;
}

export interface InMemoryRunRegistryOptions {
  readonly maxConcurrentRuns?: number;
  /** Finished runs kept for replay and listing. */
  readonly maxRetainedRuns?: number;
  /** Runs that execute steps at once; the others are accepted and wait (default: two per CPU, at least 2). */
  readonly maxExecutingRuns?: number;
  readonly now?: () => number;
}

const MINUTE = 60_000;

export class InMemoryRunRegistry implements RunRegistry {
  private readonly runs = new Map<string, RunRecord>();
  private readonly listeners = new Set<(event: RunEvent) => void>();
  private readonly starts: number[] = [];
  private readonly failures: number[] = [];
  private totalRuns = 0;
  private readonly maxConcurrent: number;
  private readonly maxRetained: number;
  private readonly now: () => number;
  private readonly executionSlots: Semaphore;

  constructor(
    private readonly deps: PipelineDeps,
    options: InMemoryRunRegistryOptions = {},
  ) {
    this.maxConcurrent = options.maxConcurrentRuns ?? 4;
    this.maxRetained = options.maxRetainedRuns ?? 50;
    this.now = options.now ?? Date.now;
    this.executionSlots = new Semaphore(options.maxExecutingRuns ?? Math.max(2, availableParallelism() * 2));
  }

  get activeCount(): number {
    let count = 0;
    for (const run of this.runs.values()) if (!run.terminal) count += 1;
    return count;
  }

  start(request: RunRequest, options: StartOptions = {}): StartedRun {
    if (this.activeCount >= this.maxConcurrent) {
      throw new TinyBackspaceError('concurrency_limit', `${this.maxConcurrent} runs are already in progress.`, {
        remedy: 'Wait for a run to finish or cancel one, then try again.',
      });
    }
    const controller = new AbortController();
    const outer = options.signal;
    const onOuterAbort = () => controller.abort(cancellation(typeof outer?.reason === 'string' ? outer.reason : 'The client went away.'));
    if (outer?.aborted) onOuterAbort();
    else outer?.addEventListener('abort', onOuterAbort, { once: true });

    const handle = runPipeline(request, { ...this.deps, ...options.deps, admission: this.executionSlots }, controller.signal);
    const record: Omit<RunRecord, 'done'> & { done?: Promise<TerminalEvent> } = {
      requestId: handle.requestId,
      request,
      startedAt: this.now(),
      events: [],
      controller,
      waiters: new Set(),
    };
    const done = this.consume(record as RunRecord, handle).finally(() => outer?.removeEventListener('abort', onOuterAbort));
    record.done = done;
    this.runs.set(handle.requestId, record as RunRecord);
    this.totalRuns += 1;
    this.starts.push(this.now());
    this.evictFinished();
    return { requestId: handle.requestId, done };
  }

  get(requestId: string): RunSummary | undefined {
    const run = this.runs.get(requestId);
    return run ? summarizeRun(run.requestId, run.request, run.startedAt, run.events) : undefined;
  }

  list(): RunSummary[] {
    return [...this.runs.values()]
      .sort((a, b) => b.startedAt - a.startedAt)
      .map((run) => summarizeRun(run.requestId, run.request, run.startedAt, run.events));
  }

  history(requestId: string): readonly RunEvent[] {
    return this.runs.get(requestId)?.events ?? [];
  }

  async *events(requestId: string, afterSeq = 0, signal?: AbortSignal): AsyncIterable<RunEvent> {
    const run = this.runs.get(requestId);
    if (!run) return;
    let next = afterSeq;
    while (!signal?.aborted) {
      while (next < run.events.length) {
        const event = run.events[next];
        next += 1;
        if (event) yield event;
      }
      if (run.terminal) return;
      await new Promise<void>((resolve) => {
        const wake = () => {
          run.waiters.delete(wake);
          signal?.removeEventListener('abort', wake);
          resolve();
        };
        run.waiters.add(wake);
        signal?.addEventListener('abort', wake, { once: true });
      });
    }
  }

  cancel(requestId: string, reason = 'Cancelled by the user.'): boolean {
    const run = this.runs.get(requestId);
    if (!run || run.terminal) return false;
    run.controller.abort(cancellation(reason));
    return true;
  }

  async cancelAll(reason = 'The host is shutting down.'): Promise<void> {
    const active = [...this.runs.values()].filter((run) => !run.terminal);
    for (const run of active) run.controller.abort(cancellation(reason));
    await Promise.allSettled(active.map((run) => run.done));
  }

  subscribe(listener: (event: RunEvent) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  metrics(): LiveMetrics {
    const since = this.now() - MINUTE;
    prune(this.starts, since);
    prune(this.failures, since);
    return {
      activeRuns: this.activeCount,
      requestsPerMinute: this.starts.length,
      errorsPerMinute: this.failures.length,
      totalRuns: this.totalRuns,
    };
  }

  private async consume(run: RunRecord, stream: AsyncIterable<RunEvent>): Promise<TerminalEvent> {
    for await (const event of stream) {
      run.events.push(event);
      if (isTerminalEvent(event)) {
        run.terminal = event;
        if (event.kind === 'failed') this.failures.push(this.now());
      }
      for (const listener of this.listeners) {
        try {
          listener(event);
        } catch {
          // A broken listener must not stop the run or the other listeners.
        }
      }
      for (const wake of [...run.waiters]) wake();
    }
    if (!run.terminal) throw new Error('A run ended without a terminal event.');
    this.evictFinished();
    return run.terminal;
  }

  private evictFinished(): void {
    const finished = [...this.runs.values()].filter((run) => run.terminal).sort((a, b) => a.startedAt - b.startedAt);
    while (finished.length > this.maxRetained) {
      const oldest = finished.shift();
      if (oldest) this.runs.delete(oldest.requestId);
    }
  }
}

function prune(times: number[], since: number): void {
  while (times.length > 0 && (times[0] ?? 0) < since) times.shift();
}
