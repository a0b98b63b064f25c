import { closeSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Which files of a log directory this process writes. The first process to claim the directory writes
 * the plain `<category>.log` files; a second process running at the same time (a second `serve`, the
 * CLI next to a server) gets its own `<category>.w<pid>.log` files. No two processes ever append to, or
 * rotate, the same file, so none loses or duplicates a line; the analyser reads every writer's files.
 */
export interface LogWriterClaim {
  /** Undefined for the primary writer (plain names); `w<pid>` otherwise. */
  readonly writer: string | undefined;
  release(): void;
}

const LOCK_FILE = '.writer.lock';

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function tryCreateLock(lock: string): boolean {
  try {
    const fd = openSync(lock, 'wx', 0o600);
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** Claims the plain file names if no live process holds them; otherwise names this process's own files. */
export function claimLogWriter(dir: string): LogWriterClaim {
  const lock = path.join(dir, LOCK_FILE);
  const secondary: LogWriterClaim = { writer: `w${process.pid}`, release: () => {} };
  const primary: LogWriterClaim = {
    writer: undefined,
    release: () => {
      if (readPid(lock) === process.pid) rmSync(lock, { force: true });
    },
  };
  if (tryCreateLock(lock)) return primary;
  const holder = readPid(lock);
  if (holder === process.pid) return primary;
  if (holder !== undefined && isAlive(holder)) return secondary;
  // The holder died without releasing: take over by renaming a fresh lock into place (atomic), then
  // check we won against another process doing the same.
  const mine = `${lock}.${process.pid}`;
  const fd = openSync(mine, 'w', 0o600);
  writeSync(fd, String(process.pid));
  closeSync(fd);
  renameSync(mine, lock);
  return readPid(lock) === process.pid ? primary : secondary;
}

function readPid(lock: string): number | undefined {
  try {
    const pid = Number(readFileSync(lock, 'utf8').trim());
    return Number.isInteger(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}
