import { throwIfAborted } from '../errors/cancelled-error';
import { canParse, extractTags, type FileTags } from './extract-tags';
import { canTagWithRegex, fallbackTags } from './fallback-tags';
import { isVendoredOrGeneratedPath, skipReason } from './index-filters';
import { isBinaryPath } from './rank-files';

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

/** Adds tags for files of `request.order` not yet in the index, in order, until the deadline. */
export async function extendIndex(index: TagIndex, request: IndexRequest): Promise<IndexProgress> {
  const pending = request.order.filter((file) => !index.tags.has(file) && !index.skipped.has(file) && isTaggable(file));
  const reads = new Map<number, Promise<string | null>>();
  const startRead = (position: number): void => {
    const file = pending[position];
    if (file !== undefined && !reads.has(position)) reads.set(position, request.read(file).catch(() => null));
  };
  let parsed = 0;
  for (let position = 0; position < pending.length; position += 1) {
    throwIfAborted(request.signal);
    if (performance.now() >= request.deadline) return { parsed, complete: false };
    for (let ahead = position; ahead < Math.min(pending.length, position + READ_AHEAD); ahead += 1) startRead(ahead);
    const file = pending[position] ?? '';
    const content = await reads.get(position);
    reads.delete(position);
    if (content === null || content === undefined || skipReason(content) !== null) {
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
  }
  // Reads started ahead of a deadline still settle (their errors are already caught).
  return { parsed, complete: true };
}
