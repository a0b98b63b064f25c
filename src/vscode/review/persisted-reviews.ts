// Pending reviews on disk (the extension's storage folder), so a window reload does not lose the agent's
// change: one JSON file per run, written when the run reaches review, removed once the user decides,
// discards or cancels. No `vscode` import: unit-tested with a temp dir (test/unit/vscode-persisted-reviews.test.ts).
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { z } from 'zod';
import type { FileChange } from '../../core/workspace/change-set';
import { ADDRESS_REVIEW_PROMPT, type RunRequest } from '../../protocol/run-request';

export const PersistedReviewSchema = z.object({
  version: z.literal(1),
  requestId: z.string().regex(/^[A-Za-z0-9_-]{1,200}$/),
  repoUrl: z.string().min(1).max(2048),
  prompt: z.string().min(1).max(20_000),
  base: z.string().max(255).optional(),
  /** A follow-up's review (issue 15): Create pushes one commit to this pull request, never a new PR. */
  pullRequest: z.number().int().positive().max(2_147_483_647).optional(),
  addressReview: z.boolean().optional(),
  savedAt: z.string(),
  changes: z.array(z.object({ path: z.string().min(1).max(4096), before: z.string().nullable(), after: z.string().nullable() })).max(10_000),
});
export type PersistedReview = z.infer<typeof PersistedReviewSchema>;

function fileOf(dir: string, requestId: string): string {
  return path.join(dir, `${requestId}.json`);
}

export class PersistedReviews {
  constructor(private readonly dir: string) {}

  /** Atomic (write then rename): a reload in the middle leaves the old file or the new one, never half. */
  async save(review: PersistedReview): Promise<void> {
    const parsed = PersistedReviewSchema.parse(review);
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const target = fileOf(this.dir, parsed.requestId);
    const temp = `${target}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify(parsed), { mode: 0o600 });
    await rename(temp, target);
  }

  async remove(requestId: string): Promise<void> {
    if (!PersistedReviewSchema.shape.requestId.safeParse(requestId).success) return;
    await rm(fileOf(this.dir, requestId), { force: true });
  }

  /** Every readable pending review; unreadable or foreign files are skipped (and reported). */
  async loadAll(onProblem: (file: string, problem: string) => void = () => undefined): Promise<PersistedReview[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const reviews: PersistedReview[] = [];
    for (const name of names.filter((entry) => entry.endsWith('.json')).sort()) {
      try {
        const parsed = PersistedReviewSchema.safeParse(JSON.parse(await readFile(path.join(this.dir, name), 'utf8')));
        if (parsed.success) reviews.push(parsed.data);
        else onProblem(name, parsed.error.issues[0]?.message ?? 'invalid');
      } catch (error) {
        onProblem(name, error instanceof Error ? error.message : String(error));
      }
    }
    return reviews;
  }
}

export function changesOf(review: PersistedReview): FileChange[] {
  return review.changes.map((change) => ({ path: change.path, before: change.before, after: change.after }));
}

/**
 * The run that replays a restored review: a follow-up goes back onto its pull request (its `base` was
 * the PR's head branch, which must not become the base of a new PR); anything else onto its base.
 */
export function replayRequestOf(review: PersistedReview): RunRequest {
  if (review.pullRequest === undefined) return { repoUrl: review.repoUrl, prompt: review.prompt, ...(review.base ? { base: review.base } : {}) };
  const ownPrompt = review.addressReview === true && review.prompt === ADDRESS_REVIEW_PROMPT ? undefined : review.prompt;
  return { repoUrl: review.repoUrl, pullRequest: review.pullRequest, ...(ownPrompt ? { prompt: ownPrompt } : {}), ...(review.addressReview ? { addressReview: true } : {}) };
}
