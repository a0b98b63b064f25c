import { randomUUID } from 'node:crypto';
import { readdir, rename, rm, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { tryLock } from './directory-lock';
import { USED_MARKER } from './repository-mirror';
import { sparesDir } from './spare-checkout';

export interface CacheBounds {
  readonly maxBytes: number;
  readonly maxAgeMs: number;
}

interface MirrorInfo {
  readonly dir: string;
  readonly usedAt: number;
  readonly bytes: number;
}

async function subdirectories(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isDirectory()).map((entry) => path.join(dir, entry.name));
}

async function sizeOf(dir: string): Promise<number> {
  let total = 0;
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    total += (await stat(path.join(entry.parentPath, entry.name)).catch(() => undefined))?.size ?? 0;
  }
  return total;
}

async function mirrors(cacheDir: string): Promise<MirrorInfo[]> {
  const found: MirrorInfo[] = [];
  for (const host of await subdirectories(cacheDir)) {
    for (const owner of await subdirectories(host)) {
      for (const dir of await subdirectories(owner)) {
        if (!dir.endsWith('.git')) continue;
        const used = (await stat(path.join(dir, USED_MARKER)).catch(() => undefined)) ?? (await stat(dir).catch(() => undefined));
        found.push({ dir, usedAt: used?.mtimeMs ?? 0, bytes: (await sizeOf(dir)) + (await sizeOf(sparesDir(dir))) });
      }
    }
  }
  return found;
}

/** Removes a mirror only if no run holds its lock; a run in progress keeps its own hard links anyway. */
async function evict(cacheDir: string, dir: string): Promise<boolean> {
  const release = await tryLock(`${dir}.lock`);
  if (!release) return false;
  try {
    const aside = path.join(cacheDir, `.evicted-${randomUUID().slice(0, 8)}`);
    await rename(dir, aside);
    await rm(aside, { recursive: true, force: true });
    await rm(sparesDir(dir), { recursive: true, force: true });
    return true;
  } catch {
    return false;
  } finally {
    await release();
  }
}

const SWEEP_INTERVAL_MS = 10 * 60_000;
const lastSweep = new Map<string, number>();

/**
 * The sweep walks every file of the cache (a spare checkout of a large repository has many), so a
 * host does it at most once per ten minutes per cache directory rather than on every run.
 */
export async function sweepRepositoryCacheNow(cacheDir: string, bounds: CacheBounds): Promise<string[]> {
  const now = Date.now();
  if (now - (lastSweep.get(cacheDir) ?? 0) < SWEEP_INTERVAL_MS) return [];
  lastSweep.set(cacheDir, now);
  return sweepRepositoryCache(cacheDir, bounds, now);
}

/**
 * Keeps the cache within its bounds: mirrors unused for longer than `maxAgeMs` go, then the least
 * recently used until the total fits `maxBytes`. Returns what it removed (for the log).
 */
export async function sweepRepositoryCache(cacheDir: string, bounds: CacheBounds, now = Date.now()): Promise<string[]> {
  for (const leftover of (await readdir(cacheDir).catch(() => [] as string[])).filter((name) => name.startsWith('.evicted-'))) {
    await rm(path.join(cacheDir, leftover), { recursive: true, force: true });
  }
  const all = (await mirrors(cacheDir)).sort((a, b) => a.usedAt - b.usedAt);
  let total = all.reduce((sum, mirror) => sum + mirror.bytes, 0);
  const removed: string[] = [];
  for (const mirror of all) {
    const tooOld = now - mirror.usedAt > bounds.maxAgeMs;
    if (!tooOld && total <= bounds.maxBytes) continue;
    if (await evict(cacheDir, mirror.dir)) {
      total -= mirror.bytes;
      removed.push(mirror.dir);
    }
  }
  return removed;
}
