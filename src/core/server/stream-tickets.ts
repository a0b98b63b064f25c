import { createHmac, timingSafeEqual } from 'node:crypto';

export interface MintedTicket {
  readonly ticket: string;
  readonly expiresAt: number;
}

/** `valid`: within its lifetime. `renewable`: past it, but usable while its run still runs. */
export type TicketCheck = 'valid' | 'renewable' | 'invalid';

/** However long a run lives, a ticket never opens a stream more than this long after it expired. */
const MAX_RENEWAL_MS = 24 * 60 * 60_000;

/**
 * Short-lived, single-run credentials for `GET /runs/{id}/events?ticket=`, so a browser `EventSource`
 * (which cannot send headers) never needs the long-lived token in a URL. Stateless: a ticket is its
 * expiry and an HMAC of (run id, expiry) under a key derived from the server token, so every instance
 * that shares the token accepts it, nothing is stored, and a new token voids every ticket.
 * `EventSource` reconnects by itself with the same URL, so a ticket past its lifetime still re-opens
 * its stream while the run is running (the events route checks that).
 */
export class StreamTickets {
  private readonly key: Buffer;

  constructor(
    serverToken: string,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.key = createHmac('sha256', serverToken).update('tiny-backspace stream tickets v1').digest();
  }

  mint(runId: string): MintedTicket {
    const expiresAt = this.now() + this.ttlMs;
    return { ticket: `${expiresAt.toString(36)}.${this.sign(runId, expiresAt)}`, expiresAt };
  }

  check(ticket: string, runId: string): TicketCheck {
    const match = /^([0-9a-z]{1,12})\.([A-Za-z0-9_-]{43})$/.exec(ticket);
    if (!match) return 'invalid';
    const expiresAt = Number.parseInt(match[1] ?? '', 36);
    const expected = Buffer.from(this.sign(runId, expiresAt));
    const given = Buffer.from(match[2] ?? '');
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'invalid';
    const now = this.now();
    if (now < expiresAt) return 'valid';
    return now < expiresAt + MAX_RENEWAL_MS ? 'renewable' : 'invalid';
  }

  private sign(runId: string, expiresAt: number): string {
    return createHmac('sha256', this.key).update(`${runId}\n${expiresAt}`).digest('base64url');
  }
}
