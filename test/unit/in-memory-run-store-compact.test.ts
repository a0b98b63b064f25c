// The in-memory run store's compact layout: a run of deltas is one record that grows as they come, the
// patch is kept once in the run's blob map (and the stored event holds only its address), and an
// expired run takes its blob with it.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InMemoryRunStore } from '../../src/core/runs/in-memory-run-store';
import type { RunEvent } from '../../src/protocol/run-events';
import { bigPatch, RunEventScript } from '../support/run-store-events';

const START = { request: { repoUrl: 'https://github.com/octo/widgets', prompt: 'Add a retry' } };

test('deltas grow one record, the patch is stored once by content address, and both read back exactly', async () => {
  const store = new InMemoryRunStore();
  const patch = bigPatch(2 * 1024 * 1024);
  const script = new RunEventScript('kept-once').started().step().deltas(1_000).completed(patch);
  assert.ok(await store.admit({ requestId: script.requestId, ...START, startedAt: 1 }));
  for (const event of script.events) await store.append(event);
  const footprint = store.footprint(script.requestId);
  assert.equal(footprint?.records, 4);
  assert.deepStrictEqual([...(footprint?.blobs.values() ?? [])], [patch]);
  assert.match([...(footprint?.blobs.keys() ?? [])][0] ?? '', /^sha256:[0-9a-f]{64}$/);
  // The patch is counted once: the bytes kept are the patch plus well under 64 KB of everything else.
  const others = (footprint?.bytes ?? 0) - Buffer.byteLength(patch);
  assert.ok(others > 0 && others < 64 * 1024, `${others} bytes besides the patch`);
  const replayed = await store.read(script.requestId, 0);
  assert.deepStrictEqual(replayed, script.events);
  // Each reader gets its own events: changing one cannot reach the store or another reader.
  (replayed.at(-1) as RunEvent & { patch?: string }).patch = 'tampered';
  assert.equal(((await store.read(script.requestId, 1_002))[0] as RunEvent & { patch?: string }).patch, patch);
});

test('a run past its retention goes, and its patch with it', async () => {
  let now = 1_000;
  const store = new InMemoryRunStore({ retainFinishedMs: 60_000 }, () => now);
  const script = new RunEventScript('expiring').started().deltas(5).completed(bigPatch(100_000));
  assert.ok(await store.admit({ requestId: script.requestId, ...START, startedAt: now }));
  for (const event of script.events) await store.append(event);
  await store.release(script.requestId);
  assert.equal(store.footprint(script.requestId)?.blobs.size, 1);
  now += 60_001;
  assert.ok(await store.admit({ requestId: 'next', ...START, startedAt: now }));
  assert.equal(store.footprint(script.requestId), undefined);
  assert.deepStrictEqual(await store.read(script.requestId, 0), []);
});
