// One contract for both run stores (issue 14, bounded memory): consecutive text deltas are stored as one
// record and the patch once, yet every reader, from every Last-Event-ID, gets exactly the events that
// were appended. The Redis store runs against a real redis-server, with a second store instance on the
// same Redis standing in for a second `serve`.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createClient } from 'redis';
import { InMemoryRunStore } from '../../src/core/runs/in-memory-run-store';
import { RedisRunStore } from '../../src/core/runs/redis-run-store';
import { RunStoreError, type RunStore, type RunStoreLimits } from '../../src/core/runs/run-store';
import type { RunEvent } from '../../src/protocol/run-events';
import { startRedisServer, type RedisServer } from '../support/redis-server';
import { bigPatch, collect, RunEventScript } from '../support/run-store-events';

let redis: RedisServer;
let admin: ReturnType<typeof createClient>;
let prefixes = 0;

before(async () => {
  redis = await startRedisServer();
  admin = createClient({ url: redis.url });
  await admin.connect();
});

after(async () => {
  await admin.close();
  await redis.stop();
});

interface Stores {
  /** The instance that appends (executes) the run. */
  readonly writer: RunStore;
  /** Another instance reading the same runs (the same store, for memory). */
  readonly reader: RunStore;
  /** How many records the run is stored as. */
  records(requestId: string): Promise<number>;
  close(): Promise<void>;
}

type Open = (limits?: Partial<RunStoreLimits>) => Promise<Stores>;

const STORES: ReadonlyArray<readonly [string, Open]> = [
  [
    'memory',
    async (limits) => {
      const store = new InMemoryRunStore(limits);
      return { writer: store, reader: store, records: async (id) => store.footprint(id)?.records ?? 0, close: () => store.close() };
    },
  ],
  [
    'redis',
    async (limits) => {
      const prefix = `contract-${(prefixes += 1)}:`;
      // A long flush interval: groups are written only when another event, the bound, or close says so.
      const options = { url: redis.url, prefix, deltaFlushMs: 60_000, ...(limits ? { limits } : {}) };
      const writer = await RedisRunStore.connect(options);
      const reader = await RedisRunStore.connect(options);
      return {
        writer,
        reader,
        records: (id) => admin.xLen(`${prefix}run:${id}:events`),
        close: async () => {
          await writer.close();
          await reader.close();
        },
      };
    },
  ],
];

const START = { request: { repoUrl: 'https://github.com/octo/widgets', prompt: 'Add a retry' }, startedAt: Date.now() };

/** The first `count` events of a tail on a run that is still going, then the tail is stopped. */
async function take(store: RunStore, requestId: string, afterSeq: number, count: number): Promise<RunEvent[]> {
  const controller = new AbortController();
  const seen: RunEvent[] = [];
  for await (const event of store.tail(requestId, afterSeq, controller.signal)) {
    seen.push(event);
    if (seen.length === count) break;
  }
  controller.abort();
  return seen;
}

for (const [name, open] of STORES) {
  describe(`${name} run store`, () => {
    test('replays exactly from every Last-Event-ID, inside groups of deltas too, mid-run and finished', async () => {
      const stores = await open();
      try {
        const id = `replay-${name}`;
        const script = new RunEventScript(id).started().step().deltas(25).thinking().deltas(10, { provider: 'openai' }).deltas(5, { progress: 55 });
        // Timestamps without milliseconds do not survive as numbers: those deltas are kept whole.
        script.deltas(3, { timestamp: '2026-03-01T09:00:01Z' }).tool('src/fetch.ts').deltas(30, { text: (index) => (index % 2 ? 'é✓ ' : '') });
        const midRun = script.events.length;
        assert.ok(await stores.writer.admit({ requestId: id, ...START }));
        for (const event of script.events) await stores.writer.append(event);
        for (let afterSeq = 0; afterSeq <= midRun; afterSeq += 1) {
          const expected = script.events.slice(afterSeq);
          assert.deepStrictEqual(await stores.writer.read(id, afterSeq), expected, `read after ${afterSeq} while the run goes on`);
          if (expected.length > 0) assert.deepStrictEqual(await take(stores.writer, id, afterSeq, expected.length), expected, `tail after ${afterSeq} while the run goes on`);
        }
        script.deltas(12).completed(bigPatch(50_000));
        for (const event of script.events.slice(midRun)) await stores.writer.append(event);
        await stores.writer.release(id);
        for (let afterSeq = 0; afterSeq <= script.events.length; afterSeq += 1) {
          const expected = script.events.slice(afterSeq);
          for (const [who, store] of [
            ['writer', stores.writer],
            ['reader', stores.reader],
          ] as const) {
            assert.deepStrictEqual(await store.read(id, afterSeq), expected, `${who} read after ${afterSeq}`);
            assert.deepStrictEqual(await collect(store.tail(id, afterSeq, new AbortController().signal)), expected, `${who} tail after ${afterSeq}`);
          }
        }
        // run_started, step_started, 25 deltas, thinking, 10 openai deltas, 5 at another progress, 3 kept
        // whole, tool, 42 deltas, completed: 12 records for 90 events.
        assert.equal(script.events.length, 90);
        assert.equal(await stores.records(id), 12);
      } finally {
        await stores.close();
      }
    });

    test('a 40-turn conversation of 20,000 deltas fits far under the record bound', async () => {
      const stores = await open({ maxEventsPerRun: 1_000 });
      try {
        const id = `long-${name}`;
        const script = new RunEventScript(id).started().step();
        for (let turn = 0; turn < 40; turn += 1) script.deltas(500).tool(`src/file-${turn}.ts`);
        script.completed('diff --git a/x b/x\n');
        assert.ok(await stores.writer.admit({ requestId: id, ...START }));
        for (const event of script.events) await stores.writer.append(event);
        await stores.writer.release(id);
        assert.equal(script.events.length, 20_043);
        assert.ok((await stores.records(id)) <= 83, `stored as ${await stores.records(id)} records`);
        assert.equal((await stores.reader.summary(id))?.status, 'completed');
        assert.equal((await stores.reader.summary(id))?.eventCount, 20_043);
        assert.deepStrictEqual(await stores.reader.read(id, 10_001), script.events.slice(10_001));
      } finally {
        await stores.close();
      }
    });

    test('past its record or byte bound a run fails loudly, and its terminal event still fits', async () => {
      const stores = await open({ maxEventsPerRun: 5, maxStoredBytesPerRun: 4_000 });
      try {
        const records = new RunEventScript(`records-${name}`).started().step().tool('a').tool('b').tool('c').tool('d');
        assert.ok(await stores.writer.admit({ requestId: records.requestId, ...START }));
        for (const event of records.events.slice(0, 5)) await stores.writer.append(event);
        await assert.rejects(stores.writer.append(records.events[5] as RunEvent), (error: unknown) => error instanceof RunStoreError && /bound of 5 stored records/.test(error.message));
        records.events.splice(5);
        records.completed();
        await stores.writer.append(records.events[5] as RunEvent);

        const bytes = new RunEventScript(`bytes-${name}`).started().step().deltas(400, { text: () => 'twelve bytes' });
        assert.ok(await stores.writer.admit({ requestId: bytes.requestId, ...START }));
        let refused: unknown;
        for (const event of bytes.events) {
          try {
            await stores.writer.append(event);
          } catch (error) {
            refused = error;
            break;
          }
        }
        assert.ok(refused instanceof RunStoreError && /bound of 4 KB of stored text and events/.test(refused.message), String(refused));
        const huge = new RunEventScript(`patch-${name}`).started().completed(bigPatch(10_000));
        assert.ok(await stores.writer.admit({ requestId: huge.requestId, ...START }));
        await stores.writer.append(huge.events[0] as RunEvent);
        await assert.rejects(stores.writer.append(huge.events[1] as RunEvent), /patch, more than the .* the store keeps per run/);
      } finally {
        await stores.close();
      }
    });

    test('the patch of completed and of failed reads back whole, from every reader', async () => {
      const stores = await open();
      try {
        for (const ending of ['completed', 'failed'] as const) {
          const id = `patch-${ending}-${name}`;
          const patch = bigPatch(300_000);
          const script = new RunEventScript(id).started().deltas(3)[ending](patch);
          assert.ok(await stores.writer.admit({ requestId: id, ...START }));
          for (const event of script.events) await stores.writer.append(event);
          await stores.writer.release(id);
          const last = (await stores.reader.read(id, 4))[0] as RunEvent & { patch?: string };
          assert.equal(last.kind, ending);
          assert.equal(last.patch, patch);
          assert.deepStrictEqual(await collect(stores.reader.tail(id, 0, new AbortController().signal)), script.events);
        }
      } finally {
        await stores.close();
      }
    });

    test('the terminal event frees the admission in the same step: whoever sees the end can start the next run', async () => {
      const stores = await open();
      try {
        const script = new RunEventScript(`slot-${name}`).started().deltas(2);
        assert.ok(await stores.writer.admit({ requestId: script.requestId, ...START }));
        for (const event of script.events) await stores.writer.append(event);
        assert.equal(await stores.reader.activeCount(), 1);
        await stores.writer.append(new RunEventScript(script.requestId).started().deltas(2).completed().events.at(-1) as RunEvent);
        // No release yet: the executor releases after the terminal event, and a client must not race it.
        assert.equal(await stores.reader.activeCount(), 0);
        assert.equal(await stores.writer.activeCount(), 0);
      } finally {
        await stores.close();
      }
    });

    test('events out of seq order are refused', async () => {
      const stores = await open();
      try {
        const script = new RunEventScript(`order-${name}`).started().deltas(2);
        assert.ok(await stores.writer.admit({ requestId: script.requestId, ...START }));
        for (const event of script.events) await stores.writer.append(event);
        await assert.rejects(stores.writer.append(script.events[1] as RunEvent), (error: unknown) => error instanceof RunStoreError && /seq order/.test(error.message));
      } finally {
        await stores.close();
      }
    });
  });
}
