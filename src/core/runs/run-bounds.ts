import { RunStoreError, type RunStoreLimits } from './run-store';

/** What a run has stored so far, counted by whichever store appends it. */
export interface RunFootprint {
  records: number;
  bytes: number;
}

export interface AppendCost {
  /** The event starts a new record (it does not continue an open group of deltas). */
  readonly newRecord: boolean;
  /** Bytes of the event itself (a delta's text, or another event's JSON without its patch). */
  readonly bytes: number;
  /** Bytes of a patch stored beside the run for the first time. */
  readonly blobBytes: number;
  readonly terminal: boolean;
}

function megabytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
}

/**
 * Refuses an append that would take the run past a bound, and counts it otherwise. A run is never cut
 * short silently: the executor stops it and records why. Its terminal event always fits (so a refused
 * run still finishes), except for a patch too large for what is left.
 */
export function chargeAppend(requestId: string, limits: RunStoreLimits, footprint: RunFootprint, cost: AppendCost): void {
  if (!cost.terminal) {
    if (cost.newRecord && footprint.records >= limits.maxEventsPerRun) {
      throw new RunStoreError(
        `Run ${requestId} reached the store's bound of ${limits.maxEventsPerRun} stored records (one per event; consecutive text deltas share one). It was stopped rather than cut short: split the task into smaller runs.`,
      );
    }
    if (footprint.bytes + cost.bytes > limits.maxStoredBytesPerRun) {
      throw new RunStoreError(
        `Run ${requestId} reached the store's bound of ${megabytes(limits.maxStoredBytesPerRun)} of stored text and events. It was stopped rather than cut short: split the task into smaller runs.`,
      );
    }
  }
  if (cost.blobBytes > 0 && footprint.bytes + cost.bytes + cost.blobBytes > limits.maxStoredBytesPerRun) {
    throw new RunStoreError(
      `Run ${requestId} produced a ${megabytes(cost.blobBytes)} patch, more than the ${megabytes(limits.maxStoredBytesPerRun)} the store keeps per run. Ask for a smaller change, or split the task into several runs.`,
    );
  }
  if (cost.newRecord) footprint.records += 1;
  footprint.bytes += cost.bytes + cost.blobBytes;
}
