import { lstat, readFile, realpath } from 'node:fs/promises';
import * as path from 'node:path';
import { isTinyBackspaceError } from '../errors/tiny-backspace-error';
import { ChangeSet, type BaseFile, type BaseTree, type FileMode } from './change-set';
import { normalizeRepoPath, resolveReadTarget, resolveWriteTarget } from './path-guard';

/** A file of the base commit as `git ls-tree` lists it. */
export interface TrackedFile {
  readonly path: string;
  readonly mode: FileMode;
  /** Blob id; lets a rename carry the exact bytes into the commit. */
  readonly blob?: string;
}

// ignoreBOM: a byte-order mark is part of the file's bytes and must survive an edit.
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** UTF-8 text, or undefined: a NUL byte or an invalid sequence means the bytes are not text. */
export function decodeText(bytes: Buffer): string | undefined {
  if (bytes.subarray(0, 8000).includes(0)) return undefined;
  try {
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR';
}

/**
 * The cloned tree as the agent sees it: the tracked files at the base commit plus the staged changes.
 * Reads are confined to the clone (which nothing runs in, so it stays the pristine base); writes go to
 * the change set.
 */
export class Workspace {
  readonly changes: ChangeSet;
  private readonly tracked: ReadonlyMap<string, TrackedFile>;

  constructor(
    /** Host directory holding the checkout. */
    readonly root: string,
    /** Files tracked at the base commit (git ls-tree), which already honours .gitignore. */
    baseFiles: ReadonlyArray<string | TrackedFile>,
  ) {
    this.tracked = new Map(baseFiles.map((entry) => (typeof entry === 'string' ? [entry, { path: entry, mode: '100644' as const }] : [entry.path, entry])));
    const base: BaseTree = {
      read: (relativePath) => this.readBase(relativePath),
      refusesWrite: (relativePath) => this.refusesWrite(relativePath),
    };
    this.changes = new ChangeSet(base);
  }

  /** Every file as of now: base files minus deletions plus additions, sorted. */
  files(): string[] {
    const result = new Set(this.tracked.keys());
    for (const change of this.changes.list()) {
      if (change.after === null) result.delete(change.path);
      else result.add(change.path);
    }
    return [...result].sort();
  }

  async read(relativePath: string): Promise<string | null> {
    return this.changes.read(normalizeRepoPath(relativePath));
  }

  private async readBase(relativePath: string): Promise<BaseFile | null> {
    const entry = this.tracked.get(relativePath);
    const target = await resolveReadTarget(this.root, relativePath);
    // Not a file of the commit, only reachable through a directory link (`lib/a.ts` with `lib -> src`):
    // the commit knows it as `src/a.ts`, so here it does not exist (and writing it is refused).
    if (entry === undefined && target !== path.join(await realpath(this.root), ...relativePath.split('/'))) return null;
    let bytes: Buffer;
    try {
      bytes = await readFile(target);
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
    const mode = entry?.mode ?? (await this.modeOnDisk(relativePath));
    const text = decodeText(bytes);
    return { text, mode, size: bytes.length, ...(text === undefined ? { lossy: bytes.toString('utf8') } : {}), ...(entry?.blob ? { blob: entry.blob } : {}) };
  }

  /** Only for files the caller did not describe (tests that build a workspace from a plain directory). */
  private async modeOnDisk(relativePath: string): Promise<FileMode> {
    const stats = await lstat(`${this.root}/${relativePath}`).catch(() => undefined);
    if (stats?.isSymbolicLink()) return '120000';
    return stats && (stats.mode & 0o111) !== 0 ? '100755' : '100644';
  }

  private async refusesWrite(relativePath: string): Promise<string | undefined> {
    try {
      await resolveWriteTarget(this.root, relativePath);
      return undefined;
    } catch (error) {
      if (isTinyBackspaceError(error) && error.code === 'unsafe_path') return error.message.replace(/^Refused the path "[^"]*": /, '').replace(/\.$/, '');
      throw error;
    }
  }
}
