/**
 * Aborts when nothing has happened for `idleMs`. The SDKs' `timeout` only covers the wait for response
 * headers; a stream that stalls after them would otherwise hang the run until the wall-clock budget.
 */
export class IdleWatchdog {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(readonly idleMs: number) {
    this.touch();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get fired(): boolean {
    return this.controller.signal.aborted;
  }

  /** Something arrived: the idle period starts again. */
  touch(): void {
    if (this.stopped || this.fired) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.controller.abort(new Error(`no data for ${this.idleMs} ms`)), this.idleMs);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}
