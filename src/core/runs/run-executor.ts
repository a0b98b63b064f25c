import { isTerminalEvent, RUN_EVENT_SCHEMA_VERSION, type RunEvent, type StepName, type TerminalEvent } from '../../protocol/run-events';
import type { RunRequest } from '../../protocol/run-request';
import { cancellation } from '../errors/cancelled-error';
import { announceRunStart } from '../pipeline/run-started';
import type { Logger } from '../logging/logger';
import type { ExecuteOptions, PipelineSource } from './executor';
import type { Disposable } from './run-registry';
import type { RunStore } from './run-store';

/**
 * Executes admitted runs on this instance: runs each pipeline through its source (this thread or a
 * worker), appends every event to the store, renews the run's admission lease while it works and
 * releases it at the end. A pipeline that ends without a terminal event, or throws, gets a synthesised
 * `failed` event, so no run stays `running` forever and no slot leaks.
 */
export class RunExecutor {
  private readonly executing = new Map<string, { controller: AbortController; done: Promise<TerminalEvent> }>();
  private readonly listeners = new Set<(event: RunEvent) => void>();
  private cancelSubscription: Promise<Disposable> | undefined;

  constructor(
    private readonly store: RunStore,
    private readonly pipelines: PipelineSource,
    private readonly logger: Logger,
  ) {}

  /** Cancel requests reach every instance; the one executing the run acts on it. */
  listenForCancels(): Promise<Disposable> {
    this.cancelSubscription ??= this.store.onCancelRequest(({ requestId, reason }) => {
      this.executing.get(requestId)?.controller.abort(cancellation(reason));
    });
    return this.cancelSubscription;
  }

  get executingCount(): number {
    return this.executing.size;
  }

  get queuedCount(): number {
    return this.pipelines.queued;
  }
  execute(requestId: string, request: RunRequest, options: ExecuteOptions = {}): Promise<TerminalEvent> {
    const controller = new AbortController();
    const outer = options.signal;
    const onOuterAbort = () => controller.abort(cancellation(typeof outer?.reason === 'string' ? outer.reason : 'The client went away.'));
    if (outer?.aborted) onOuterAbort();
    else outer?.addEventListener('abort', onOuterAbort, { once: true });
    const done = this.consume(requestId, request, options, controller).finally(() => {
      outer?.removeEventListener('abort', onOuterAbort);
      this.executing.delete(requestId);
    });
    this.executing.set(requestId, { controller, done });
    return done;
  }

  cancel(requestId: string, reason: string): boolean {
    const run = this.executing.get(requestId);
    if (!run) return false;
    run.controller.abort(cancellation(reason));
    return true;
  }

  async cancelAll(reason: string): Promise<void> {
    const runs = [...this.executing.values()];
    for (const run of runs) run.controller.abort(cancellation(reason));
    await Promise.allSettled(runs.map((run) => run.done));
  }

  subscribe(listener: (event: RunEvent) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  async dispose(): Promise<void> {
    (await this.cancelSubscription)?.dispose();
    await this.pipelines.dispose();
  }

  private async consume(requestId: string, request: RunRequest, options: ExecuteOptions, controller: AbortController): Promise<TerminalEvent> {
    const startedAt = Date.now();
    const lease = setInterval(() => {
      this.store.renewAdmission(requestId).catch((error: unknown) => this.logger.warn('admission lease renewal failed', { request_id: requestId, error: String(error) }));
    }, Math.max(1_000, Math.floor(this.store.limits.admissionLeaseMs / 3)));
    lease.unref();
    let last: RunEvent | undefined;
    let terminal: TerminalEvent | undefined;
    try {
      // The first event comes from here, not from the thread that executes the pipeline: a client hears
      // back at once however busy that thread is (process spawns block it), and a queued run says so.
      const startedEvent = announceRunStart(requestId, request);
      if (startedEvent) {
        await this.store.append(startedEvent);
        last = startedEvent;
        this.notify(startedEvent);
      }
      const runOptions: ExecuteOptions = startedEvent ? { ...options, deps: { ...options.deps, startedEvent } } : options;
      const handle = this.pipelines.run(requestId, request, runOptions, controller.signal);
      let storeFailed = false;
      for await (const event of handle) {
        try {
          await this.store.append(event);
        } catch (error) {
          // The run cannot be recorded any more: stop it, and keep draining so its clean-up finishes.
          if (isTerminalEvent(event) || storeFailed) throw error;
          storeFailed = true;
          this.logger.error('run events could not be stored; cancelling the run', error, { request_id: requestId });
          controller.abort(cancellation(`The run could not be recorded: ${error instanceof Error ? error.message : String(error)}`));
          continue;
        }
        last = event;
        if (isTerminalEvent(event)) terminal = event;
        this.notify(event);
      }
    } catch (error) {
      this.logger.error('run execution failed', error, { request_id: requestId });
    } finally {
      clearInterval(lease);
    }
    if (!terminal) {
      terminal = synthesisedFailure(requestId, last, startedAt);
      await this.store.append(terminal).catch((error: unknown) => this.logger.error('could not record the failure of a run', error, { request_id: requestId }));
      this.notify(terminal);
    }
    await this.store.release(requestId).catch((error: unknown) => this.logger.error('could not release an admission', error, { request_id: requestId }));
    return terminal;
  }

  private notify(event: RunEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // A broken listener must not stop the run or the other listeners.
      }
    }
  }
}

/** The terminal event a run gets when its pipeline ended without one (a bug, or the store failing). */
function synthesisedFailure(requestId: string, last: RunEvent | undefined, startedAt: number): TerminalEvent {
  const step: StepName = last?.step ?? 'validate';
  return {
    version: RUN_EVENT_SCHEMA_VERSION,
    seq: (last?.seq ?? 0) + 1,
    request_id: requestId,
    timestamp: new Date().toISOString(),
    type: 'error',
    kind: 'failed',
    step,
    progress: last?.progress ?? 0,
    message: 'The run stopped unexpectedly without finishing. Nothing more will happen in it; see the server logs, then start it again.',
    error: { code: 'internal', message: 'The run stopped unexpectedly without finishing.', remedy: 'See the server logs, then start the run again.' },
    duration_ms: Date.now() - startedAt,
  };
}
