import { randomUUID } from 'node:crypto';
import type { RunEvent } from '../../protocol/run-events';
import type { RunRequest } from '../../protocol/run-request';
import { TinyBackspaceError } from '../errors/tiny-backspace-error';
import type { Logger } from '../logging/logger';
import type { PipelineDeps } from '../pipeline/pipeline-deps';
import type { Disposable, LiveMetrics, RunSummary } from './run-registry';
import type { PipelineSource } from './executor';
import { InThreadPipelines } from './in-thread-pipelines';
import { RunExecutor } from './run-executor';
import type { RunStore } from './run-store';
import type { RunService, ServiceMetrics, StartRunOptions, StartedServiceRun } from './run-service';

const MINUTE = 60_000;

export interface StoreRunServiceOptions {
  /** Execution slots on this thread when `pipelines` is not given. */
  readonly maxExecutingRuns?: number;
  /** Where pipelines execute; default this thread (`WorkerPipelines` moves them off the HTTP loop). */
  readonly pipelines?: PipelineSource;
  readonly now?: () => number;
}

/**
 * Runs kept in a `RunStore` and executed here by a `RunExecutor`. With the Redis store, every instance
 * sees every run: admission is one atomic step across instances, events are read from the store, and a
 * cancel travels through it to whichever instance executes the run.
 */
export class StoreRunService implements RunService {
  private readonly executor: RunExecutor;
  private readonly starts: number[] = [];
  private readonly failures: number[] = [];
  private totalRuns = 0;
  private subscription: Disposable | undefined;

  private constructor(
    private readonly store: RunStore,
    deps: PipelineDeps,
    private readonly logger: Logger,
    options: StoreRunServiceOptions,
    private readonly now: () => number,
  ) {
    this.executor = new RunExecutor(store, options.pipelines ?? new InThreadPipelines(deps, options.maxExecutingRuns), logger);
  }

  static async create(store: RunStore, deps: PipelineDeps, options: StoreRunServiceOptions = {}): Promise<StoreRunService> {
    const service = new StoreRunService(store, deps, deps.logger, options, options.now ?? Date.now);
    await service.executor.listenForCancels();
    service.subscription = service.executor.subscribe((event) => {
      if (event.kind === 'failed') service.failures.push(service.now());
    });
    return service;
  }

  async start(request: RunRequest, options: StartRunOptions = {}): Promise<StartedServiceRun> {
    const requestId = randomUUID();
    const startedAt = this.now();
    const key = options.idempotencyKey;
    if (key !== undefined) {
      const owner = await this.store.claimIdempotencyKey(key, requestId);
      if (owner !== requestId) return { requestId: owner, replayed: true };
    }
    if (!(await this.store.admit({ requestId, request, startedAt }))) {
      // The key must not keep naming a run that never started, or a retry would find nothing.
      if (key !== undefined) await this.store.releaseIdempotencyKey(key, requestId);
      throw new TinyBackspaceError('concurrency_limit', `${this.store.limits.maxActiveRuns} runs are already admitted.`, {
        remedy: 'Wait for a run to finish or cancel one, then try again.',
      });
    }
    this.totalRuns += 1;
    this.starts.push(startedAt);
    const done = this.executor.execute(requestId, request, { ...(options.deps ? { deps: options.deps } : {}), ...(options.signal ? { signal: options.signal } : {}) });
    return { requestId, done, replayed: false };
  }

  get(requestId: string): Promise<RunSummary | undefined> {
    return this.store.summary(requestId);
  }

  list(): Promise<RunSummary[]> {
    return this.store.list();
  }

  events(requestId: string, afterSeq: number, signal: AbortSignal): AsyncIterable<RunEvent> {
    return this.store.tail(requestId, afterSeq, signal);
  }

  async cancel(requestId: string, reason: string): Promise<boolean> {
    if (this.executor.cancel(requestId, reason)) return true;
    const summary = await this.store.summary(requestId);
    if (summary?.status !== 'running') return false;
    await this.store.requestCancel({ requestId, reason });
    return true;
  }

  cancelAll(reason: string): Promise<void> {
    return this.executor.cancelAll(reason);
  }

  async metrics(): Promise<ServiceMetrics> {
    return { ...this.localMetrics(), activeRuns: await this.store.activeCount(), queuedRuns: this.executor.queuedCount };
  }

  localMetrics(): LiveMetrics {
    const since = this.now() - MINUTE;
    prune(this.starts, since);
    prune(this.failures, since);
    return { activeRuns: this.executor.executingCount, requestsPerMinute: this.starts.length, errorsPerMinute: this.failures.length, totalRuns: this.totalRuns };
  }

  subscribe(listener: (event: RunEvent) => void): Disposable {
    return this.executor.subscribe(listener);
  }

  async dispose(): Promise<void> {
    this.subscription?.dispose();
    await this.executor.dispose();
  }
}

function prune(times: number[], since: number): void {
  while (times.length > 0 && (times[0] ?? 0) < since) times.shift();
}
