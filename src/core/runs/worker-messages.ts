import type { RunEvent, RunEventOf } from '../../protocol/run-events';
import type { RunRequest } from '../../protocol/run-request';
import type { LogFields } from '../logging/logger';

/** What the HTTP thread tells the run worker. Plain data only: it crosses a thread boundary. */
export type ToRunWorker =
  | {
      readonly type: 'start';
      readonly requestId: string;
      readonly request: RunRequest;
      readonly allowLocalRepositories: boolean;
      /** The run's first event, already streamed by the HTTP thread: the pipeline continues after it. */
      readonly startedEvent?: RunEventOf<'run_started'>;
    }
  | { readonly type: 'cancel'; readonly requestId: string; readonly reason: string };

export interface SerializedLogError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly code?: string;
}

/** What the run worker reports. Log lines go to the HTTP thread, the one writer of the log files. */
export type FromRunWorker =
  | { readonly type: 'event'; readonly event: RunEvent }
  | { readonly type: 'done'; readonly requestId: string }
  | { readonly type: 'queued'; readonly count: number }
  | { readonly type: 'log'; readonly level: 'debug' | 'info' | 'warn' | 'error'; readonly message: string; readonly fields?: LogFields; readonly error?: SerializedLogError }
  | { readonly type: 'performance'; readonly operation: string; readonly durationMs: number; readonly fields?: LogFields }
  | { readonly type: 'thinking'; readonly message: string; readonly fields?: LogFields };

export interface RunWorkerData {
  readonly maxExecutingRuns?: number;
}
