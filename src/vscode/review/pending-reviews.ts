// Pure: the waiting half of the review gate. The pipeline awaits `wait`; the panel, the notification or
// the Review Changes command answers with `decide`; cancelling the run rejects at once, so a cancel never
// hangs on a review nobody answers. Unit-tested in test/unit/vscode-pending-reviews.test.ts.
import { CancelledError, abortReason } from '../../core/errors/cancelled-error';
import type { ReviewRequest } from '../../core/pipeline/pipeline-deps';
import type { ReviewDecision } from '../../protocol/webview-messages';

interface Waiting {
  readonly review: ReviewRequest;
  readonly resolve: (decision: ReviewDecision) => void;
  readonly reject: (error: Error) => void;
  readonly detach: () => void;
}

export type PendingChangeListener = (requestId: string, pending: boolean) => void;

export class PendingReviews {
  private readonly waiting = new Map<string, Waiting>();
  private readonly listeners = new Set<PendingChangeListener>();

  wait(review: ReviewRequest, signal: AbortSignal): Promise<ReviewDecision> {
    if (signal.aborted) return Promise.reject(new CancelledError(abortReason(signal)));
    // A second gate call for the same run replaces the first; the first is answered "discard" so it ends.
    this.settle(review.requestId, (entry) => entry.resolve('discard'));
    return new Promise<ReviewDecision>((resolve, reject) => {
      const onAbort = () => this.settle(review.requestId, (entry) => entry.reject(new CancelledError(abortReason(signal))));
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.set(review.requestId, {
        review,
        resolve,
        reject,
        detach: () => signal.removeEventListener('abort', onAbort),
      });
      this.notify(review.requestId, true);
    });
  }

  /** False when the run is not waiting (already answered, cancelled, or unknown). */
  decide(requestId: string, decision: ReviewDecision): boolean {
    return this.settle(requestId, (entry) => entry.resolve(decision));
  }

  has(requestId: string): boolean {
    return this.waiting.has(requestId);
  }

  get(requestId: string): ReviewRequest | undefined {
    return this.waiting.get(requestId)?.review;
  }

  ids(): string[] {
    return [...this.waiting.keys()];
  }

  onDidChange(listener: PendingChangeListener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** The extension is going away: every waiting run is cancelled rather than left hanging. */
  dispose(): void {
    for (const requestId of [...this.waiting.keys()]) {
      this.settle(requestId, (entry) => entry.reject(new CancelledError('VS Code closed the extension before the review was answered.')));
    }
    this.listeners.clear();
  }

  private settle(requestId: string, answer: (entry: Waiting) => void): boolean {
    const entry = this.waiting.get(requestId);
    if (!entry) return false;
    this.waiting.delete(requestId);
    entry.detach();
    answer(entry);
    this.notify(requestId, false);
    return true;
  }

  private notify(requestId: string, pending: boolean): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(requestId, pending);
      } catch {
        // One broken listener must not keep the others (or the run) from hearing the answer.
      }
    }
  }
}
