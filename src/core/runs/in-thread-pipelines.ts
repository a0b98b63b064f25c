import { availableParallelism } from 'node:os';
import type { RunEvent } from '../../protocol/run-events';
import type { RunRequest } from '../../protocol/run-request';
import type { PipelineDeps } from '../pipeline/pipeline-deps';
import { runPipeline } from '../pipeline/run-pipeline';
import type { ExecuteOptions, PipelineSource } from './executor';
import { Semaphore } from './semaphore';

/** Default execution slots: two runs per CPU execute steps at once; the rest wait their turn. */
export function defaultExecutionSlots(): number {
  return Math.max(2, availableParallelism() * 2);
}

/** Pipelines on this thread, at most `maxExecutingRuns` executing steps at once. */
export class InThreadPipelines implements PipelineSource {
  private readonly slots: Semaphore;

  constructor(
    private readonly deps: PipelineDeps,
    maxExecutingRuns = defaultExecutionSlots(),
  ) {
    this.slots = new Semaphore(maxExecutingRuns);
  }

  get queued(): number {
    return this.slots.queued;
  }

  run(requestId: string, request: RunRequest, options: ExecuteOptions, signal: AbortSignal): AsyncIterable<RunEvent> {
    return runPipeline(request, { ...this.deps, ...options.deps, admission: this.slots, createRequestId: () => requestId }, signal);
  }

  async dispose(): Promise<void> {}
}
