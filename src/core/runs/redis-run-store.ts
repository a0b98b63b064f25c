import { createClient } from 'redis';
import { isTerminalEvent, type RunEvent } from '../../protocol/run-events';
import type { Disposable, RunSummary } from './run-registry';
import { DEFAULT_STORE_LIMITS, RunStoreError, type CancelRequest, type RunStore, type RunStoreLimits, type StoredRunStart } from './run-store';
import { DELTA_FLUSH_MS, RedisRunWriter, type RecordWrite } from './redis-run-writer';
import { decodeRecord, encodeRecord, entryId, patchRefsOf } from './redis-stream-records';
import { expandRecord, lastSeq, type StoredRecord } from './stored-records';
import { initialSummary } from './summarize-run';

function makeClient(url: string) {
  return createClient({ url, socket: { connectTimeout: 5_000, reconnectStrategy: (retries: number) => Math.min(retries * 200, 2_000) } });
}
type Client = ReturnType<typeof makeClient>;

/** How long one blocking XREAD waits before the tail re-checks its abort signal and the run's status. */
const TAIL_BLOCK_MS = 2_000;

/**
 * Admission is one script, so two instances racing for the last slot cannot both win. Leases expire by
 * the server's clock (TIME), so instances with skewed clocks agree, and a crashed instance's runs free
 * their slots once it stops renewing them.
 */
const ADMIT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
return 1`;

const RENEW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[1]), ARGV[2])`;

const ACTIVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
return redis.call('ZCARD', KEYS[1])`;

const COMPARE_AND_DELETE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

export interface RedisRunStoreOptions {
  /** `redis://host:port` (or `rediss://`); credentials in the URL are passed to the client only. */
  readonly url: string;
  /** Key prefix, so several deployments can share one Redis. */
  readonly prefix?: string;
  readonly limits?: Partial<RunStoreLimits>;
  /** How long deltas wait to be written as one group (default `DELTA_FLUSH_MS`, 100 ms). */
  readonly deltaFlushMs?: number;
}

interface StreamEntry {
  readonly id: string;
  readonly message: Record<string, string>;
}

/**
 * Runs in Redis: each run's events are a stream of records (`XADD` with the record's first seq as the
 * entry id: one entry per event, one per group of consecutive text deltas), the patch of its terminal
 * event a content-addressed string key beside it with the same retention, its summary a string updated
 * as events are written, admission a sorted set of leases, and cancel requests a pub/sub channel every
 * instance listens on. Replay after any Last-Event-ID is one `XREVRANGE … COUNT 1` (the record that
 * may straddle it) and one `XRANGE`, exact to the event.
 */
export class RedisRunStore implements RunStore {
  readonly limits: RunStoreLimits;
  private readonly prefix: string;
  /** The runs this instance appends to: the executor is a run's only writer. */
  private readonly writers = new Map<string, RedisRunWriter>();
  private subscriber: Client | undefined;
  private readonly cancelListeners = new Set<(request: CancelRequest) => void>();
  /** How to close each tail's own connection (see `tail`). */
  private readonly tails = new Set<() => void>();

  private readonly deltaFlushMs: number;
  private closed = false;

  private constructor(
    private readonly client: Client,
    options: RedisRunStoreOptions,
  ) {
    this.prefix = options.prefix ?? 'tiny-backspace:';
    this.deltaFlushMs = options.deltaFlushMs ?? DELTA_FLUSH_MS;
    this.limits = { ...DEFAULT_STORE_LIMITS, ...options.limits };
  }

  static async connect(options: RedisRunStoreOptions): Promise<RedisRunStore> {
    const client = makeClient(options.url);
    // Without a listener node-redis would throw on a dropped connection; it reconnects by itself.
    client.on('error', () => undefined);
    await client.connect();
    return new RedisRunStore(client, options);
  }

  private key(...parts: string[]): string {
    return this.prefix + parts.join(':');
  }

  async admit(run: StoredRunStart): Promise<boolean> {
    const admitted = await this.client.sendCommand<number>(['EVAL', ADMIT, '1', this.key('admitted'), String(this.limits.maxActiveRuns), String(this.limits.admissionLeaseMs), run.requestId]);
    if (admitted !== 1) return false;
    const summary = initialSummary(run.requestId, run.request, run.startedAt);
    this.writers.set(run.requestId, new RedisRunWriter(run.requestId, summary, this.limits, (write) => this.writeRecords(run.requestId, write), this.deltaFlushMs));
    await this.client
      .multi()
      .set(this.key('run', run.requestId, 'summary'), JSON.stringify(summary))
      .zAdd(this.key('runs'), { score: run.startedAt, value: run.requestId })
      .zRemRangeByRank(this.key('runs'), 0, -(this.limits.maxListedRuns + 1))
      .exec();
    return true;
  }

  async renewAdmission(requestId: string): Promise<void> {
    await this.client.sendCommand(['EVAL', RENEW, '1', this.key('admitted'), String(this.limits.admissionLeaseMs), requestId]);
  }

  async release(requestId: string): Promise<void> {
    const writer = this.writers.get(requestId);
    try {
      await writer?.flush();
    } finally {
      this.writers.delete(requestId);
      // Local tails go on reading from Redis, where everything is now.
      writer?.wakeAll();
      await this.client.zRem(this.key('admitted'), requestId);
    }
  }

  async activeCount(): Promise<number> {
    return Number(await this.client.sendCommand(['EVAL', ACTIVE, '1', this.key('admitted')]));
  }

  async append(event: RunEvent): Promise<void> {
    if (this.closed) throw new RunStoreError(`Run ${event.request_id} cannot be stored: the store is closed.`);
    const writer = this.writers.get(event.request_id);
    if (!writer) throw new RunStoreError(`Run ${event.request_id} was not admitted by this instance.`);
    await writer.append(event);
  }

  /** One write of a run's records, its summary, and with the terminal event its patch and expiry. */
  private async writeRecords(requestId: string, write: RecordWrite): Promise<void> {
    const events = this.key('run', requestId, 'events');
    const summaryKey = this.key('run', requestId, 'summary');
    const multi = this.client.multi();
    for (const record of write.records) multi.xAdd(events, entryId(record), encodeRecord(record));
    if (write.patch) {
      // Kept once, beside the run, for as long as the run: the stream entry names it.
      multi.set(this.blobKey(requestId, write.patch.ref), write.patch.text, { expiration: { type: 'PX', value: this.limits.retainFinishedMs } });
    }
    multi.set(summaryKey, JSON.stringify(write.summary));
    if (write.terminal) {
      // Finished runs stay readable for the retention period, then Redis drops them.
      multi.pExpire(events, this.limits.retainFinishedMs).pExpire(summaryKey, this.limits.retainFinishedMs);
      // In the same step as the terminal event: whoever sees the run end can start the next one.
      multi.zRem(this.key('admitted'), requestId);
    }
    await multi.exec();
  }

  private blobKey(requestId: string, ref: string): string {
    return this.key('run', requestId, 'blob', ref);
  }

  async read(requestId: string, afterSeq: number): Promise<RunEvent[]> {
    const events: RunEvent[] = [];
    let last = afterSeq;
    for (;;) {
      const writer = this.writers.get(requestId);
      // On the appending instance, the newest events may not be in Redis yet: they are in its window.
      if (writer && last >= writer.confirmedThrough) return events.concat(writer.unconfirmedAfter(last));
      const stored = await this.readStored(requestId, last);
      events.push(...stored.events);
      last = events.at(-1)?.seq ?? last;
      if (!writer || stored.events.length === 0) return events;
    }
  }

  /** Events in Redis after `afterSeq`, and the id of the last entry read (where a blocking read goes on). */
  private async readStored(requestId: string, afterSeq: number): Promise<{ events: RunEvent[]; lastEntry: string | undefined }> {
    const key = this.key('run', requestId, 'events');
    const [straddling, after] = await Promise.all([
      afterSeq > 0 ? this.client.xRevRange(key, `0-${afterSeq}`, '-', { COUNT: 1 }) : Promise.resolve([]),
      this.client.xRange(key, `(0-${afterSeq}`, '+'),
    ]);
    const entries = [...(straddling as StreamEntry[]), ...(after as StreamEntry[])];
    const events = await this.hydrate(requestId, entries, afterSeq);
    return { events, lastEntry: entries.at(-1)?.id };
  }

  /** Records back to events, with the patches fetched (one round trip) only when a record names one. */
  private async hydrate(requestId: string, entries: readonly StreamEntry[], afterSeq: number): Promise<RunEvent[]> {
    const records: StoredRecord[] = entries.map((entry) => decodeRecord(entry.message));
    const refs = patchRefsOf(records.filter((record) => lastSeq(record) > afterSeq));
    const patches = new Map<string, string>();
    if (refs.length > 0) {
      const values = await this.client.mGet(refs.map((ref) => this.blobKey(requestId, ref)));
      refs.forEach((ref, index) => {
        const value = values[index];
        if (typeof value === 'string') patches.set(ref, value);
      });
    }
    const patchOf = (ref: string) => {
      const patch = patches.get(ref);
      if (patch === undefined) throw new RunStoreError(`The patch of run ${requestId} is missing from the store (it expired, or was removed).`);
      return patch;
    };
    const events: RunEvent[] = [];
    for (const record of records) expandRecord(record, afterSeq, patchOf, events);
    return events;
  }

  async *tail(requestId: string, afterSeq: number, signal: AbortSignal): AsyncIterable<RunEvent> {
    let last = afterSeq;
    // While this instance appends the run, its tails follow the writer: every delta the moment it comes.
    while (!signal.aborted) {
      const writer = this.writers.get(requestId);
      if (!writer) break;
      let fresh: RunEvent[];
      if (last < writer.confirmedThrough) {
        fresh = (await this.readStored(requestId, last)).events;
        if (fresh.length === 0) break;
      } else {
        fresh = writer.unconfirmedAfter(last);
        if (fresh.length === 0) {
          await writer.changed(signal);
          continue;
        }
      }
      for (const event of fresh) {
        last = event.seq;
        yield event;
        if (isTerminalEvent(event)) return;
      }
    }
    if (signal.aborted || this.closed) return;
    // Another instance appends it (or it has finished): read what is stored, then block on new entries.
    const stored = await this.readStored(requestId, last);
    for (const event of stored.events) {
      last = event.seq;
      yield event;
      if (isTerminalEvent(event)) return;
    }
    let cursor = stored.lastEntry ?? `0-${last}`;
    // A store closing while this tail read must not be left with a connection no one closes.
    if (this.closed) return;
    // Blocking reads hold their connection, so each tail gets its own; aborting destroys it at once.
    const reader = this.client.duplicate();
    reader.on('error', () => undefined);
    const connected = reader.connect().then(() => undefined);
    // destroy() while the connection is still being made leaves its socket open once it connects (a
    // server then never exits): close only once connecting has settled, at once if it already has.
    // Aborting destroys a blocking read immediately.
    const closeReader = () => {
      void connected.then(
        () => {
          if (reader.isOpen) reader.destroy();
        },
        () => undefined,
      );
    };
    signal.addEventListener('abort', closeReader, { once: true });
    this.tails.add(closeReader);
    try {
      await connected;
      while (!signal.aborted && !this.closed) {
        const reply = await reader.xRead({ key: this.key('run', requestId, 'events'), id: cursor }, { BLOCK: TAIL_BLOCK_MS, COUNT: 500 }).catch((error: unknown) => {
          if (signal.aborted || this.closed) return null;
          throw error;
        });
        const streams = (reply ?? []) as Array<{ messages: StreamEntry[] }>;
        const messages = streams[0]?.messages ?? [];
        cursor = messages.at(-1)?.id ?? cursor;
        for (const event of await this.hydrate(requestId, messages, last)) {
          last = event.seq;
          yield event;
          if (isTerminalEvent(event)) return;
        }
        if (messages.length === 0 && (await this.summary(requestId))?.status !== 'running') {
          // The terminal event may have landed between the blocking read and the status check.
          for (const event of (await this.readStored(requestId, last)).events) {
            yield event;
            if (isTerminalEvent(event)) return;
          }
          return;
        }
      }
    } finally {
      signal.removeEventListener('abort', closeReader);
      this.tails.delete(closeReader);
      closeReader();
    }
  }

  async summary(requestId: string): Promise<RunSummary | undefined> {
    const local = this.writers.get(requestId);
    if (local) return local.summary;
    const raw = await this.client.get(this.key('run', requestId, 'summary'));
    return raw ? (JSON.parse(raw) as RunSummary) : undefined;
  }

  async list(): Promise<RunSummary[]> {
    const ids = await this.client.zRange(this.key('runs'), 0, this.limits.maxListedRuns - 1, { REV: true });
    if (ids.length === 0) return [];
    const raws = await this.client.mGet(ids.map((id) => this.key('run', id, 'summary')));
    return raws.filter((raw): raw is string => typeof raw === 'string').map((raw) => JSON.parse(raw) as RunSummary);
  }

  async requestCancel(request: CancelRequest): Promise<void> {
    await this.client.publish(this.key('cancel'), JSON.stringify(request));
  }

  async onCancelRequest(listener: (request: CancelRequest) => void): Promise<Disposable> {
    if (!this.subscriber) {
      const subscriber = this.client.duplicate();
      subscriber.on('error', () => undefined);
      await subscriber.connect();
      await subscriber.subscribe(this.key('cancel'), (message) => {
        const request = parseCancel(message);
        if (request) for (const each of [...this.cancelListeners]) each(request);
      });
      this.subscriber = subscriber;
    }
    this.cancelListeners.add(listener);
    return { dispose: () => this.cancelListeners.delete(listener) };
  }

  async claimIdempotencyKey(key: string, requestId: string): Promise<string> {
    const redisKey = this.key('idempotency', key);
    const set = await this.client.set(redisKey, requestId, { condition: 'NX', expiration: { type: 'PX', value: this.limits.retainFinishedMs } });
    if (set === 'OK') return requestId;
    return (await this.client.get(redisKey)) ?? requestId;
  }

  async releaseIdempotencyKey(key: string, requestId: string): Promise<void> {
    await this.client.sendCommand(['EVAL', COMPARE_AND_DELETE, '1', this.key('idempotency', key), requestId]);
  }

  async close(): Promise<void> {
    this.closed = true;
    // Buffered deltas are written before the connection goes.
    const writers = [...this.writers.values()];
    await Promise.allSettled(writers.map((writer) => writer.flush()));
    this.writers.clear();
    for (const writer of writers) writer.wakeAll();
    for (const closeReader of [...this.tails]) closeReader();
    if (this.subscriber?.isOpen) await this.subscriber.close();
    if (this.client.isOpen) await this.client.close();
  }
}

function parseCancel(raw: string): CancelRequest | undefined {
  try {
    const value = JSON.parse(raw) as Partial<CancelRequest>;
    return typeof value.requestId === 'string' && typeof value.reason === 'string' ? { requestId: value.requestId, reason: value.reason } : undefined;
  } catch {
    return undefined;
  }
}
