import type { ServerResponse } from 'node:http';
import type { RunEvent } from '../../protocol/run-events';
import { BASE_HEADERS } from './http-responses';

export interface SseStreamOptions {
  /** A comment line goes out this often so proxies and clients can tell a quiet run from a dead one. */
  readonly heartbeatMs: number;
  /** Sent once: how long an `EventSource` waits before reconnecting. */
  readonly retryMs?: number;
  readonly headers?: Readonly<Record<string, string>>;
}

/** One message per run event; the `id` is the event's `seq`, which `Last-Event-ID` replays from. */
export function formatSseMessage(event: RunEvent): string {
  // JSON.stringify escapes newlines inside strings, so the data is always exactly one line.
  return `id: ${event.seq}\nevent: ${event.kind}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** A `text/event-stream` response: writes honour backpressure, the heartbeat stops with the stream. */
export class SseStream {
  private heartbeat: NodeJS.Timeout | undefined;
  private headerFlush: NodeJS.Immediate | undefined;
  private ended = false;
  /** Settles when the connection is gone, however it ended. */
  readonly whenClosed: Promise<void>;

  constructor(
    private readonly res: ServerResponse,
    private readonly options: SseStreamOptions,
  ) {
    this.whenClosed = new Promise((resolve) => res.once('close', () => resolve()));
  }

  /**
   * Sends the headers this turn of the event loop: with the first event when one is ready (one write
   * instead of two, which counts when fifty streams open at once), alone otherwise, so a client sees
   * `200 text/event-stream` before a run has anything to say.
   */
  open(): void {
    this.res.writeHead(200, {
      ...BASE_HEADERS,
      'content-type': 'text/event-stream; charset=utf-8',
      connection: 'keep-alive',
      // Reverse proxies (nginx) must not buffer a live stream.
      'x-accel-buffering': 'no',
      ...this.options.headers,
    });
    this.res.socket?.setNoDelay(true);
    if (this.options.retryMs !== undefined) this.res.write(`retry: ${this.options.retryMs}\n\n`);
    else {
      this.headerFlush = setImmediate(() => {
        this.headerFlush = undefined;
        if (!this.closed) this.res.flushHeaders();
      });
    }
    this.heartbeat = setInterval(() => {
      if (!this.closed) this.res.write(': heartbeat\n\n');
    }, this.options.heartbeatMs);
    this.heartbeat.unref();
    this.res.once('close', () => this.stopHeartbeat());
  }

  get closed(): boolean {
    return this.ended || this.res.destroyed || this.res.writableEnded;
  }

  async send(event: RunEvent): Promise<void> {
    if (this.closed) return;
    this.cancelHeaderFlush();
    if (!this.res.write(formatSseMessage(event))) await this.drained();
  }

  end(): void {
    this.ended = true;
    this.cancelHeaderFlush();
    this.stopHeartbeat();
    if (!this.res.writableEnded) this.res.end();
  }

  /** The first write carries the headers; flushing them alone after it would be an empty write. */
  private cancelHeaderFlush(): void {
    if (this.headerFlush) clearImmediate(this.headerFlush);
    this.headerFlush = undefined;
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  /** A slow reader holds the writer here instead of growing the socket buffer without bound. */
  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.res.off('drain', done);
        this.res.off('close', done);
        resolve();
      };
      this.res.once('drain', done);
      this.res.once('close', done);
    });
  }
}
