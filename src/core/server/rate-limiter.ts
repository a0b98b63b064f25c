/**
 * A token bucket per client: `perMinute` requests a minute on average, bursts up to `burst`. Clients are
 * kept in a bounded map, so a flood of distinct clients cannot grow memory without limit.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly refillPerMs: number;

  constructor(
    private readonly perMinute: number,
    private readonly burst: number = Math.max(1, Math.ceil(perMinute / 2)),
    private readonly now: () => number = Date.now,
    private readonly maxClients = 10_000,
  ) {
    this.refillPerMs = perMinute / 60_000;
  }

  /** 0 when the request may go ahead, else the seconds until the client may try again. */
  take(client: string): number {
    const now = this.now();
    const bucket = this.buckets.get(client) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.at) * this.refillPerMs);
    bucket.at = now;
    // Re-inserted so the map's order is least recently seen first.
    this.buckets.delete(client);
    this.buckets.set(client, bucket);
    while (this.buckets.size > this.maxClients) {
      const oldest = this.buckets.keys().next();
      if (oldest.done) break;
      this.buckets.delete(oldest.value);
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.refillPerMs / 1000));
  }
}
