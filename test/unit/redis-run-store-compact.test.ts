// The Redis run store's compact layout against a real redis-server: deltas reach tails on the appending
// instance before anything is written, reach another instance once their group is flushed (by time, by
// the next event, or by close), and the patch is one key beside the run that expires with it.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createClient } from 'redis';
import { RedisRunStore, type RedisRunStoreOptions } from '../../src/core/runs/redis-run-store';
import type { RunEvent } from '../../src/protocol/run-events';
import { startRedisServer, type RedisServer } from '../support/redis-server';
import { bigPatch, collect, RunEventScript } from '../support/run-store-events';

let redis: RedisServer;
let admin: ReturnType<typeof createClient>;
let prefixes = 0;
const opened: RedisRunStore[] = [];

before(async () => {
  redis = await startRedisServer();
  admin = createClient({ url: redis.url });
  await admin.connect();
});

after(async () => {
  await Promise.all(opened.map((store) => store.close()));
  await admin.close();
  await redis.stop();
});

const START = { request: { repoUrl: 'https://github.com/octo/widgets', prompt: 'Add a retry' }, startedAt: Date.now() };

async function twoInstances(options: Partial<RedisRunStoreOptions> = {}): Promise<{ prefix: string; writer: RedisRunStore; reader: RedisRunStore }> {
  const prefix = `compact-${(prefixes += 1)}:`;
  const writer = await RedisRunStore.connect({ url: redis.url, prefix, ...options });
  const reader = await RedisRunStore.connect({ url: redis.url, prefix, ...options });
  opened.push(writer, reader);
  return { prefix, writer, reader };
}

/** Pulls the next `count` events from a running tail. */
async function next(iterator: AsyncIterator<RunEvent>, count: number): Promise<RunEvent[]> {
  const seen: RunEvent[] = [];
  while (seen.length < count) {
    const step = await iterator.next();
    if (step.done) break;
    seen.push(step.value);
  }
  return seen;
}

test('a tail on the appending instance gets each delta before any of it is written to Redis', async () => {
  const { prefix, writer } = await twoInstances({ deltaFlushMs: 60_000 });
  const script = new RunEventScript('live-local').started().step().deltas(3);
  assert.ok(await writer.admit({ requestId: script.requestId, ...START }));
  await writer.append(script.events[0] as RunEvent);
  await writer.append(script.events[1] as RunEvent);
  const controller = new AbortController();
  const tail = writer.tail(script.requestId, 0, controller.signal)[Symbol.asyncIterator]();
  assert.deepStrictEqual(await next(tail, 2), script.events.slice(0, 2));
  for (const delta of script.events.slice(2)) {
    const pending = next(tail, 1);
    await writer.append(delta);
    assert.deepStrictEqual(await pending, [delta]);
  }
  // Three deltas seen live, and the stream still holds only the two events before them.
  assert.equal(await admin.xLen(`${prefix}run:live-local:events`), 2);
  controller.abort();
  await tail.return?.();
});

test('another instance gets buffered deltas once the flush interval passes, as one stream entry', async () => {
  const { prefix, writer, reader } = await twoInstances({ deltaFlushMs: 20 });
  const script = new RunEventScript('live-remote').started().step().deltas(4).tool('src/a.ts').completed();
  assert.ok(await writer.admit({ requestId: script.requestId, ...START }));
  for (const event of script.events.slice(0, 2)) await writer.append(event);
  const controller = new AbortController();
  const tail = reader.tail(script.requestId, 0, controller.signal)[Symbol.asyncIterator]();
  assert.deepStrictEqual(await next(tail, 2), script.events.slice(0, 2));
  for (const delta of script.events.slice(2, 6)) await writer.append(delta);
  // No further append: only the timer can write the group the reader is waiting for.
  assert.deepStrictEqual(await next(tail, 4), script.events.slice(2, 6));
  assert.equal(await admin.xLen(`${prefix}run:live-remote:events`), 3);
  for (const event of script.events.slice(6)) await writer.append(event);
  assert.deepStrictEqual(await next(tail, 2), script.events.slice(6));
  assert.equal((await tail.next()).done, true);
  controller.abort();
});

test('the next event, release and close each write the buffered deltas first', async () => {
  const { prefix, writer, reader } = await twoInstances({ deltaFlushMs: 60_000 });
  const byEvent = new RunEventScript('flush-by-event').started().deltas(5).tool('src/b.ts');
  assert.ok(await writer.admit({ requestId: byEvent.requestId, ...START }));
  for (const event of byEvent.events) await writer.append(event);
  assert.deepStrictEqual(await reader.read(byEvent.requestId, 0), byEvent.events);
  assert.equal(await admin.xLen(`${prefix}run:flush-by-event:events`), 3);

  const byClose = new RunEventScript('flush-by-close').started().deltas(5);
  assert.ok(await writer.admit({ requestId: byClose.requestId, ...START }));
  for (const event of byClose.events) await writer.append(event);
  assert.deepStrictEqual(await reader.read(byClose.requestId, 0), byClose.events.slice(0, 1));
  await writer.close();
  assert.deepStrictEqual(await reader.read(byClose.requestId, 3), byClose.events.slice(3));
});

test('the patch is one key beside the run, never inside the stream, read back whole, and expires with the run', async () => {
  const retainFinishedMs = 1_500;
  const { prefix, writer, reader } = await twoInstances({ limits: { retainFinishedMs } });
  const patch = bigPatch(2 * 1024 * 1024);
  const script = new RunEventScript('patched').started().deltas(10).completed(patch);
  assert.ok(await writer.admit({ requestId: script.requestId, ...START }));
  for (const event of script.events) await writer.append(event);
  await writer.release(script.requestId);

  const blobs = await admin.keys(`${prefix}run:patched:blob:*`);
  assert.equal(blobs.length, 1);
  const blob = blobs[0] as string;
  assert.match(blob, /blob:sha256:[0-9a-f]{64}$/);
  assert.equal(await admin.get(blob), patch);
  const entries = await admin.xRange(`${prefix}run:patched:events`, '-', '+');
  const streamBytes = (entries ?? []).reduce((sum, entry) => sum + Object.values(entry.message).join('').length, 0);
  assert.ok(streamBytes < 4_000, `the stream holds ${streamBytes} characters`);
  assert.deepStrictEqual(await reader.read(script.requestId, 0), script.events);
  // The blob lives exactly as long as the run's events and summary.
  const [blobTtl, eventsTtl] = await Promise.all([admin.pTTL(blob), admin.pTTL(`${prefix}run:patched:events`)]);
  assert.ok(blobTtl > 0 && blobTtl <= retainFinishedMs && Math.abs(blobTtl - eventsTtl) < 200, `blob ${blobTtl} ms, events ${eventsTtl} ms`);

  for (;;) {
    const left = await admin.keys(`${prefix}run:patched:*`);
    if (left.length === 0) break;
    await new Promise<void>((resolve) => setTimeout(resolve, 100));
  }
  assert.deepStrictEqual(await reader.read(script.requestId, 0), []);
});

test('a replay from inside a group reads only that group and what follows it', async () => {
  const { writer, reader } = await twoInstances({ deltaFlushMs: 60_000 });
  const script = new RunEventScript('inside').started().deltas(300).tool('src/c.ts').deltas(300).completed(bigPatch(10_000));
  assert.ok(await writer.admit({ requestId: script.requestId, ...START }));
  for (const event of script.events) await writer.append(event);
  await writer.release(script.requestId);
  for (const afterSeq of [1, 2, 150, 301, 302, 303, 450, 602, 603]) {
    assert.deepStrictEqual(await collect(reader.tail(script.requestId, afterSeq, new AbortController().signal)), script.events.slice(afterSeq), `after ${afterSeq}`);
  }
});
