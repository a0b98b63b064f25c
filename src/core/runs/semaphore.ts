import { CancelledError, abortReason } from '../errors/cancelled-error';

export type Release = () => void;

/** Counts free slots; waiters are served in arrival order and leave the queue when their signal aborts. */
export class Semaphore {
  private active = 0;
  private readonly waiting: Array<{ grant: (release: Release) => void }> = [];

  constructor(readonly limit: number) {}

  get inUse(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }

  tryAcquire(): Release | undefined {
    if (this.active >= this.limit) return undefined;
    this.active += 1;
    return this.releaser();
  }

  acquire(signal: AbortSignal): Promise<Release> {
    const now = this.tryAcquire();
    if (now) return Promise.resolve(now);
    if (signal.aborted) return Promise.reject(new CancelledError(abortReason(signal)));
    return new Promise((resolve, reject) => {
      const waiter = {
        grant: (release: Release) => {
          signal.removeEventListener('abort', onAbort);
          resolve(release);
        },
      };
      const onAbort = () => {
        const index = this.waiting.indexOf(waiter);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(new CancelledError(abortReason(signal)));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  private releaser(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next.grant(this.releaser());
      else this.active -= 1;
    };
  }
}
