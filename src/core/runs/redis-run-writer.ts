import { isTerminalEvent, type RunEvent } from '../../protocol/run-events';
import type { RunSummary } from './run-registry';
import { chargeAppend, type RunFootprint } from './run-bounds';
import { RunStoreError, type RunStoreLimits } from './run-store';
import { addDelta, continuesGroup, detachPatch, lastSeq, startGroup, storedBytesOf, type DeltaGroup, type StoredRecord } from './stored-records';
import { foldSummary } from './summarize-run';

/**
 * How long a group of deltas waits in the appending instance before it is written: the bound on how late
 * a reader on another instance sees a delta (plus one Redis round trip). Readers on the appending
 * instance see every delta at once.
 */
export const DELTA_FLUSH_MS = 100;
/** A group is written sooner once it is this large, so one stream entry stays small. */
export const MAX_GROUP_DELTAS = 512;
export const MAX_GROUP_BYTES = 32 * 1024;

export interface RecordWrite {
  readonly records: readonly StoredRecord[];
  readonly patch?: { readonly ref: string; readonly text: string };
  readonly summary: RunSummary;
  readonly terminal: boolean;
}

interface PendingGroup {
  readonly group: DeltaGroup;
  bytes: number;
  readonly timer: NodeJS.Timeout;
}

/**
 * The appending side of one run in Redis, on the instance that executes it (a run's only writer).
 * Deltas are buffered into one group and written as one stream entry: before any other event of the
 * run, when the group is full, after `DELTA_FLUSH_MS`, and on release or close. Writes go out one at a
 * time in seq order. Events not yet confirmed by Redis stay in `window`, so tails on this instance get
 * each event the moment it is appended.
 */
export class RedisRunWriter {
  summary: RunSummary;
  /** Every event with a seq above this is in `window`; everything up to it is in Redis. */
  confirmedThrough = 0;
  private readonly window: RunEvent[] = [];
  private readonly footprint: RunFootprint = { records: 0, bytes: 0 };
  private pending: PendingGroup | undefined;
  private lastAppended = 0;
  private chain: Promise<void> = Promise.resolve();
  private failure: unknown;
  private readonly waiters = new Set<() => void>();

  constructor(
    private readonly requestId: string,
    summary: RunSummary,
    private readonly limits: RunStoreLimits,
    private readonly write: (write: RecordWrite) => Promise<void>,
    private readonly flushMs: number = DELTA_FLUSH_MS,
  ) {
    this.summary = summary;
  }

  async append(event: RunEvent): Promise<void> {
    if (this.failure !== undefined) throw new RunStoreError(`Run ${this.requestId} can no longer be stored: ${describe(this.failure)}`);
    if (event.seq <= this.lastAppended) throw new RunStoreError(`Run ${this.requestId} got event ${event.seq} after event ${this.lastAppended}: events are appended in seq order.`);
    const terminal = isTerminalEvent(event);
    const pending = this.pending;
    const millis = pending ? continuesGroup(pending.group, event) : undefined;
    if (pending && millis !== undefined && event.kind === 'ai_message') {
      const bytes = Buffer.byteLength(event.message);
      chargeAppend(this.requestId, this.limits, this.footprint, { newRecord: false, bytes, blobBytes: 0, terminal });
      addDelta(pending.group, event, millis);
      pending.bytes += bytes;
      this.accept(event);
      if (pending.group.text.length >= MAX_GROUP_DELTAS || pending.bytes >= MAX_GROUP_BYTES) await this.flush();
      return;
    }
    const group = startGroup(event);
    if (group) {
      const bytes = Buffer.byteLength(event.message);
      chargeAppend(this.requestId, this.limits, this.footprint, { newRecord: true, bytes, blobBytes: 0, terminal });
      const previous = this.takePending();
      this.pending = { group, bytes, timer: setTimeout(() => void this.flush().catch(() => undefined), this.flushMs) };
      this.pending.timer.unref();
      this.accept(event);
      if (previous) await this.enqueue({ records: [previous], summary: this.summary, terminal: false });
      return;
    }
    const { record, patch } = detachPatch(event);
    chargeAppend(this.requestId, this.limits, this.footprint, { newRecord: true, bytes: storedBytesOf(record), blobBytes: patch ? Buffer.byteLength(patch.text) : 0, terminal });
    const previous = this.takePending();
    this.accept(event);
    await this.enqueue({ records: previous ? [previous, record] : [record], ...(patch ? { patch } : {}), summary: this.summary, terminal });
  }

  /** Writes the open group, if any, and waits for every write so far. */
  async flush(): Promise<void> {
    const previous = this.takePending();
    if (previous) await this.enqueue({ records: [previous], summary: this.summary, terminal: false });
    else await this.chain;
    if (this.failure !== undefined) throw new RunStoreError(`Run ${this.requestId} could not be stored: ${describe(this.failure)}`);
  }

  /** Appended events with `seq > afterSeq` that Redis has not confirmed yet. */
  unconfirmedAfter(afterSeq: number): RunEvent[] {
    // The window is in seq order: find the start by binary search, since every tail asks on every append.
    let low = 0;
    let high = this.window.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.window[middle]?.seq ?? 0) <= afterSeq) low = middle + 1;
      else high = middle;
    }
    return this.window.slice(low);
  }

  /** Resolves on the next append, on `wakeAll`, or on abort. */
  changed(signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      const wake = () => {
        this.waiters.delete(wake);
        signal.removeEventListener('abort', wake);
        resolve();
      };
      this.waiters.add(wake);
      signal.addEventListener('abort', wake, { once: true });
    });
  }

  wakeAll(): void {
    for (const wake of [...this.waiters]) wake();
  }

  private accept(event: RunEvent): void {
    this.lastAppended = event.seq;
    this.summary = foldSummary(this.summary, event);
    this.window.push(event);
    this.wakeAll();
  }

  private takePending(): DeltaGroup | undefined {
    const pending = this.pending;
    if (!pending) return undefined;
    clearTimeout(pending.timer);
    this.pending = undefined;
    return pending.group;
  }

  private enqueue(write: RecordWrite): Promise<void> {
    const through = lastSeq(write.records[write.records.length - 1] as StoredRecord);
    const done = this.chain.then(async () => {
      if (this.failure !== undefined) throw new RunStoreError(`Run ${this.requestId} can no longer be stored: ${describe(this.failure)}`);
      await this.write(write);
      // Confirmed: those events are in Redis now, so the window lets them go.
      this.confirmedThrough = through;
      let drop = 0;
      while (drop < this.window.length && (this.window[drop]?.seq ?? 0) <= through) drop += 1;
      this.window.splice(0, drop);
    });
    this.chain = done.catch((error: unknown) => {
      this.failure ??= error;
    });
    return done.catch((error: unknown) => {
      throw error instanceof RunStoreError ? error : new RunStoreError(`Run ${this.requestId} could not be stored: ${describe(error)}`);
    });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
