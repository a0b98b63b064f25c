// The run store's worst case (issue 14, bounded memory): one run of a 40-turn conversation with 20,000
// streamed text deltas, a tool event after every turn and a `completed` event carrying a 2 MB patch, in
// both stores. It measures what the run costs to keep (V8 heap; Redis `used_memory`), to append, to
// replay in full and from the middle (a `Last-Event-ID` reconnect), and to serve 50 tailers that follow
// the run live while it is appended. The baseline figures are the store before deltas were coalesced and
// the patch kept once, measured here on this same input.
import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { createClient } from 'redis';
import { InMemoryRunStore } from '../src/core/runs/in-memory-run-store';
import { RedisRunStore } from '../src/core/runs/redis-run-store';
import type { RunStore } from '../src/core/runs/run-store';
import { RUN_EVENT_SCHEMA_VERSION, type RunEvent } from '../src/protocol/run-events';
import { startRedisServer } from '../test/support/redis-server';
import { median } from './stats';

const TURNS = 40;
const DELTAS_PER_TURN = 500;
const PATCH_BYTES = 2 * 1024 * 1024;
const TAILERS = 50;
const REPEATS = 5;

/**
 * The store before this change (every delta its own stored event, the patch inline, the in-memory tail
 * rescanning from the first event on each wake), measured with this suite on this input and machine.
 * Its live tailers were measured at 2,000 and 5,000 deltas only: at 20,000 the in-memory store's 50
 * tailers had not finished after 9 minutes.
 */
const BASELINE = {
  memoryHeapMb: 12.2,
  memoryAppendMs: 168,
  memoryFullReplayMs: 3.7,
  memoryMiddleReplayMs: 2.1,
  memoryLiveTailers2000Ms: 2_449,
  memoryLiveTailers5000Ms: 53_956,
  redisMemoryMb: 9.8,
  redisAppendMs: 1_499,
  redisFullReplayMs: 96.5,
  redisMiddleReplayMs: 30.5,
  redisLocalTailers2000Ms: 5_096,
  redisRemoteTailers2000Ms: 6_536,
  redisLocalTailers5000Ms: 16_115,
  redisRemoteTailers5000Ms: 15_008,
};

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

function heapUsed(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** The run's events, made one at a time so the store holds the only reference to what it keeps. */
export function* conversationEvents(requestId: string, turns = TURNS, deltasPerTurn = DELTAS_PER_TURN, patchBytes = PATCH_BYTES): Generator<RunEvent> {
  let seq = 0;
  const start = Date.parse('2026-01-01T00:00:00.000Z');
  const base = (): { version: typeof RUN_EVENT_SCHEMA_VERSION; seq: number; request_id: string; timestamp: string } => {
    seq += 1;
    return { version: RUN_EVENT_SCHEMA_VERSION, seq, request_id: requestId, timestamp: new Date(start + seq * 3).toISOString() };
  };
  yield { ...base(), type: 'info', kind: 'run_started', step: 'validate', progress: 0, message: 'Run started', repo: 'https://github.com/octo/widgets', prompt: 'Add a retry to the fetcher', dry_run: false };
  yield { ...base(), type: 'info', kind: 'step_started', step: 'agent', progress: 40, message: 'Agent started' };
  for (let turn = 0; turn < turns; turn += 1) {
    for (let delta = 0; delta < deltasPerTurn; delta += 1) {
      yield { ...base(), type: 'ai_message', kind: 'ai_message', step: 'agent', progress: 40, provider: 'anthropic', message: delta % 7 === 0 ? ' the' : `tok${delta} ` };
    }
    yield { ...base(), type: 'tool', kind: 'tool', step: 'agent', progress: 40, tool: 'Read', filepath: `src/file-${turn}.ts`, message: `Tool: Read src/file-${turn}.ts` };
  }
  const patch = `diff --git a/src/fetch.ts b/src/fetch.ts\n${'+// retried line of the fetcher\n'.repeat(Math.ceil(patchBytes / 31))}`.slice(0, patchBytes);
  yield {
    ...base(),
    type: 'success',
    kind: 'completed',
    step: 'pull_request',
    progress: 100,
    message: 'Pull request opened',
    changed_files: [{ path: 'src/fetch.ts', status: 'modified', additions: 1, deletions: 0 }],
    patch,
    agent: 'anthropic',
    summary: 'Added a retry',
    duration_ms: 60_000,
    dry_run: false,
    pr_url: 'https://github.com/octo/widgets/pull/1',
  };
}


async function drain(iterable: AsyncIterable<RunEvent>): Promise<number> {
  let count = 0;
  for await (const _ of iterable) count += 1;
  return count;
}

async function timeRepeated(work: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let index = 0; index < REPEATS; index += 1) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  return median(times);
}

/** Live tailing is measured on a short run and on the full one, to show how its cost grows. */
const LIVE_TURNS: readonly number[] = [4, 10, TURNS];

function eventCount(turns: number): number {
  return 2 + turns * (DELTAS_PER_TURN + 1) + 1;
}

interface StoreFigures {
  readonly heapMb: number;
  readonly appendMs: number;
  readonly fullReplayMs: number;
  readonly middleReplayMs: number;
  /** By number of deltas: tailers on the appending instance, and (Redis) on another instance. */
  readonly live: ReadonlyArray<{ readonly deltas: number; readonly localMs: number; readonly remoteMs?: number }>;
}

const START = { request: { repoUrl: 'https://github.com/octo/widgets', prompt: 'p' } };

/**
 * `TAILERS` tailers on `readers` follow a run from its first event while `writer` appends it, each event
 * in its own turn of the event loop as a model's deltas arrive, so every tailer wakes on every event.
 */
async function followLive(writer: RunStore, readers: RunStore, requestId: string, turns: number): Promise<number> {
  await writer.admit({ requestId, ...START, startedAt: Date.now() });
  const controller = new AbortController();
  setMaxListeners(TAILERS * 2, controller.signal);
  const started = performance.now();
  const tailers = Array.from({ length: TAILERS }, () => drain(readers.tail(requestId, 0, controller.signal)));
  for (const event of conversationEvents(requestId, turns)) {
    await writer.append(event);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  const counts = await Promise.all(tailers);
  const elapsed = performance.now() - started;
  if (counts.some((count) => count !== eventCount(turns))) throw new Error(`a live tailer lost events: ${counts.join(',')}`);
  await writer.release(requestId);
  return elapsed;
}

async function measure(open: (name: string) => Promise<RunStore>, storedBytes: () => Promise<number>, remote: boolean): Promise<StoreFigures> {
  const requestId = 'bench-run';
  const total = eventCount(TURNS);
  const middle = Math.floor(total / 2) + 3;
  const store = await open('kept');
  const heapBefore = heapUsed();
  const redisBefore = await storedBytes();
  await store.admit({ requestId, ...START, startedAt: Date.now() });
  const started = performance.now();
  for (const event of conversationEvents(requestId)) await store.append(event);
  const appendMs = performance.now() - started;
  await store.release(requestId);
  const heapMb = (heapUsed() - heapBefore + (await storedBytes()) - redisBefore) / 1024 / 1024;
  const fullReplayMs = await timeRepeated(async () => {
    if ((await store.read(requestId, 0)).length !== total) throw new Error('full replay lost events');
  });
  const middleReplayMs = await timeRepeated(async () => {
    if ((await store.read(requestId, middle)).length !== total - middle) throw new Error('middle replay lost events');
  });
  await store.close();

  const live: Array<{ deltas: number; localMs: number; remoteMs?: number }> = [];
  for (const turns of LIVE_TURNS) {
    const local = await open(`live-${turns}`);
    const localMs = await followLive(local, local, 'bench-live', turns);
    await local.close();
    if (!remote) {
      live.push({ deltas: turns * DELTAS_PER_TURN, localMs });
      continue;
    }
    // The same with the tailers on a second instance of the store (another `serve` on the same Redis).
    const writer = await open(`remote-${turns}`);
    const readers = await open(`remote-${turns}`);
    const remoteMs = await followLive(writer, readers, 'bench-remote', turns);
    await Promise.all([writer.close(), readers.close()]);
    live.push({ deltas: turns * DELTAS_PER_TURN, localMs, remoteMs });
  }
  return { heapMb, appendMs, fullReplayMs, middleReplayMs, live };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

export async function benchRunStore(): Promise<Record<string, number | string>> {
  const memory = await measure(
    async () => new InMemoryRunStore(),
    async () => 0,
    false,
  );
  const redis = await startRedisServer();
  const admin = createClient({ url: redis.url });
  await admin.connect();
  try {
    const usedMemory = async () => Number(/used_memory:(\d+)/.exec(await admin.info('memory'))?.[1] ?? 0);
    const redisFigures = await measure(
      async (name) => RedisRunStore.connect({ url: redis.url, prefix: `bench-${name}:` }),
      usedMemory,
      true,
    );
    const figures: Record<string, number | string> = {
      'input: deltas / other events / patch': `${TURNS * DELTAS_PER_TURN} / ${TURNS + 3} / ${PATCH_BYTES / 1024 / 1024} MB`,
      'baseline: the old store, recorded on 2026-12-02 with this suite (not re-measured)': JSON.stringify(BASELINE),
      'memory store: heap kept (MB)': round(memory.heapMb),
      'memory store: append all (ms)': round(memory.appendMs),
      'memory store: full replay (ms, median of 5)': round(memory.fullReplayMs),
      'memory store: replay from the middle (ms)': round(memory.middleReplayMs),
      'redis store: used_memory + heap kept (MB)': round(redisFigures.heapMb),
      'redis store: append all (ms)': round(redisFigures.appendMs),
      'redis store: full replay (ms, median of 5)': round(redisFigures.fullReplayMs),
      'redis store: replay from the middle (ms)': round(redisFigures.middleReplayMs),
    };
    for (const { deltas, localMs } of memory.live) figures[`memory store: ${TAILERS} live tailers, ${deltas} deltas (ms)`] = round(localMs);
    for (const { deltas, localMs, remoteMs } of redisFigures.live) {
      figures[`redis store: ${TAILERS} live tailers on the appending instance, ${deltas} deltas (ms)`] = round(localMs);
      figures[`redis store: ${TAILERS} live tailers on another instance, ${deltas} deltas (ms)`] = round(remoteMs ?? Number.NaN);
    }
    return figures;
  } finally {
    await admin.close();
    await redis.stop();
  }
}
