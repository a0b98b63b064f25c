// Pure: the before/after contents of reviewed runs, served read-only to VS Code's diff editor through
// review-content-provider.ts. Only the last few runs are kept, so memory stays bounded.
import type { FileChange } from '../../core/workspace/change-set';

export type ReviewSide = 'base' | 'change';

export const REVIEW_URI_SCHEME = 'tiny-backspace';

const RETAINED_RUNS = 5;

export interface ReviewFile {
  readonly path: string;
  readonly status: 'added' | 'modified' | 'deleted';
}

/** URI path `/<requestId>/<side>/<file path>`; the file name stays last so editor tabs show it. */
export function reviewUriPath(requestId: string, side: ReviewSide, filePath: string): string {
  return `/${requestId}/${side}/${filePath}`;
}

export function parseReviewUriPath(uriPath: string): { requestId: string; side: ReviewSide; filePath: string } | undefined {
  const match = /^\/([^/]+)\/(base|change)\/(.+)$/s.exec(uriPath);
  if (!match) return undefined;
  const [, requestId = '', side, filePath = ''] = match;
  return { requestId, side: side === 'base' ? 'base' : 'change', filePath };
}

export class ReviewContentStore {
  private readonly runs = new Map<string, ReadonlyMap<string, FileChange>>();

  put(requestId: string, changes: readonly FileChange[]): void {
    this.runs.delete(requestId);
    this.runs.set(requestId, new Map(changes.map((change) => [change.path, change])));
    while (this.runs.size > RETAINED_RUNS) {
      const oldest = this.runs.keys().next().value;
      if (oldest === undefined) break;
      this.runs.delete(oldest);
    }
  }

  has(requestId: string): boolean {
    return this.runs.has(requestId);
  }

  files(requestId: string): ReviewFile[] {
    const changes = this.runs.get(requestId);
    if (!changes) return [];
    return [...changes.values()].map((change) => ({
      path: change.path,
      status: change.before === null ? 'added' : change.after === null ? 'deleted' : 'modified',
    }));
  }

  /** The text of one side; an absent side (a new or deleted file) reads as empty. Undefined: not kept. */
  read(requestId: string, side: ReviewSide, filePath: string): string | undefined {
    const change = this.runs.get(requestId)?.get(filePath);
    if (!change) return undefined;
    return (side === 'base' ? change.before : change.after) ?? '';
  }

  forget(requestId: string): void {
    this.runs.delete(requestId);
  }
}
