import { createHash, randomBytes } from 'node:crypto';

export interface MintedTicket {
  readonly ticket: string;
  readonly expiresAt: number;
}

interface TicketRecord {
  readonly runId: string;
  readonly expiresAt: number;
}

/**
 * Short-lived, single-run credentials for `GET /runs/{id}/events?ticket=`, so a browser `EventSource`
 * (which cannot send headers) never needs the long-lived token in a URL. A ticket may re-open its
 * stream until it expires, because `EventSource` reconnects by itself with the same URL.
 * Stored by digest: a lookup reveals nothing about a ticket through timing, and a heap dump holds none.
 */
export class StreamTickets {
  private readonly tickets = new Map<string, TicketRecord>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxTickets = 1000,
  ) {}

  mint(runId: string): MintedTicket {
    this.prune();
    // Bounded, so an authenticated client looping on the mint route cannot grow memory without limit.
    while (this.tickets.size >= this.maxTickets) {
      const oldest = this.tickets.keys().next();
      if (oldest.done) break;
      this.tickets.delete(oldest.value);
    }
    const ticket = randomBytes(32).toString('base64url');
    const expiresAt = this.now() + this.ttlMs;
    this.tickets.set(digest(ticket), { runId, expiresAt });
    return { ticket, expiresAt };
  }

  /** True if `ticket` is live and was minted for `runId`. */
  allows(ticket: string, runId: string): boolean {
    const record = this.tickets.get(digest(ticket));
    if (!record) return false;
    if (record.expiresAt <= this.now()) {
      this.tickets.delete(digest(ticket));
      return false;
    }
    return record.runId === runId;
  }

  clear(): void {
    this.tickets.clear();
  }

  private prune(): void {
    const now = this.now();
    for (const [key, record] of this.tickets) if (record.expiresAt <= now) this.tickets.delete(key);
  }
}

function digest(ticket: string): string {
  return createHash('sha256').update(ticket, 'utf8').digest('base64url');
}
