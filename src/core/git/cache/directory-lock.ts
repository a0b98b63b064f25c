import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import * as path from 'node:path';
import { CancelledError, abortReason } from '../../errors/cancelled-error';

interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly acquiredAt: number;
  readonly token: string;
}

export type ReleaseLock = () => Promise<void>;

const POLL_MS = 50;
/** A lock older than this is taken over even if its owner looks alive (another machine on a shared disk). */
const STALE_AFTER_MS = 30 * 60_000;
/** A lock directory still without an owner file after this long was left by a crash between mkdir and write. */
const UNOWNED_GRACE_MS = 10_000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readOwner(lockDir: string): Promise<LockOwner | undefined> {
  try {
    return JSON.parse(await readFile(path.join(lockDir, 'owner.json'), 'utf8')) as LockOwner;
  } catch {
    return undefined;
  }
}

async function isStale(lockDir: string, now: number): Promise<LockOwner | 'unowned' | undefined> {
  const owner = await readOwner(lockDir);
  if (!owner) {
    const info = await stat(lockDir).catch(() => undefined);
    return info && now - info.mtimeMs > UNOWNED_GRACE_MS ? 'unowned' : undefined;
  }
  if (owner.host === hostname() && !alive(owner.pid)) return owner;
  return now - owner.acquiredAt > STALE_AFTER_MS ? owner : undefined;
}

/** Moves a stale lock aside (atomically) only if it still belongs to the owner we judged stale. */
async function breakStaleLock(lockDir: string, judged: LockOwner | 'unowned'): Promise<void> {
  const current = await readOwner(lockDir);
  if (judged === 'unowned' ? current !== undefined : current?.token !== judged.token) return;
  const aside = `${lockDir}.stale-${randomUUID().slice(0, 8)}`;
  await rename(lockDir, aside).catch(() => undefined);
  await rm(aside, { recursive: true, force: true });
}

/** One attempt: the lock, or undefined when someone else holds it. */
export async function tryLock(lockDir: string): Promise<ReleaseLock | undefined> {
  try {
    await mkdir(lockDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const stale = await isStale(lockDir, Date.now());
    if (!stale) return undefined;
    await breakStaleLock(lockDir, stale);
    try {
      await mkdir(lockDir);
    } catch (again) {
      if ((again as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
      throw again;
    }
  }
  const owner: LockOwner = { pid: process.pid, host: hostname(), acquiredAt: Date.now(), token: randomUUID() };
  await writeFile(path.join(lockDir, 'owner.json'), JSON.stringify(owner));
  return async () => {
    if ((await readOwner(lockDir))?.token === owner.token) await rm(lockDir, { recursive: true, force: true });
  };
}

/**
 * A cross-process lock as a directory (mkdir is atomic on every filesystem we run on). A holder that
 * died (same machine, pid gone) or held it for 30 minutes is taken over, so a crash never wedges the
 * cache. `onWait` is called once if another run holds it, so the user sees why the step pauses.
 */
export async function acquireLock(lockDir: string, signal: AbortSignal, onWait?: () => void): Promise<ReleaseLock> {
  let told = false;
  for (;;) {
    if (signal.aborted) throw new CancelledError(abortReason(signal));
    const release = await tryLock(lockDir);
    if (release) return release;
    if (!told) {
      told = true;
      onWait?.();
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, POLL_MS);
      function done(): void {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
