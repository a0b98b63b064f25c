import type { RunEvent, TerminalEvent } from '../../protocol/run-events';
import type { RunRequest } from '../../protocol/run-request';
import type { Disposable, LiveMetrics, RunSummary, StartOptions } from './run-registry';

export interface StartRunOptions extends StartOptions {
  /** The same key names the same run: a client that retries its POST gets the first run back. */
  readonly idempotencyKey?: string;
}

export interface StartedServiceRun {
  readonly requestId: string;
  /** Set when this instance executes the run: resolves with its terminal event. */
  readonly done?: Promise<TerminalEvent>;
  /** True when an idempotency key named a run that already existed. */
  readonly replayed: boolean;
}

export interface ServiceMetrics extends LiveMetrics {
  /** Admitted runs waiting for an execution slot on this instance. */
  readonly queuedRuns: number;
}

/**
 * What the HTTP server needs from runs: asynchronous, because the runs may live in a store shared by
 * several server instances (Redis), where another instance executes them.
 */
export interface RunService {
  /** Throws a `concurrency_limit` error when every admission is taken. */
  start(request: RunRequest, options?: StartRunOptions): Promise<StartedServiceRun>;
  get(requestId: string): Promise<RunSummary | undefined>;
  list(): Promise<RunSummary[]>;
  /** Events after `afterSeq` (exact replay), then live ones, ending after the terminal event. */
  events(requestId: string, afterSeq: number, signal: AbortSignal): AsyncIterable<RunEvent>;
  /** Asks whichever instance executes the run to cancel it; false if the run is unknown or has ended. */
  cancel(requestId: string, reason: string): Promise<boolean>;
  /** Cancels the runs this instance executes and resolves when they have ended. */
  cancelAll(reason: string): Promise<void>;
  metrics(): Promise<ServiceMetrics>;
  /** This instance's counts, without a round trip (for the health report). */
  localMetrics(): LiveMetrics;
  /** Every event of the runs this instance executes, as it happens (trace recording). */
  subscribe(listener: (event: RunEvent) => void): Disposable;
}
