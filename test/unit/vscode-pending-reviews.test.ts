import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CancelledError } from '../../src/core/errors/cancelled-error';
import type { ReviewRequest } from '../../src/core/pipeline/pipeline-deps';
import { PendingReviews } from '../../src/vscode/review/pending-reviews';

function review(requestId: string): ReviewRequest {
  return {
    requestId,
    changes: [{ path: 'README.md', before: 'Hello\n', after: 'Howdy\n' }],
    changedFiles: [{ path: 'README.md', status: 'modified', additions: 1, deletions: 1 }],
    patch: '',
    baseRef: 'main',
  };
}

describe('the review gate waiting for an answer', () => {
  it('resolves with the first answer and ignores later ones', async () => {
    const reviews = new PendingReviews();
    const changes: Array<[string, boolean]> = [];
    reviews.onDidChange((requestId, pending) => changes.push([requestId, pending]));
    const decision = reviews.wait(review('r1'), new AbortController().signal);
    assert.deepEqual(reviews.ids(), ['r1']);
    assert.equal(reviews.get('r1')?.baseRef, 'main');
    assert.equal(reviews.decide('r1', 'create'), true);
    assert.equal(reviews.decide('r1', 'discard'), false, 'a second answer (e.g. a stale notification) is ignored');
    assert.equal(await decision, 'create');
    assert.deepEqual(changes, [
      ['r1', true],
      ['r1', false],
    ]);
    assert.equal(reviews.has('r1'), false);
  });

  it('rejects at once with CancelledError when the run is cancelled, so cancel never hangs', async () => {
    const reviews = new PendingReviews();
    const controller = new AbortController();
    const decision = reviews.wait(review('r2'), controller.signal);
    controller.abort('Cancelled from the panel.');
    await assert.rejects(decision, (error: unknown) => error instanceof CancelledError && error.message === 'Cancelled from the panel.');
    assert.equal(reviews.has('r2'), false);
    assert.equal(reviews.decide('r2', 'create'), false);
  });

  it('rejects immediately for an already-aborted signal', async () => {
    const reviews = new PendingReviews();
    const controller = new AbortController();
    controller.abort('gone');
    await assert.rejects(reviews.wait(review('r3'), controller.signal), CancelledError);
    assert.deepEqual(reviews.ids(), []);
  });

  it('cancels every waiting run when disposed', async () => {
    const reviews = new PendingReviews();
    const first = reviews.wait(review('a'), new AbortController().signal);
    const second = reviews.wait(review('b'), new AbortController().signal);
    reviews.dispose();
    await assert.rejects(first, CancelledError);
    await assert.rejects(second, CancelledError);
  });

  it('keeps runs apart', async () => {
    const reviews = new PendingReviews();
    const a = reviews.wait(review('a'), new AbortController().signal);
    const b = reviews.wait(review('b'), new AbortController().signal);
    reviews.decide('b', 'discard');
    reviews.decide('a', 'create');
    assert.deepEqual(await Promise.all([a, b]), ['create', 'discard']);
  });
});
