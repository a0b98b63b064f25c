import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReviewContentStore, parseReviewUriPath, reviewUriPath } from '../../src/vscode/review/review-content-store';

describe('review contents for the diff editor', () => {
  it('serves both sides of each changed file; a missing side reads as empty', () => {
    const store = new ReviewContentStore();
    store.put('r1', [
      { path: 'README.md', before: 'Hello\n', after: 'Howdy\n' },
      { path: 'docs/new.md', before: null, after: '# New\n' },
      { path: 'old.txt', before: 'bye\n', after: null },
    ]);
    assert.deepEqual(store.files('r1'), [
      { path: 'README.md', status: 'modified' },
      { path: 'docs/new.md', status: 'added' },
      { path: 'old.txt', status: 'deleted' },
    ]);
    assert.equal(store.read('r1', 'base', 'README.md'), 'Hello\n');
    assert.equal(store.read('r1', 'change', 'README.md'), 'Howdy\n');
    assert.equal(store.read('r1', 'base', 'docs/new.md'), '');
    assert.equal(store.read('r1', 'change', 'old.txt'), '');
    assert.equal(store.read('r1', 'change', 'nope'), undefined);
  });

  it('keeps only the last few runs', () => {
    const store = new ReviewContentStore();
    for (let index = 0; index < 7; index += 1) store.put(`r${index}`, [{ path: 'a', before: 'x', after: 'y' }]);
    assert.equal(store.has('r0'), false);
    assert.equal(store.has('r1'), false);
    assert.equal(store.has('r6'), true);
    assert.deepEqual(store.files('r0'), []);
  });

  it('round-trips URI paths, nested and odd file names included', () => {
    for (const filePath of ['README.md', 'src/deep/a b.ts', 'weird/<img src=x>.md']) {
      assert.deepEqual(parseReviewUriPath(reviewUriPath('3f2a-11', 'change', filePath)), { requestId: '3f2a-11', side: 'change', filePath });
    }
    assert.equal(parseReviewUriPath('/only-one'), undefined);
    assert.equal(parseReviewUriPath('/r/sideways/a'), undefined);
  });
});
