// The run worker thread: executes pipelines for the HTTP thread (see worker-pipelines.ts), so process
// spawns, git output parsing and agent work never hold up the server's event loop. It builds the engine
// from the environment exactly as `tiny-backspace serve` does, and sends events and log lines back.
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { configFromEnv, secretsFromEnv } from '../config/config-from-env';
import { createPipelineDeps } from '../engine/create-pipeline-deps';
import { cancellation } from '../errors/cancelled-error';
import type { Logger, LogFields } from '../logging/logger';
import { currentRequestId } from '../logging/request-context';
import { InThreadPipelines } from './in-thread-pipelines';
import type { FromRunWorker, RunWorkerData, SerializedLogError, ToRunWorker } from './worker-messages';

const port = parentPort;
if (!port) throw new Error('run-worker.ts runs as a worker thread only.');
const post = (message: FromRunWorker) => port.postMessage(message);
/** Ten steps below normal: background, without starving runs on an otherwise idle machine. */
const RUN_WORKER_NICE = 10;
lowerPriority();

/** Fields with the current run's request id, as the file logger's own mixin would add. */
function withRequestId(fields: LogFields | undefined): LogFields | undefined {
  const requestId = currentRequestId();
  return requestId === undefined || fields?.request_id !== undefined ? fields : { ...fields, request_id: requestId };
}

function serializeForLog(error: unknown): SerializedLogError | undefined {
  if (error === undefined) return undefined;
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { name: error.name, message: error.message, ...(error.stack ? { stack: error.stack } : {}), ...(typeof code === 'string' ? { code } : {}) };
  }
  return { name: 'Error', message: String(error) };
}

const logger: Logger = {
  debug: (message, fields) => post({ type: 'log', level: 'debug', message, ...opt(withRequestId(fields)) }),
  info: (message, fields) => post({ type: 'log', level: 'info', message, ...opt(withRequestId(fields)) }),
  warn: (message, fields) => post({ type: 'log', level: 'warn', message, ...opt(withRequestId(fields)) }),
  error: (message, error, fields) => {
    const serialized = serializeForLog(error);
    post({ type: 'log', level: 'error', message, ...opt(withRequestId(fields)), ...(serialized ? { error: serialized } : {}) });
  },
  performance: (operation, durationMs, fields) => post({ type: 'performance', operation, durationMs, ...opt(withRequestId(fields)) }),
  thinking: (message, fields) => post({ type: 'thinking', message, ...opt(withRequestId(fields)) }),
};

function opt(fields: LogFields | undefined): { fields?: LogFields } {
  return fields === undefined ? {} : { fields };
}

const env = process.env;
const data = (workerData ?? {}) as RunWorkerData;
const deps = createPipelineDeps({ config: configFromEnv(env), secrets: secretsFromEnv(env), allowLocalRepositories: false, env, logger });
const pipelines = new InThreadPipelines(deps, data.maxExecutingRuns);
const running = new Map<string, AbortController>();
let reportedQueued = -1;

function reportQueued(): void {
  if (pipelines.queued === reportedQueued) return;
  reportedQueued = pipelines.queued;
  post({ type: 'queued', count: reportedQueued });
}

async function execute(message: Extract<ToRunWorker, { type: 'start' }>): Promise<void> {
  const controller = new AbortController();
  running.set(message.requestId, controller);
  try {
    const stream = pipelines.run(message.requestId, message.request, { deps: { allowLocalRepositories: message.allowLocalRepositories, ...(message.startedEvent ? { startedEvent: message.startedEvent } : {}) } }, controller.signal);
    for await (const event of stream) {
      post({ type: 'event', event });
      reportQueued();
    }
  } catch (error) {
    logger.error('run worker: the pipeline threw', error, { request_id: message.requestId });
  } finally {
    running.delete(message.requestId);
    post({ type: 'done', requestId: message.requestId });
    reportQueued();
  }
}

port.on('message', (message: ToRunWorker) => {
  if (message.type === 'start') {
    void execute(message);
    reportQueued();
  } else if (message.type === 'cancel') {
    running.get(message.requestId)?.abort(cancellation(message.reason));
  }
});

/**
 * Runs are background work: on Linux the nice value belongs to the calling thread, so this lowers this
 * worker (and the git and check processes it spawns, which inherit it) below the HTTP thread, which
 * then answers requests and streams events first when the CPUs are busy. Elsewhere it may not apply.
 */
function lowerPriority(): void {
  try {
    setPriority(RUN_WORKER_NICE);
  } catch {
    // Not permitted here (or not supported): the runs keep the process's priority.
  }
}
