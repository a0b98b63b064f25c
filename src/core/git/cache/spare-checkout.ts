import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { Git } from '../git';
import { acquireLock } from './directory-lock';
import { linkObjects } from './link-objects';

/**
 * Spare checkouts: a pristine work tree (and its index) of a recent base commit, written ahead of
 * time so the next run on the repository does not write every file again. A run claims a spare by
 * renaming it (atomic: two runs never get the same one), moves it into place as its checkout, and
 * `read-tree -u --reset` rewrites only the files that differ from its base commit. No sandbox has
 * ever seen a spare: it lives in the cache until the moment it becomes one run's checkout.
 */

const pending = new Set<Promise<void>>();
/** Half-built spares older than this were left by a host that stopped. */
const ABANDONED_AFTER_MS = 60 * 60_000;

export function sparesDir(mirror: string): string {
  return `${mirror}.spares`;
}

/** Resolves once no spare is being written in the background (bench and tests wait on this). */
export async function repositoryCacheIdle(): Promise<void> {
  while (pending.size > 0) await Promise.allSettled([...pending]);
}

/**
 * Moves a spare into `workDir` (which must be empty) and returns its index file, or undefined when
 * there is none. The index and the tree stay together under `claimDir`, inside the run directory.
 */
export async function claimSpare(mirror: string, workDir: string, claimDir: string): Promise<string | undefined> {
  const dir = sparesDir(mirror);
  const ready = (await readdir(dir).catch(() => [] as string[])).filter((name) => /^[0-9a-f]{8}$/.test(name));
  for (const name of ready) {
    try {
      await rename(path.join(dir, name), claimDir);
    } catch {
      continue; // Another run took it first.
    }
    await rmdir(workDir);
    await rename(path.join(claimDir, 'tree'), workDir);
    return path.join(claimDir, 'index');
  }
  return undefined;
}

/** Brings a claimed tree to `sha`: only differing files are written, files not in `sha` are removed. */
export async function syncClaimedTree(git: Git, gitDir: string, workDir: string, indexFile: string, sha: string, signal: AbortSignal): Promise<void> {
  await git.run(['--git-dir', gitDir, '--work-tree', workDir, 'read-tree', '-u', '--reset', sha], { signal, env: { GIT_INDEX_FILE: indexFile } });
}

async function buildSpare(git: Git, mirror: string, sha: string, signal: AbortSignal): Promise<void> {
  const dir = sparesDir(mirror);
  await mkdir(dir, { recursive: true });
  for (const name of await readdir(dir)) {
    if (!name.endsWith('.tmp')) continue;
    const info = await stat(path.join(dir, name)).catch(() => undefined);
    if (info && Date.now() - info.mtimeMs > ABANDONED_AFTER_MS) await rm(path.join(dir, name), { recursive: true, force: true });
  }
  // One spare per repository is enough for one user; a second concurrent run simply checks out in full.
  if ((await readdir(dir)).some((name) => /^[0-9a-f]{8}$/.test(name))) return;
  const id = randomUUID().slice(0, 8);
  const building = path.join(dir, `${id}.tmp`);
  try {
    await mkdir(path.join(building, 'tree'), { recursive: true });
    const gitDir = path.join(building, 'git');
    await git.run(['init', '--quiet', '--bare', '--template=', '--', gitDir], { signal });
    // Own links to the objects, taken under the lock, so an eviction or repack cannot pull them away.
    const release = await acquireLock(`${mirror}.lock`, signal);
    try {
      await linkObjects(mirror, gitDir);
    } finally {
      await release();
    }
    await git.run(['--git-dir', gitDir, '--work-tree', path.join(building, 'tree'), '-c', 'checkout.workers=0', 'read-tree', '-u', '--reset', sha], {
      signal,
      env: { GIT_INDEX_FILE: path.join(building, 'index') },
    });
    await rm(gitDir, { recursive: true, force: true });
    await rename(building, path.join(dir, id));
  } finally {
    await rm(building, { recursive: true, force: true });
  }
}

/**
 * Starts writing a spare of `sha` for the next run, in the background; failures only cost that
 * speed-up. It may finish after the run that started it, but a cancel of that run stops it at once.
 */
export function refillSpare(git: Git, mirror: string, sha: string, signal: AbortSignal, onError: (error: unknown) => void): void {
  const task = buildSpare(git, mirror, sha, signal).catch((error: unknown) => {
    if (!signal.aborted) onError(error);
  });
  pending.add(task);
  void task.finally(() => pending.delete(task));
}
