import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { RunRequestSchema } from '../../src/protocol/run-request';
import { PersistedReviews, replayRequestOf, type PersistedReview } from '../../src/vscode/review/persisted-reviews';

let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tb-reviews-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const REVIEW: PersistedReview = {
  version: 1,
  requestId: 'run-1',
  repoUrl: 'https://github.com/octo/app',
  prompt: 'replace "a" with "b"',
  base: 'main',
  savedAt: '2026-01-01T00:00:00.000Z',
  changes: [
    { path: 'README.md', before: 'a\n', after: 'b\n' },
    { path: 'new.txt', before: null, after: 'x' },
    { path: 'old.txt', before: 'y', after: null },
  ],
};

test('a saved review loads back exactly, and is gone once removed', async () => {
  const store = new PersistedReviews(path.join(dir, 'one'));
  await store.save(REVIEW);
  assert.deepEqual(await store.loadAll(), [REVIEW]);
  assert.deepEqual((await readdir(path.join(dir, 'one'))).sort(), ['run-1.json'], 'no temp file is left behind');
  await store.remove('run-1');
  assert.deepEqual(await store.loadAll(), []);
});

test('a missing folder is no reviews; a corrupt or foreign file is skipped and reported', async () => {
  assert.deepEqual(await new PersistedReviews(path.join(dir, 'missing')).loadAll(), []);
  const store = new PersistedReviews(path.join(dir, 'two'));
  await store.save(REVIEW);
  await writeFile(path.join(dir, 'two', 'broken.json'), '{"version":1,');
  await writeFile(path.join(dir, 'two', 'other.json'), JSON.stringify({ version: 2 }));
  const problems: string[] = [];
  assert.deepEqual(await store.loadAll((file) => problems.push(file)), [REVIEW]);
  assert.deepEqual(problems.sort(), ['broken.json', 'other.json']);
});

test('a request id that could leave the folder is refused', async () => {
  const store = new PersistedReviews(path.join(dir, 'three'));
  await assert.rejects(store.save({ ...REVIEW, requestId: '../escape' }));
  await store.remove('../../etc/passwd');
});

test("a follow-up's saved review replays onto its pull request, never as a new PR from the head branch (issue 15)", async () => {
  const store = new PersistedReviews(path.join(dir, 'follow-up'));
  // The gate saw the PR's head branch as the run's base.
  const followUp: PersistedReview = { ...REVIEW, requestId: 'run-f', base: 'feature/notes', pullRequest: 12 };
  await store.save(followUp);
  const [loaded] = await store.loadAll();
  assert.equal(loaded?.pullRequest, 12);
  assert.deepEqual(replayRequestOf(loaded ?? followUp), { repoUrl: 'https://github.com/octo/app', pullRequest: 12, prompt: 'replace "a" with "b"' });
  const review: PersistedReview = { ...REVIEW, requestId: 'run-r', base: 'feature/notes', pullRequest: 12, addressReview: true, prompt: 'Address review comments' };
  assert.deepEqual(replayRequestOf(review), { repoUrl: 'https://github.com/octo/app', pullRequest: 12, addressReview: true });
  // A plain run replays onto its base, as before; every replay request is one the engine accepts.
  assert.deepEqual(replayRequestOf(REVIEW), { repoUrl: 'https://github.com/octo/app', prompt: 'replace "a" with "b"', base: 'main' });
  for (const request of [replayRequestOf(followUp), replayRequestOf(review), replayRequestOf(REVIEW)]) assert.ok(RunRequestSchema.safeParse(request).success, JSON.stringify(request));
  await assert.rejects(store.save({ ...followUp, pullRequest: 0 }));
});
