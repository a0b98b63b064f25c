import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { RunEvent } from '../../protocol/run-events';
import type { RunRequest } from '../../protocol/run-request';
import { abortReason } from '../errors/cancelled-error';
import type { Logger } from '../logging/logger';
import { EventChannel } from '../pipeline/event-channel';
import type { ExecuteOptions, PipelineSource } from './executor';
import type { FromRunWorker, RunWorkerData, SerializedLogError, ToRunWorker } from './worker-messages';

/** The worker's entry beside this module: the bundle's `dist/run-worker.js`, or the source under tsx. */
export function runWorkerFile(): string {
  return __filename.endsWith('.ts') ? path.join(__dirname, 'run-worker.ts') : path.join(__dirname, 'run-worker.js');
}

function asError(serialized: SerializedLogError): Error {
  const error = new Error(serialized.message);
  error.name = serialized.name;
  if (serialized.stack) error.stack = serialized.stack;
  if (serialized.code) (error as Error & { code?: string }).code = serialized.code;
  return error;
}

/**
 * Pipelines in a worker thread. The worker builds the engine from the environment (as `serve` does);
 * this side turns its messages back into each run's event stream and writes its log lines. If the
 * worker dies, every run it held ends (the executor records a `failed` event for each) and the next run
 * starts a new worker.
 */
export class WorkerPipelines implements PipelineSource {
  private worker: Worker | undefined;
  private readonly channels = new Map<string, { channel: EventChannel<RunEvent>; detach: () => void }>();
  private queuedCount = 0;
  private disposed = false;

  constructor(
    private readonly logger: Logger,
    private readonly data: RunWorkerData = {},
    private readonly file: string = runWorkerFile(),
  ) {}

  get queued(): number {
    return this.queuedCount;
  }

  run(requestId: string, request: RunRequest, options: ExecuteOptions, signal: AbortSignal): AsyncIterable<RunEvent> {
    const channel = new EventChannel<RunEvent>();
    if (this.disposed) {
      channel.close();
      return channel;
    }
    const worker = this.ensureWorker();
    const onAbort = () => this.send(worker, { type: 'cancel', requestId, reason: abortReason(signal) });
    // Detached when the run's stream ends, so a long-lived server does not collect listeners.
    this.channels.set(requestId, { channel, detach: () => signal.removeEventListener('abort', onAbort) });
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    const startedEvent = options.deps?.startedEvent;
    this.send(worker, { type: 'start', requestId, request, allowLocalRepositories: options.deps?.allowLocalRepositories ?? false, ...(startedEvent ? { startedEvent } : {}) });
    return channel;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
    this.closeAll();
  }

  private send(worker: Worker, message: ToRunWorker): void {
    worker.postMessage(message);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    // Under tsx (tests, development) the worker registers tsx's loader before its .ts entry; the bundle
    // (dist/run-worker.js) needs nothing.
    const worker = this.file.endsWith('.ts')
      ? new Worker(`require('tsx/cjs/api').register(); require(${JSON.stringify(this.file)});`, { eval: true, workerData: this.data })
      : new Worker(this.file, { workerData: this.data });
    worker.on('message', (message: FromRunWorker) => this.receive(message));
    worker.on('error', (error) => this.logger.error('the run worker crashed', error));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = undefined;
      if (!this.disposed) this.logger.warn('the run worker exited; its runs end and the next run starts a new worker', { code });
      this.closeAll();
    });
    this.worker = worker;
    return worker;
  }

  private receive(message: FromRunWorker): void {
    switch (message.type) {
      case 'event':
        this.channels.get(message.event.request_id)?.channel.push(message.event);
        return;
      case 'done':
        this.end(message.requestId);
        return;
      case 'queued':
        this.queuedCount = message.count;
        return;
      case 'log':
        if (message.level === 'error') this.logger.error(message.message, message.error ? asError(message.error) : undefined, message.fields);
        else this.logger[message.level](message.message, message.fields);
        return;
      case 'performance':
        this.logger.performance(message.operation, message.durationMs, message.fields);
        return;
      case 'thinking':
        this.logger.thinking(message.message, message.fields);
        return;
    }
  }

  private end(requestId: string): void {
    const run = this.channels.get(requestId);
    this.channels.delete(requestId);
    run?.detach();
    run?.channel.close();
  }

  private closeAll(): void {
    for (const requestId of [...this.channels.keys()]) this.end(requestId);
    this.queuedCount = 0;
  }
}
