import { throwIfAborted } from '../errors/cancelled-error';
import { canParse, extractTags, type FileTags } from './extract-tags';
import { canTagWithRegex, fallbackTags } from './fallback-tags';
import { isVendoredOrGeneratedPath, skipReason } from './index-filters';
import { isBinaryPath } from './rank-files';
import type { ImportResolver } from './resolve-imports';

/**
 * Tags (definitions and references) per file, built incrementally: a run parses the most promising files
 * first until its time budget ends, and a later run on the same commit (see tag-index-cache.ts) carries on
 * from there instead of starting over.
 */
export interface TagIndex {
  readonly tags: Map<string, FileTags>;
  /** Files looked at and left out (binary, minified, generated, too large, unreadable): not retried. */
  readonly skipped: Set<string>;
}

export function emptyIndex(): TagIndex {
  return { tags: new Map(), skipped: new Set() };
}

export interface IndexRequest {
  /** Files in the order they should be parsed, most promising first. */
  readonly order: readonly string[];
  readonly read: (relativePath: string) => Promise<string | null>;
  /** performance.now() time after which no new file is started and a running parse is cancelled. */
  readonly deadline: number;
  readonly signal?: AbortSignal;
  /** Resolves imports, so imported files are parsed right after their importers. */
  readonly resolver?: ImportResolver;
}

export interface IndexProgress {
  /** Files parsed by this call. */
  readonly parsed: number;
  /** Whether every taggable file of `order` is now in the index (or skipped). */
  readonly complete: boolean;
}

const READ_AHEAD = 8;

export function isTaggable(relativePath: string): boolean {
  return (canParse(relativePath) || canTagWithRegex(relativePath)) && !isBinaryPath(relativePath) && !isVendoredOrGeneratedPath(relativePath);
}

/** Imports of this many of the first files in `order` are parsed next, before the rest of the order. */
const FOLLOW_IMPORTS_OF_FIRST = 200;

/**
 * Adds tags for files of `request.order` not yet in the index, in order, until the deadline. The files the
 * first ones import come right after them, so the definitions the best files use are known even when the
 * budget ends early on a huge repository.
 */
export async function extendIndex(index: TagIndex, request: IndexRequest): Promise<IndexProgress> {
  const done = (file: string): boolean => index.tags.has(file) || index.skipped.has(file);
  const pending = request.order.filter((file) => !done(file) && isTaggable(file));
  const reads = new Map<string, Promise<string | null>>();
  const readOf = (file: string): Promise<string | null> => {
    let read = reads.get(file);
    if (!read) {
      read = request.read(file).catch(() => null);
      reads.set(file, read);
    }
    return read;
  };
  const imported: string[] = [];
  let position = 0;
  let parsed = 0;
  for (;;) {
    throwIfAborted(request.signal);
    if (performance.now() >= request.deadline) return { parsed, complete: false };
    let file = imported.shift();
    const fromOrder = file === undefined;
    if (file === undefined) {
      while (position < pending.length && done(pending[position] ?? '')) position += 1;
      file = pending[position];
      if (file === undefined) break;
      position += 1;
      for (let ahead = position; ahead < Math.min(pending.length, position + READ_AHEAD); ahead += 1) if (!done(pending[ahead] ?? '')) void readOf(pending[ahead] ?? '');
    }
    if (done(file)) continue;
    const content = await readOf(file);
    reads.delete(file);
    if (content === null || skipReason(content) !== null) {
      index.skipped.add(file);
      continue;
    }
    const tags = canParse(file) ? await extractTags(file, content, request.deadline) : fallbackTags(file, content);
    if (tags === null) {
      // A parse cancelled at the deadline is retried by the next run; anything else is left out.
      if (performance.now() >= request.deadline) return { parsed, complete: false };
      index.skipped.add(file);
      continue;
    }
    index.tags.set(file, tags);
    parsed += 1;
    if (fromOrder && position <= FOLLOW_IMPORTS_OF_FIRST && request.resolver) {
      for (const specifier of tags.imports) for (const target of request.resolver.resolve(file, specifier)) if (!done(target) && isTaggable(target)) imported.push(target);
    }
  }
  return { parsed, complete: true };
}
