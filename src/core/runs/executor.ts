import type { RunEvent } from '../../protocol/run-events';
import type { RunRequest } from '../../protocol/run-request';
import type { PipelineDeps } from '../pipeline/pipeline-deps';

export interface ExecuteOptions {
  readonly deps?: Partial<PipelineDeps>;
  readonly signal?: AbortSignal;
}

/**
 * Where a run's pipeline executes. `InThreadPipelines` runs it on the calling thread (the embedded
 * default); `WorkerPipelines` runs it in a worker thread, so the HTTP front end's event loop only
 * parses requests and writes events. Either way the stream ends with the pipeline's terminal event.
 */
export interface PipelineSource {
  run(requestId: string, request: RunRequest, options: ExecuteOptions, signal: AbortSignal): AsyncIterable<RunEvent>;
  /** Runs waiting for an execution slot. */
  readonly queued: number;
  dispose(): Promise<void>;
}
