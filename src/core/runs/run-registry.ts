import type { ErrorPayload, RunEvent, StepName, TerminalEvent } from '../../protocol/run-events';
import type { RunRequest } from '../../protocol/run-request';
import type { PipelineDeps } from '../pipeline/pipeline-deps';

export type RunStatus = 'running' | 'completed' | 'failed' | 'cancelled';

export interface RunSummary {
  readonly requestId: string;
  readonly repo: string;
  readonly prompt: string;
  readonly status: RunStatus;
  readonly startedAt: string;
  readonly finishedAt?: string;
  readonly durationMs?: number;
  readonly progress: number;
  readonly currentStep?: StepName;
  readonly prUrl?: string;
  readonly branch?: string;
  readonly agent?: string;
  readonly error?: ErrorPayload;
  readonly eventCount: number;
}

export interface StartedRun {
  readonly requestId: string;
  /** Resolves with the terminal event once the run has ended and cleaned up. */
  readonly done: Promise<TerminalEvent>;
}

export interface LiveMetrics {
  readonly activeRuns: number;
  readonly requestsPerMinute: number;
  readonly errorsPerMinute: number;
  readonly totalRuns: number;
}

export interface StartOptions {
  /** Per-run additions to the host's deps, e.g. the VS Code review gate. */
  readonly deps?: Partial<PipelineDeps>;
  /** Aborting it cancels the run (e.g. the SSE client went away). */
  readonly signal?: AbortSignal;
}

export interface Disposable {
  dispose(): void;
}

/**
 * Owns runs for one host: starts them, buffers their events for replay, enforces the concurrency limit
 * and cancels. Every consumer (panel, SSE, CLI monitor, recorder) reads runs through it. Kept behind
 * this interface so a shared store (e.g. Redis Streams) can replace the in-memory one.
 */
export interface RunRegistry {
  start(request: RunRequest, options?: StartOptions): StartedRun;
  get(requestId: string): RunSummary | undefined;
  list(): RunSummary[];
  /** Buffered events after `afterSeq`, then live ones, ending after the terminal event. */
  events(requestId: string, afterSeq?: number, signal?: AbortSignal): AsyncIterable<RunEvent>;
  /** Events recorded so far, for a snapshot. */
  history(requestId: string): readonly RunEvent[];
  cancel(requestId: string, reason?: string): boolean;
  /** Cancels every active run and resolves when all of them have ended. */
  cancelAll(reason?: string): Promise<void>;
  /** Every event of every run, as it happens. */
  subscribe(listener: (event: RunEvent) => void): Disposable;
  metrics(): LiveMetrics;
}
