import { SseStream } from '../sse-stream';
import type { RouteContext } from '../server-runtime';

/**
 * Pipes a run's events (those after `afterSeq`, then live ones) into an SSE response until the terminal
 * event, the client leaving (`signal`), or the server stopping.
 */
export async function streamRunEvents(
  context: RouteContext,
  runId: string,
  afterSeq: number,
  signal: AbortSignal,
  options: { headers?: Readonly<Record<string, string>>; retryMs?: number; timeFirstEvent?: string } = {},
): Promise<void> {
  const { runtime, res } = context;
  const stream = new SseStream(res, {
    heartbeatMs: runtime.settings.heartbeatMs,
    ...(options.retryMs === undefined ? {} : { retryMs: options.retryMs }),
    headers: { ...context.cors, ...options.headers },
  });
  stream.open();
  runtime.openStreams.add(stream);
  try {
    let first = options.timeFirstEvent !== undefined;
    for await (const event of runtime.runs.events(runId, afterSeq, signal)) {
      await stream.send(event);
      if (first) {
        first = false;
        // From the request's arrival to the first event handed to the socket: the server's share of the
        // latency a client sees, apart from connecting and its own event loop.
        runtime.logger.performance(options.timeFirstEvent ?? '', performance.now() - context.receivedAt, { request_id: runId });
      }
      if (stream.closed) break;
    }
  } finally {
    runtime.openStreams.delete(stream);
    stream.end();
  }
}

/** Aborts when the response closes before it was finished: the client went away. */
export function clientGone(context: RouteContext, reason: string): AbortSignal {
  const controller = new AbortController();
  context.res.once('close', () => {
    if (!context.res.writableEnded) controller.abort(reason);
  });
  return controller.signal;
}
