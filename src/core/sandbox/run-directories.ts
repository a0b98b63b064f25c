import { hostname } from 'node:os';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { Logger } from '../logging/logger';

/** Each run's temporary directory under the temp root is named so, and holds OWNER_FILE. */
export const RUN_DIR_PREFIX = 'tiny-backspace-';
const OWNER_FILE = 'owner.json';
/** A run directory with no owner file (an older version, or a crash before it was written) is swept after this. */
const ORPHAN_AGE_MS = 24 * 60 * 60_000;

interface RunOwner {
  readonly pid: number;
  readonly host: string;
  readonly startedAt: string;
}

/** A fresh run directory that says which process owns it, so a later start can tell an abandoned one. */
export async function createRunDirectory(tempRoot: string): Promise<string> {
  const runDir = await mkdtemp(path.join(tempRoot, RUN_DIR_PREFIX));
  const owner: RunOwner = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  await writeFile(path.join(runDir, OWNER_FILE), `${JSON.stringify(owner)}\n`, { mode: 0o600 });
  return runDir;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it is just not ours to signal.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function isAbandoned(runDir: string, now: number): Promise<boolean> {
  const text = await readFile(path.join(runDir, OWNER_FILE), 'utf8').catch(() => undefined);
  if (text === undefined) {
    const info = await stat(runDir).catch(() => undefined);
    return info !== undefined && now - info.mtimeMs > ORPHAN_AGE_MS;
  }
  let owner: Partial<RunOwner>;
  try {
    owner = JSON.parse(text) as Partial<RunOwner>;
  } catch {
    return false;
  }
  // Another machine sharing the temp root (a network home) owns its own directories.
  if (owner.host !== hostname() || typeof owner.pid !== 'number') return false;
  return owner.pid !== process.pid && !isAlive(owner.pid);
}

const swept = new Map<string, Promise<number>>();

/**
 * Removes run directories left by a host process that died (a crash, a kill -9, a closed laptop lid) on
 * the next start: only directories whose owner process is gone from this machine, or that are ownerless
 * and older than a day. Once per temp root per process.
 */
export function sweepAbandonedRunDirectories(tempRoot: string, logger?: Logger, now: number = Date.now()): Promise<number> {
  const key = path.resolve(tempRoot);
  let sweep = swept.get(key);
  if (!sweep) {
    sweep = sweepNow(key, logger, now);
    swept.set(key, sweep);
  }
  return sweep;
}

async function sweepNow(tempRoot: string, logger: Logger | undefined, now: number): Promise<number> {
  const names = await readdir(tempRoot).catch(() => [] as string[]);
  let removed = 0;
  for (const name of names) {
    if (!name.startsWith(RUN_DIR_PREFIX)) continue;
    const runDir = path.join(tempRoot, name);
    const info = await stat(runDir).catch(() => undefined);
    if (!info?.isDirectory() || !(await isAbandoned(runDir, now))) continue;
    try {
      await rm(runDir, { recursive: true, force: true });
      removed += 1;
    } catch (error) {
      logger?.warn('Could not remove an abandoned run directory', { runDir, error: error instanceof Error ? error.message : String(error) });
    }
  }
  if (removed > 0) logger?.info(`Removed ${removed} temporary run director${removed === 1 ? 'y' : 'ies'} left by a process that ended without cleaning up`, { tempRoot });
  return removed;
}
