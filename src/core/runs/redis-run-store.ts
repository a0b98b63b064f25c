import { createClient } from 'redis';
import { isTerminalEvent, RunEventSchema, type RunEvent } from '../../protocol/run-events';
import type { Disposable, RunSummary } from './run-registry';
import { DEFAULT_STORE_LIMITS, RunStoreError, type CancelRequest, type RunStore, type RunStoreLimits, type StoredRunStart } from './run-store';
import { foldSummary, initialSummary } from './summarize-run';

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
}

/**
 * Runs in Redis: each run's events are a stream (`XADD` with the event's seq as the entry id, so replay
 * after any Last-Event-ID is one exact `XRANGE`), its summary a string updated as events are appended,
 * admission a sorted set of leases, and cancel requests a pub/sub channel every instance listens on.
 */
export class RedisRunStore implements RunStore {
  readonly limits: RunStoreLimits;
  private readonly prefix: string;
  /** Summaries of the runs this instance appends to: the executor is a run's only writer. */
  private readonly writing = new Map<string, RunSummary>();
  private subscriber: Client | undefined;
  private readonly cancelListeners = new Set<(request: CancelRequest) => void>();
  private readonly tails = new Set<Client>();

  private constructor(
    private readonly client: Client,
    options: RedisRunStoreOptions,
  ) {
    this.prefix = options.prefix ?? 'tiny-backspace:';
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
    this.writing.set(run.requestId, summary);
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
    this.writing.delete(requestId);
    await this.client.zRem(this.key('admitted'), requestId);
  }

  async activeCount(): Promise<number> {
    return Number(await this.client.sendCommand(['EVAL', ACTIVE, '1', this.key('admitted')]));
  }

  async append(event: RunEvent): Promise<void> {
    const requestId = event.request_id;
    const current = this.writing.get(requestId);
    if (!current) throw new RunStoreError(`Run ${requestId} was not admitted by this instance.`);
    if (event.seq > this.limits.maxEventsPerRun && !isTerminalEvent(event)) {
      throw new RunStoreError(`Run ${requestId} reached the store's bound of ${this.limits.maxEventsPerRun} events.`);
    }
    const summary = foldSummary(current, event);
    this.writing.set(requestId, summary);
    const events = this.key('run', requestId, 'events');
    const summaryKey = this.key('run', requestId, 'summary');
    const write = this.client.multi().xAdd(events, `0-${event.seq}`, { e: JSON.stringify(event) }).set(summaryKey, JSON.stringify(summary));
    if (isTerminalEvent(event)) {
      // Finished runs stay readable for the retention period, then Redis drops them.
      write.pExpire(events, this.limits.retainFinishedMs).pExpire(summaryKey, this.limits.retainFinishedMs);
    }
    await write.exec();
  }

  async read(requestId: string, afterSeq: number): Promise<RunEvent[]> {
    const entries = await this.client.xRange(this.key('run', requestId, 'events'), `(0-${afterSeq}`, '+');
    return (entries ?? []).map((entry) => parseEvent(entry.message.e));
  }

  async *tail(requestId: string, afterSeq: number, signal: AbortSignal): AsyncIterable<RunEvent> {
    let last = afterSeq;
    for (const event of await this.read(requestId, afterSeq)) {
      last = event.seq;
      yield event;
      if (isTerminalEvent(event)) return;
    }
    // Blocking reads hold their connection, so each tail gets its own; aborting destroys it at once.
    const reader = this.client.duplicate();
    reader.on('error', () => undefined);
    const stop = () => reader.destroy();
    signal.addEventListener('abort', stop, { once: true });
    this.tails.add(reader);
    try {
      await reader.connect();
      while (!signal.aborted) {
        const reply = await reader.xRead({ key: this.key('run', requestId, 'events'), id: `0-${last}` }, { BLOCK: TAIL_BLOCK_MS, COUNT: 500 }).catch((error: unknown) => {
          if (signal.aborted) return null;
          throw error;
        });
        const streams = (reply ?? []) as Array<{ messages: Array<{ message: Record<string, string> }> }>;
        const messages = streams[0]?.messages ?? [];
        for (const message of messages) {
          const event = parseEvent(message.message.e);
          last = event.seq;
          yield event;
          if (isTerminalEvent(event)) return;
        }
        if (messages.length === 0 && (await this.summary(requestId))?.status !== 'running') return;
      }
    } finally {
      signal.removeEventListener('abort', stop);
      this.tails.delete(reader);
      if (reader.isOpen) reader.destroy();
    }
  }

  async summary(requestId: string): Promise<RunSummary | undefined> {
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
    for (const reader of [...this.tails]) reader.destroy();
    if (this.subscriber?.isOpen) await this.subscriber.close();
    if (this.client.isOpen) await this.client.close();
  }
}

function parseEvent(raw: string | undefined): RunEvent {
  const parsed = RunEventSchema.safeParse(JSON.parse(raw ?? 'null'));
  if (!parsed.success) throw new RunStoreError('The store holds an event that is not a run event.');
  return parsed.data;
}

function parseCancel(raw: string): CancelRequest | undefined {
  try {
    const value = JSON.parse(raw) as Partial<CancelRequest>;
    return typeof value.requestId === 'string' && typeof value.reason === 'string' ? { requestId: value.requestId, reason: value.reason } : undefined;
  } catch {
    return undefined;
  }
}
