import { isTerminalEvent, type RunEvent } from '../../protocol/run-events';
import type { Disposable, RunSummary } from './run-registry';
import { DEFAULT_STORE_LIMITS, RunStoreError, type CancelRequest, type RunStore, type RunStoreLimits, type StoredRunStart } from './run-store';
import { foldSummary, initialSummary } from './summarize-run';

interface MemoryRun {
  readonly startedAt: number;
  readonly events: RunEvent[];
  readonly waiters: Set<() => void>;
  summary: RunSummary;
  finishedAt?: number;
}

/** One process's runs: the embedded default, with the same contract as the Redis store. */
export class InMemoryRunStore implements RunStore {
  readonly limits: RunStoreLimits;
  private readonly runs = new Map<string, MemoryRun>();
  private readonly admitted = new Set<string>();
  private readonly idempotency = new Map<string, { requestId: string; expiresAt: number }>();
  private readonly cancelListeners = new Set<(request: CancelRequest) => void>();

  constructor(
    limits: Partial<RunStoreLimits> = {},
    private readonly now: () => number = Date.now,
  ) {
    this.limits = { ...DEFAULT_STORE_LIMITS, ...limits };
  }

  async admit(run: StoredRunStart): Promise<boolean> {
    if (this.admitted.size >= this.limits.maxActiveRuns) return false;
    this.admitted.add(run.requestId);
    this.runs.set(run.requestId, { startedAt: run.startedAt, events: [], waiters: new Set(), summary: initialSummary(run.requestId, run.request, run.startedAt) });
    this.expire();
    return true;
  }

  async renewAdmission(): Promise<void> {}

  async release(requestId: string): Promise<void> {
    this.admitted.delete(requestId);
  }

  async activeCount(): Promise<number> {
    return this.admitted.size;
  }

  async append(event: RunEvent): Promise<void> {
    const run = this.runs.get(event.request_id);
    if (!run) throw new RunStoreError(`Run ${event.request_id} is not in the store.`);
    if (run.events.length >= this.limits.maxEventsPerRun && !isTerminalEvent(event)) {
      throw new RunStoreError(`Run ${event.request_id} reached the store's bound of ${this.limits.maxEventsPerRun} events.`);
    }
    run.events.push(event);
    run.summary = foldSummary(run.summary, event);
    if (isTerminalEvent(event)) run.finishedAt = this.now();
    for (const wake of [...run.waiters]) wake();
  }

  async read(requestId: string, afterSeq: number): Promise<RunEvent[]> {
    const run = this.runs.get(requestId);
    return run ? run.events.filter((event) => event.seq > afterSeq) : [];
  }

  async *tail(requestId: string, afterSeq: number, signal: AbortSignal): AsyncIterable<RunEvent> {
    const run = this.runs.get(requestId);
    if (!run) return;
    let next = afterSeq;
    while (!signal.aborted) {
      for (const event of run.events) {
        if (event.seq <= next) continue;
        next = event.seq;
        yield event;
        if (isTerminalEvent(event)) return;
      }
      if (run.finishedAt !== undefined) return;
      await new Promise<void>((resolve) => {
        const wake = () => {
          run.waiters.delete(wake);
          signal.removeEventListener('abort', wake);
          resolve();
        };
        run.waiters.add(wake);
        signal.addEventListener('abort', wake, { once: true });
      });
    }
  }

  async summary(requestId: string): Promise<RunSummary | undefined> {
    return this.runs.get(requestId)?.summary;
  }

  async list(): Promise<RunSummary[]> {
    return [...this.runs.values()].sort((a, b) => b.startedAt - a.startedAt).map((run) => run.summary);
  }

  async requestCancel(request: CancelRequest): Promise<void> {
    for (const listener of [...this.cancelListeners]) listener(request);
  }

  async onCancelRequest(listener: (request: CancelRequest) => void): Promise<Disposable> {
    this.cancelListeners.add(listener);
    return { dispose: () => this.cancelListeners.delete(listener) };
  }

  async claimIdempotencyKey(key: string, requestId: string): Promise<string> {
    const now = this.now();
    const existing = this.idempotency.get(key);
    if (existing && existing.expiresAt > now) return existing.requestId;
    this.idempotency.set(key, { requestId, expiresAt: now + this.limits.retainFinishedMs });
    return requestId;
  }

  async releaseIdempotencyKey(key: string, requestId: string): Promise<void> {
    if (this.idempotency.get(key)?.requestId === requestId) this.idempotency.delete(key);
  }

  async close(): Promise<void> {}

  /** Finished runs past their retention, or past the listing bound, go. */
  private expire(): void {
    const now = this.now();
    const finished = [...this.runs.entries()].filter(([, run]) => run.finishedAt !== undefined).sort(([, a], [, b]) => a.startedAt - b.startedAt);
    let excess = finished.length - this.limits.maxListedRuns;
    for (const [requestId, run] of finished) {
      if (excess > 0 || now - (run.finishedAt ?? now) > this.limits.retainFinishedMs) {
        this.runs.delete(requestId);
        excess -= 1;
      }
    }
    for (const [key, entry] of this.idempotency) if (entry.expiresAt <= now) this.idempotency.delete(key);
  }
}
