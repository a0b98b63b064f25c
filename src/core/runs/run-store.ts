import type { RunEvent } from '../../protocol/run-events';
import type { RunRequest } from '../../protocol/run-request';
import type { Disposable, RunSummary } from './run-registry';

/** What a store records when a run is admitted. */
export interface StoredRunStart {
  readonly requestId: string;
  readonly request: Pick<RunRequest, 'repoUrl' | 'prompt'>;
  readonly startedAt: number;
}

/** A cancel asked for on any instance, delivered to every instance (the one executing the run acts). */
export interface CancelRequest {
  readonly requestId: string;
  readonly reason: string;
}

export interface RunStoreLimits {
  /** Runs admitted (executing or queued) across every instance sharing the store. */
  readonly maxActiveRuns: number;
  /**
   * Stored records kept per run: one per event, except that consecutive text deltas share one record.
   * Appending past it fails the run loudly instead of dropping events; the terminal event always fits.
   */
  readonly maxEventsPerRun: number;
  /**
   * Bytes a run may store: its deltas' text, the JSON of its other events, and its patch once. Past it
   * the append fails loudly, like the record bound; a terminal event always fits, its patch must too.
   */
  readonly maxStoredBytesPerRun: number;
  /** How long a finished run stays readable. */
  readonly retainFinishedMs: number;
  /** Finished runs kept in the listing. */
  readonly maxListedRuns: number;
  /** An admission an instance stops renewing (it crashed) frees itself after this long. */
  readonly admissionLeaseMs: number;
}

export const DEFAULT_STORE_LIMITS: RunStoreLimits = {
  maxActiveRuns: 32,
  maxEventsPerRun: 100_000,
  maxStoredBytesPerRun: 64 * 1024 * 1024,
  retainFinishedMs: 24 * 60 * 60_000,
  maxListedRuns: 200,
  admissionLeaseMs: 60_000,
};

/**
 * Where runs and their event streams live. The in-memory store is the embedded default; the Redis store
 * lets several stateless `serve` instances share runs: any instance can list, stream, replay and cancel
 * a run that another one executes. Every method is asynchronous because a shared store is remote.
 */
export interface RunStore {
  readonly limits: RunStoreLimits;
  /**
   * Admits a run atomically across instances: false when `maxActiveRuns` are already admitted. An
   * admitted run must be released once it ends; the executor renews the lease while it runs.
   */
  admit(run: StoredRunStart): Promise<boolean>;
  renewAdmission(requestId: string): Promise<void>;
  release(requestId: string): Promise<void>;
  activeCount(): Promise<number>;
  /**
   * Appends an event in `seq` order; the summary follows incrementally. The terminal event frees the
   * run's admission in the same step, so a client that sees a run end can start the next at once
   * (`release` stays the executor's duty for a run that ends without one).
   */
  append(event: RunEvent): Promise<void>;
  /**
   * Events with `seq > afterSeq`, oldest first, each exactly as appended (deltas stored together and the
   * patch stored apart are put back): `afterSeq` may fall anywhere, inside a group of deltas too.
   */
  read(requestId: string, afterSeq: number): Promise<RunEvent[]>;
  /** Stored events after `afterSeq`, then live ones, ending after the terminal event or on abort. */
  tail(requestId: string, afterSeq: number, signal: AbortSignal): AsyncIterable<RunEvent>;
  summary(requestId: string): Promise<RunSummary | undefined>;
  /** Newest first. */
  list(): Promise<RunSummary[]>;
  requestCancel(request: CancelRequest): Promise<void>;
  onCancelRequest(listener: (request: CancelRequest) => void): Promise<Disposable>;
  /**
   * Binds an idempotency key to a run id unless the key is already bound; returns the run id the key
   * names now (the given one when this call bound it).
   */
  claimIdempotencyKey(key: string, requestId: string): Promise<string>;
  /** Unbinds the key if it still names `requestId` (its run could not be admitted). */
  releaseIdempotencyKey(key: string, requestId: string): Promise<void>;
  close(): Promise<void>;
}

/** The store refused an append (the run grew past its record or byte bound, or the store is gone). */
export class RunStoreError extends Error {
  override readonly name = 'RunStoreError';
}
