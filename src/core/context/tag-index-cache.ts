import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { Definition, FileTags } from './extract-tags';
import { emptyIndex, type TagIndex } from './tag-index';

/**
 * The tag index of a commit, kept by commit SHA: a commit's files never change, so its tags stay valid.
 * In memory for the life of the process (the extension host and the server run many prompts), and as one
 * JSON file per commit under the engine's temp root, so a new process on the same commit reuses it.
 * Prompt-dependent ranking is recomputed each run; it takes milliseconds once the tags exist.
 */

/** Bump when the tag format or the queries change, so older files are ignored. */
const FORMAT = 2;
const MEMORY_ENTRIES = 8;
/** Commits kept on disk; the least recently written go first. */
const DISK_ENTRIES = 16;
const COMMIT_SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

const memory = new Map<string, TagIndex>();

export type CacheSource = 'memory' | 'disk' | 'none';

interface StoredIndex {
  readonly format: number;
  readonly commit: string;
  readonly tags: ReadonlyArray<readonly [string, FileTags]>;
  readonly skipped: readonly string[];
}

export function isCommitSha(value: string | undefined): value is string {
  return value !== undefined && COMMIT_SHA.test(value);
}

function cacheFile(directory: string, commit: string): string {
  return path.join(directory, `repo-map-${commit}.json`);
}

function remember(commit: string, index: TagIndex): void {
  memory.delete(commit);
  memory.set(commit, index);
  while (memory.size > MEMORY_ENTRIES) {
    const oldest = memory.keys().next().value;
    if (oldest === undefined) break;
    memory.delete(oldest);
  }
}

function isFileTags(value: unknown): value is FileTags {
  const tags = value as { definitions?: unknown; references?: unknown } | null;
  return !!tags && Array.isArray(tags.definitions) && Array.isArray(tags.references) && Array.isArray((tags as { imports?: unknown }).imports) && tags.definitions.every((d: Definition) => typeof d?.name === 'string' && typeof d.text === 'string');
}

/** The cached index of `commit` (a copy the caller may extend), or an empty one. */
export async function loadIndex(commit: string, directory: string | undefined): Promise<{ index: TagIndex; source: CacheSource }> {
  const cached = memory.get(commit);
  if (cached) return { index: { tags: new Map(cached.tags), skipped: new Set(cached.skipped) }, source: 'memory' };
  if (directory) {
    try {
      const stored = JSON.parse(await readFile(cacheFile(directory, commit), 'utf8')) as StoredIndex;
      if (stored.format === FORMAT && stored.commit === commit && Array.isArray(stored.tags) && stored.tags.every(([file, tags]) => typeof file === 'string' && isFileTags(tags))) {
        const index: TagIndex = { tags: new Map(stored.tags), skipped: new Set(stored.skipped) };
        remember(commit, index);
        return { index: { tags: new Map(index.tags), skipped: new Set(index.skipped) }, source: 'disk' };
      }
    } catch {
      // Missing or unreadable: build afresh (a corrupt file is overwritten below).
    }
  }
  return { index: emptyIndex(), source: 'none' };
}

/** Keeps the index of `commit`; the disk copy is written atomically (temp file, then rename). */
export async function saveIndex(commit: string, index: TagIndex, directory: string | undefined): Promise<void> {
  remember(commit, index);
  if (!directory) return;
  const target = cacheFile(directory, commit);
  const temporary = `${target}.${process.pid}.${Date.now()}.tmp`;
  const stored: StoredIndex = { format: FORMAT, commit, tags: [...index.tags.entries()], skipped: [...index.skipped] };
  try {
    await mkdir(directory, { recursive: true });
    await writeFile(temporary, JSON.stringify(stored));
    await rename(temporary, target);
    await evictOldest(directory);
  } catch {
    // A cache that cannot be written costs the next run time, nothing else.
    await rm(temporary, { force: true }).catch(() => undefined);
  }
}

async function evictOldest(directory: string): Promise<void> {
  const names = (await readdir(directory)).filter((name) => /^repo-map-[0-9a-f]+\.json$/.test(name));
  if (names.length <= DISK_ENTRIES) return;
  const dated = await Promise.all(names.map(async (name) => ({ name, mtime: (await stat(path.join(directory, name)).catch(() => null))?.mtimeMs ?? 0 })));
  dated.sort((a, b) => b.mtime - a.mtime);
  await Promise.all(dated.slice(DISK_ENTRIES).map(({ name }) => rm(path.join(directory, name), { force: true })));
}

/** For tests: forget the in-memory copies. */
export function clearMemoryCache(): void {
  memory.clear();
}
