import * as vscode from 'vscode';
import type { Logger } from '../../core/logging/logger';
import type { ReviewGate, ReviewRequest } from '../../core/pipeline/pipeline-deps';
import type { ReviewDecision } from '../../protocol/webview-messages';
import { CONTEXT_KEYS, setContextKey } from '../context-keys';
import { closeReviewTabs } from './close-review-tabs';
import { openReviewDiff } from './open-review-diff';
import { PendingReviews } from './pending-reviews';
import { changesOf, type PersistedReview, type PersistedReviews } from './persisted-reviews';
import { registerReviewContentProvider } from './review-content-provider';
import { ReviewContentStore } from './review-content-store';

const CREATE = 'Create Pull Request';
const DISCARD = 'Discard';
const SHOW_DIFF = 'Show Diff';

export interface ReviewControllerDeps {
  readonly logger: Logger;
  /** Where the run panel is, so diffs open beside it and never replace it. */
  readonly panelColumn: () => vscode.ViewColumn | undefined;
  /** Pending reviews on disk, so a window reload keeps them. */
  readonly persisted: PersistedReviews;
  /** The run a review belongs to (repository, prompt, base), for the saved copy. */
  readonly describeRun: (requestId: string) => { repoUrl: string; prompt: string; base?: string; pullRequest?: number; addressReview?: boolean } | undefined;
  /** Create Pull Request on a review restored after a reload: a new run that replays the saved change. */
  readonly replay: (review: PersistedReview) => Promise<'completed' | 'not_completed'>;
}

/**
 * The VS Code review: holds a run before anything is pushed, shows its changes in the diff editor, and
 * takes the answer from the panel, the notification or the Review Changes command, whichever comes first.
 * While it waits the run holds no sandbox and no execution slot (the engine frees both first), and the
 * change is saved to the extension's storage, so a window reload brings the review back.
 */
export class ReviewController implements vscode.Disposable {
  readonly pending = new PendingReviews();
  readonly store = new ReviewContentStore();
  private readonly disposables: vscode.Disposable[] = [];
  /** Set while the extension host goes away (reload, close): saved reviews then stay on disk. */
  private closing = false;

  constructor(private readonly deps: ReviewControllerDeps) {
    this.disposables.push(
      registerReviewContentProvider(this.store),
      this.pending.onDidChange(() => void setContextKey(CONTEXT_KEYS.reviewPending, this.pending.ids().length > 0)),
    );
  }

  /** The gate handed to the pipeline for one run. */
  readonly gate: ReviewGate = async (review, signal) => {
    this.store.put(review.requestId, review.changes);
    const decision = this.pending.wait(review, signal);
    this.logger.info('review requested', { files: review.changedFiles.length });
    await this.save(review);
    void this.openDiff(review.requestId, undefined, true).catch((error: unknown) => this.logger.warn('could not open the review diff', { reason: String(error) }));
    void this.notify(review, 'run', this.deps.describeRun(review.requestId)?.pullRequest);
    try {
      const answer = await decision;
      this.logger.info('review answered', { decision: answer });
      await this.settled(review.requestId);
      return answer;
    } catch (error) {
      // Cancelled by the user: nothing to keep. Closing the window: the saved review comes back.
      if (!this.closing) await this.settled(review.requestId);
      throw error;
    }
  };

  /** Brings back the reviews saved before a window reload; each waits for Create or Discard again. */
  async restore(): Promise<number> {
    const saved = await this.deps.persisted.loadAll((file, problem) => this.logger.warn('skipped an unreadable saved review', { file, problem }));
    for (const record of saved) this.restoreOne(record);
    if (saved.length > 0) this.logger.info('restored pending reviews', { count: saved.length });
    return saved.length;
  }

  decide(requestId: string, decision: ReviewDecision): boolean {
    return this.pending.decide(requestId, decision);
  }

  async openDiff(requestId: string, filePath?: string, preserveFocus = false): Promise<boolean> {
    return openReviewDiff(this.store, requestId, this.logger, this.deps.panelColumn(), filePath, preserveFocus);
  }

  dispose(): void {
    this.closing = true;
    this.pending.dispose();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }

  private get logger(): Logger {
    return this.deps.logger;
  }

  private async save(review: ReviewRequest): Promise<void> {
    const run = this.deps.describeRun(review.requestId);
    if (!run) return;
    await this.deps.persisted
      .save({ version: 1, requestId: review.requestId, ...run, ...(review.baseRef ? { base: review.baseRef } : {}), savedAt: new Date().toISOString(), changes: review.changes.map((change) => ({ ...change })) })
      .catch((error: unknown) => this.logger.warn('could not save the pending review; a window reload would lose it', { reason: String(error) }));
  }

  private async settled(requestId: string): Promise<void> {
    await this.deps.persisted.remove(requestId).catch((error: unknown) => this.logger.warn('could not remove a saved review', { reason: String(error) }));
    await closeReviewTabs(requestId).catch((error: unknown) => this.logger.warn('could not close the review tabs', { reason: String(error) }));
  }

  private restoreOne(record: PersistedReview): void {
    const changes = changesOf(record);
    this.store.put(record.requestId, changes);
    const review: ReviewRequest = {
      requestId: record.requestId,
      changes,
      changedFiles: changes.map((change) => ({
        path: change.path,
        status: change.before === null ? 'added' : change.after === null ? 'deleted' : 'modified',
        additions: 0,
        deletions: 0,
      })),
      patch: '',
      baseRef: record.base ?? '',
    };
    // No run is behind a restored review, so nothing cancels it but Discard.
    const decision = this.pending.wait(review, new AbortController().signal);
    void this.notify(review, 'restored', record.pullRequest);
    void decision.then(
      async (answer) => {
        if (answer === 'discard') {
          await this.settled(record.requestId);
          void vscode.window.showInformationMessage('Tiny Backspace: the saved review was discarded; nothing was pushed.');
          return;
        }
        await closeReviewTabs(record.requestId).catch(() => undefined);
        const outcome = await this.deps.replay(record);
        if (outcome === 'completed') await this.deps.persisted.remove(record.requestId).catch(() => undefined);
        // Otherwise the saved review stays: it is offered again, and can still be discarded.
        else this.restoreOne(record);
      },
      () => undefined,
    );
  }

  /** A notification with the same choices as the panel; it comes back after Show Diff while still pending. */
  private async notify(review: ReviewRequest, origin: 'run' | 'restored' = 'run', pullRequest?: number): Promise<void> {
    const count = review.changedFiles.length;
    const files = count === 1 ? '1 changed file' : `${count} changed files`;
    // A follow-up's Create pushes one commit to its pull request (issue 15); the panel says the same.
    const create = pullRequest !== undefined ? `Push Commit to #${pullRequest}` : CREATE;
    const choice = await vscode.window.showInformationMessage(
      origin === 'restored' ? `Tiny Backspace: a review saved before the window reloaded is waiting (${files}). Nothing has been pushed.` : `Tiny Backspace: review ${files} before anything is pushed.`,
      create,
      DISCARD,
      SHOW_DIFF,
    );
    if (!this.pending.has(review.requestId)) return;
    if (choice === create) this.decide(review.requestId, 'create');
    else if (choice === DISCARD) this.decide(review.requestId, 'discard');
    else if (choice === SHOW_DIFF) {
      await this.openDiff(review.requestId);
      if (this.pending.has(review.requestId)) await this.notify(review, origin, pullRequest);
    }
  }
}
