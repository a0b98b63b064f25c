/**
 * Aborts a model stream that has gone quiet. The SDKs' `timeout` only covers the wait for response
 * headers; a stream that stalls after them would otherwise hang the run until the wall-clock budget.
 *
 * Two allowances: until the model's first content (text, a tool call, or a reasoning/thinking item) it may
 * be silent for `firstTokenMs`, because reasoning models think for minutes before the first token (and
 * keep-alive pings are not content); after that, `idleMs` between events.
 */
export class IdleWatchdog {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private started = false;

  constructor(
    readonly idleMs: number,
    readonly firstTokenMs: number = idleMs,
  ) {
    this.arm();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get fired(): boolean {
    return this.controller.signal.aborted;
  }

  /** How long the silence was when it fired. */
  get limitMs(): number {
    return this.started ? this.idleMs : this.firstTokenMs;
  }

  /** Bytes arrived (a ping, a heartbeat): the current allowance starts again. */
  touch(): void {
    this.arm();
  }

  /** The model produced content: from now on only `idleMs` of silence is allowed. */
  content(): void {
    this.started = true;
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private arm(): void {
    if (this.stopped || this.fired) return;
    clearTimeout(this.timer);
    const limit = this.limitMs;
    this.timer = setTimeout(() => this.controller.abort(new Error(`no data for ${limit} ms`)), limit);
  }
}
