import * as vscode from 'vscode';
import type { Logger } from '../../core/logging/logger';
import type { ReviewGate, ReviewRequest } from '../../core/pipeline/pipeline-deps';
import type { ReviewDecision } from '../../protocol/webview-messages';
import { CONTEXT_KEYS, setContextKey } from '../context-keys';
import { openReviewDiff } from './open-review-diff';
import { PendingReviews } from './pending-reviews';
import { registerReviewContentProvider } from './review-content-provider';
import { ReviewContentStore } from './review-content-store';

const CREATE = 'Create Pull Request';
const DISCARD = 'Discard';
const SHOW_DIFF = 'Show Diff';

/**
 * The VS Code review: holds a run before anything is pushed, shows its changes in the diff editor, and
 * takes the answer from the panel, the notification or the Review Changes command, whichever comes first.
 */
export class ReviewController implements vscode.Disposable {
  readonly pending = new PendingReviews();
  readonly store = new ReviewContentStore();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly logger: Logger,
    /** Where the run panel is, so diffs open beside it and never replace it. */
    private readonly panelColumn: () => vscode.ViewColumn | undefined,
  ) {
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
    void this.openDiff(review.requestId).catch((error: unknown) => this.logger.warn('could not open the review diff', { reason: String(error) }));
    void this.notify(review);
    const answer = await decision;
    this.logger.info('review answered', { decision: answer });
    return answer;
  };

  decide(requestId: string, decision: ReviewDecision): boolean {
    return this.pending.decide(requestId, decision);
  }

  async openDiff(requestId: string, filePath?: string): Promise<boolean> {
    return openReviewDiff(this.store, requestId, this.logger, this.panelColumn(), filePath);
  }

  dispose(): void {
    this.pending.dispose();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }

  /** A notification with the same choices as the panel; it comes back after Show Diff while still pending. */
  private async notify(review: ReviewRequest): Promise<void> {
    const count = review.changedFiles.length;
    const choice = await vscode.window.showInformationMessage(
      `Tiny Backspace: review ${count === 1 ? '1 changed file' : `${count} changed files`} before anything is pushed.`,
      CREATE,
      DISCARD,
      SHOW_DIFF,
    );
    if (!this.pending.has(review.requestId)) return;
    if (choice === CREATE) this.decide(review.requestId, 'create');
    else if (choice === DISCARD) this.decide(review.requestId, 'discard');
    else if (choice === SHOW_DIFF) {
      await this.openDiff(review.requestId);
      if (this.pending.has(review.requestId)) await this.notify(review);
    }
  }
}
