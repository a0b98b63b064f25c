import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cacheSettings } from '../../src/core/git/cache/cache-settings';
import { sweepRepositoryCache } from '../../src/core/git/cache/cache-sweep';
import { acquireLock, tryLock } from '../../src/core/git/cache/directory-lock';
import { USED_MARKER } from '../../src/core/git/cache/repository-mirror';
import { DEFAULT_CONFIG } from '../../src/core/config/engine-config';
import { configFromEnv } from '../../src/core/config/config-from-env';

const DAY = 24 * 3_600_000;

async function fakeMirror(cacheDir: string, name: string, bytes: number, usedDaysAgo: number): Promise<string> {
  const dir = path.join(cacheDir, 'github.com', 'octo', `${name}.git`);
  await mkdir(path.join(dir, 'objects', 'pack'), { recursive: true });
  await writeFile(path.join(dir, 'objects', 'pack', 'pack-1.pack'), Buffer.alloc(bytes));
  const when = new Date(Date.now() - usedDaysAgo * DAY);
  await writeFile(path.join(dir, USED_MARKER), '');
  await utimes(path.join(dir, USED_MARKER), when, when);
  return dir;
}

describe('repository cache bounds and lock', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'tb-cache-unit-'));
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('evicts mirrors past the age bound, then the least recently used past the size bound', async () => {
    const cache = path.join(root, 'sweep');
    await fakeMirror(cache, 'ancient', 10, 30);
    await fakeMirror(cache, 'old', 400, 3);
    await fakeMirror(cache, 'recent', 400, 1);
    await fakeMirror(cache, 'fresh', 400, 0);
    const removed = await sweepRepositoryCache(cache, { maxBytes: 900, maxAgeMs: 14 * DAY });
    assert.deepEqual(removed.map((dir) => path.basename(dir)), ['ancient.git', 'old.git']);
    assert.deepEqual((await readdir(path.join(cache, 'github.com', 'octo'))).sort(), ['fresh.git', 'recent.git']);
  });

  it('never evicts a mirror another run holds the lock of', async () => {
    const cache = path.join(root, 'busy');
    const busy = await fakeMirror(cache, 'busy', 10, 30);
    const release = await tryLock(`${busy}.lock`);
    assert.ok(release);
    assert.deepEqual(await sweepRepositoryCache(cache, { maxBytes: 0, maxAgeMs: DAY }), []);
    await release();
    assert.equal((await sweepRepositoryCache(cache, { maxBytes: 0, maxAgeMs: DAY })).length, 1);
  });

  it('lets one holder in at a time, and takes over the lock of a process that died', async () => {
    const lock = path.join(root, 'mirror.lock');
    const first = await tryLock(lock);
    assert.ok(first);
    assert.equal(await tryLock(lock), undefined, 'a live holder keeps it');
    let waited = false;
    const second = acquireLock(lock, new AbortController().signal, () => (waited = true));
    await new Promise((resolve) => setTimeout(resolve, 120));
    assert.equal(waited, true);
    await first();
    await (await second)();

    // A holder that crashed: its pid no longer exists.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    await mkdir(lock);
    await writeFile(path.join(lock, 'owner.json'), JSON.stringify({ pid: Number(dead), host: hostname(), acquiredAt: Date.now(), token: 'dead' }));
    const taken = await tryLock(lock);
    assert.ok(taken, 'the stale lock was taken over');
    await taken();
    assert.equal(await stat(lock).catch(() => undefined), undefined);
  });

  it('gives up waiting when the run is cancelled', async () => {
    const lock = path.join(root, 'cancel.lock');
    const holder = await tryLock(lock);
    const controller = new AbortController();
    const waiting = acquireLock(lock, controller.signal);
    controller.abort();
    await assert.rejects(waiting, (error: Error & { code?: string }) => error.code === 'cancelled');
    await holder?.();
  });

  it('is configured from the environment, defaulting beside the run directories', () => {
    assert.deepEqual(cacheSettings(DEFAULT_CONFIG, '/tmp/tb'), { directory: '/tmp/tb/repo-cache', maxBytes: 10 * 1024 ** 3, maxAgeMs: 14 * DAY });
    const config = configFromEnv({ TINY_BACKSPACE_REPO_CACHE_DIR: '/var/cache/tb', TINY_BACKSPACE_REPO_CACHE_MAX_MB: '512', TINY_BACKSPACE_REPO_CACHE_MAX_AGE_DAYS: '2' });
    assert.deepEqual(cacheSettings(config, '/tmp/tb'), { directory: '/var/cache/tb', maxBytes: 512 * 1024 ** 2, maxAgeMs: 2 * DAY });
    assert.equal(cacheSettings(configFromEnv({ TINY_BACKSPACE_REPO_CACHE: 'off' }), '/tmp/tb'), undefined);
  });
});
