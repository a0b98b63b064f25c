import { isTerminalEvent, type RunEvent } from '../../protocol/run-events';
import type { Disposable, RunSummary } from './run-registry';
import { DEFAULT_STORE_LIMITS, RunStoreError, type CancelRequest, type RunStore, type RunStoreLimits, type StoredRunStart } from './run-store';
import { chargeAppend, type RunFootprint } from './run-bounds';
import { addDelta, continuesGroup, detachPatch, expandRecord, lastSeq, recordIndexAfter, startGroup, storedBytesOf, type StoredRecord } from './stored-records';
import { foldSummary, initialSummary } from './summarize-run';

interface MemoryRun {
  readonly startedAt: number;
  /** In seq order; `firstSeqs[i]` is the first seq of `records[i]`, for a binary search by seq. */
  readonly records: StoredRecord[];
  readonly firstSeqs: number[];
  /** Patches by content address, kept once beside the run and dropped with it. */
  readonly blobs: Map<string, string>;
  readonly footprint: RunFootprint;
  readonly waiters: Set<() => void>;
  summary: RunSummary;
  finishedAt?: number;
}

/** What a run keeps in memory: for tests and diagnostics. */
export interface MemoryRunFootprint {
  readonly records: number;
  readonly bytes: number;
  readonly blobs: ReadonlyMap<string, string>;
}

/**
 * One process's runs: the embedded default, with the same contract as the Redis store. Consecutive text
 * deltas are one growing record (readers on this process see each delta as it is appended), the patch is
 * kept once by content address, and reads and tails find their place by binary search, so each costs
 * O(log records + events returned) rather than a scan of the whole run.
 */
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
    this.runs.set(run.requestId, {
      startedAt: run.startedAt,
      records: [],
      firstSeqs: [],
      blobs: new Map(),
      footprint: { records: 0, bytes: 0 },
      waiters: new Set(),
      summary: initialSummary(run.requestId, run.request, run.startedAt),
    });
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
    const last = run.records.at(-1);
    if (last !== undefined && event.seq <= lastSeq(last)) throw new RunStoreError(`Run ${event.request_id} got event ${event.seq} after event ${lastSeq(last)}: events are appended in seq order.`);
    const terminal = isTerminalEvent(event);
    const millis = last?.kind === 'deltas' ? continuesGroup(last, event) : undefined;
    if (last?.kind === 'deltas' && millis !== undefined && event.kind === 'ai_message') {
      chargeAppend(event.request_id, this.limits, run.footprint, { newRecord: false, bytes: Buffer.byteLength(event.message), blobBytes: 0, terminal });
      addDelta(last, event, millis);
    } else {
      this.appendRecord(run, event, terminal);
    }
    run.summary = foldSummary(run.summary, event);
    if (terminal) {
      run.finishedAt = this.now();
      // With the terminal event, as the Redis store does: whoever sees the run end can start the next.
      this.admitted.delete(event.request_id);
    }
    for (const wake of [...run.waiters]) wake();
  }

  /** Diagnostics: how many records and bytes a run keeps, and its patches. */
  footprint(requestId: string): MemoryRunFootprint | undefined {
    const run = this.runs.get(requestId);
    return run ? { records: run.records.length, bytes: run.footprint.bytes, blobs: run.blobs } : undefined;
  }

  private appendRecord(run: MemoryRun, event: RunEvent, terminal: boolean): void {
    const group = startGroup(event);
    if (group) {
      chargeAppend(event.request_id, this.limits, run.footprint, { newRecord: true, bytes: Buffer.byteLength(event.message), blobBytes: 0, terminal });
      run.records.push(group);
      run.firstSeqs.push(group.first);
      return;
    }
    const { record, patch } = detachPatch(event);
    const blobBytes = patch && !run.blobs.has(patch.ref) ? Buffer.byteLength(patch.text) : 0;
    chargeAppend(event.request_id, this.limits, run.footprint, { newRecord: true, bytes: storedBytesOf(record), blobBytes, terminal });
    if (patch) run.blobs.set(patch.ref, patch.text);
    run.records.push(record);
    run.firstSeqs.push(event.seq);
  }

  async read(requestId: string, afterSeq: number): Promise<RunEvent[]> {
    const run = this.runs.get(requestId);
    return run ? this.eventsAfter(run, afterSeq) : [];
  }

  async *tail(requestId: string, afterSeq: number, signal: AbortSignal): AsyncIterable<RunEvent> {
    const run = this.runs.get(requestId);
    if (!run) return;
    let next = afterSeq;
    while (!signal.aborted) {
      // Only what was appended since the last wake: found by binary search, never a rescan of the run.
      for (const event of this.eventsAfter(run, next)) {
        next = event.seq;
        yield event;
        if (isTerminalEvent(event)) return;
      }
      const newest = run.records.at(-1);
      // Events appended while this tail was yielding are read on the next pass, without waiting.
      if (newest !== undefined && lastSeq(newest) > next) continue;
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

  private eventsAfter(run: MemoryRun, afterSeq: number): RunEvent[] {
    const events: RunEvent[] = [];
    const patchOf = (ref: string) => {
      const patch = run.blobs.get(ref);
      if (patch === undefined) throw new RunStoreError(`A patch of run ${run.summary.requestId} is missing from the store.`);
      return patch;
    };
    for (let index = recordIndexAfter(run.firstSeqs, afterSeq); index < run.records.length; index += 1) {
      const record = run.records[index];
      if (record) expandRecord(record, afterSeq, patchOf, events);
    }
    return events;
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
