// The run panel's follow-up surface (issue 15) in Chromium: Follow Up and Address Review Comments on a
// run that left a PR open, "Added commit … to #N" for a follow-up, the history's PR link and actions,
// keyboard use, and hostile text (a prompt, a branch, a summary quoting a review comment) kept as text.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunEventDraft } from '../../src/protocol/run-events';
import { RUN_STARTED, scriptedRun, startPanelFixture, type PanelFixture } from './panel-harness';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const PR_URL = 'https://github.com/octo/app/pull/12';
const EVIL = '<img src=x onerror="window.__pwned=1">**review** <script>window.__pwned=2</script>';

function completed(extra: Partial<Extract<RunEventDraft, { kind: 'completed' }>> = {}): RunEventDraft {
  return {
    kind: 'completed',
    type: 'success',
    message: 'done',
    progress: 100,
    pr_url: PR_URL,
    pr_number: 12,
    changed_files: [{ path: 'README.md', status: 'modified', additions: 1, deletions: 1 }],
    agent: 'offline',
    summary: '',
    duration_ms: 1_000,
    dry_run: false,
    ...extra,
  };
}

function followUpStarted(prompt: string, extra: { pull_request: number; address_review?: boolean }): RunEventDraft {
  return { kind: 'run_started', type: 'info', message: 'Starting run', repo: 'https://github.com/octo/app', prompt, dry_run: false, ...extra };
}

describe('run panel: follow-ups in Chromium', () => {
  let fixture: PanelFixture;
  before(async () => {
    fixture = await startPanelFixture();
  });
  after(async () => {
    await fixture?.dispose();
  });

  it('a run that opened a PR offers Follow Up and Address Review Comments, by mouse and keyboard', async () => {
    const panel = await fixture.open();
    const { page } = panel;
    try {
      await panel.post({ type: 'snapshot', runs: [], pendingReviews: [] });
      const run = scriptedRun('run-new');
      await panel.post(run.emit(RUN_STARTED('replace "Hello" with "Howdy" in README.md')));
      await page.getByTestId('run-status').waitFor();
      assert.equal(await page.getByTestId('follow-up').count(), 0, 'no follow-up while the run has no PR');
      await panel.post(run.emit(completed({ commit_sha: SHA, branch: 'tiny-backspace/howdy' })));
      await page.getByTestId('follow-up').waitFor();
      assert.equal(await page.getByTestId('follow-up-commit').count(), 0, 'a new PR is not a follow-up');

      await page.getByTestId('follow-up').click();
      // Keyboard only: Tab lands on the next button, Enter presses it.
      await page.getByTestId('follow-up').focus();
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.testid), 'address-review');
      await page.keyboard.press('Enter');
      // The page names the run and the action only: the host looks up the PR and repository itself.
      assert.deepEqual((await panel.posted()).slice(1), [
        { type: 'follow_up', requestId: 'run-new', action: 'prompt' },
        { type: 'follow_up', requestId: 'run-new', action: 'address_review' },
      ]);

      // The history links the run to its PR and offers the same two actions.
      const link = page.getByTestId('history-pr-link');
      assert.equal(await link.getAttribute('data-url'), PR_URL);
      assert.equal((await link.textContent())?.trim(), 'Pull request #12');
      await link.click();
      await page.getByTestId('history-follow-up').click();
      await page.getByTestId('history-address-review').click();
      assert.equal(await page.getByTestId('history-follow-up').getAttribute('aria-label'), 'Follow Up on #12');
      assert.deepEqual((await panel.posted()).slice(3), [
        { type: 'open_external', url: PR_URL },
        { type: 'follow_up', requestId: 'run-new', action: 'prompt' },
        { type: 'follow_up', requestId: 'run-new', action: 'address_review' },
      ]);
      assert.deepEqual(panel.pageErrors, []);
    } finally {
      await panel.close();
    }
  });

  it('a follow-up says which PR it continued and the commit it added; its Edit & Re-run continues that PR', async () => {
    const panel = await fixture.open();
    const { page } = panel;
    try {
      await panel.post({ type: 'snapshot', runs: [], pendingReviews: [] });
      const run = scriptedRun('run-follow');
      await panel.post(run.emit(followUpStarted(EVIL, { pull_request: 12 })));
      await page.getByTestId('follow-up-of').waitFor();
      assert.equal((await page.getByTestId('follow-up-of').textContent())?.trim(), 'Follow-up on pull request #12');
      assert.match((await page.getByTestId('history-item').textContent()) ?? '', /follow-up on #12/, 'a running follow-up names its PR');
      await panel.post(run.emit(completed({ commit_sha: SHA, branch: `feature/${EVIL}`, summary: `Quoted comment: ${EVIL}` })));
      await page.getByTestId('follow-up-commit').waitFor();
      assert.equal((await page.getByTestId('history-pr-link').textContent())?.trim(), 'Follow-up on #12');
      assert.equal(await page.getByTestId('follow-up-commit').textContent(), ` Added commit 0123456 to #12 on feature/${EVIL}`);
      assert.equal(await page.getByTestId('follow-up-commit').getAttribute('data-commit'), SHA);
      // Hostile text stays text: no element was made from it, no script ran.
      assert.equal(await page.getByTestId('run-prompt').textContent(), EVIL);
      assert.equal(await page.locator('img, script:not([nonce])').count(), 0);
      assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);

      await page.getByTestId('edit-rerun').click();
      await page.getByTestId('rerun').click();
      assert.deepEqual((await panel.posted()).slice(1), [
        { type: 'follow_up', requestId: 'run-follow', action: 'edit_prompt' },
        { type: 'rerun', requestId: 'run-follow' },
      ]);
      assert.equal(await page.getByTestId('compose').isVisible(), false, 'the new-PR form did not open for a follow-up');
      assert.match((await page.getByTestId('rerun').getAttribute('title')) ?? '', /pull request #12/);
      assert.deepEqual(panel.foreignRequests, []);
    } finally {
      await panel.close();
    }
  });

  it('an address-review run says so; failed or discarded runs offer no follow-up', async () => {
    const panel = await fixture.open();
    const { page } = panel;
    try {
      const review = scriptedRun('run-review');
      const failed = scriptedRun('run-failed');
      const discarded = scriptedRun('run-discarded');
      await panel.post({ type: 'snapshot', runs: [], pendingReviews: [] });
      await panel.post(failed.emit(followUpStarted('Rename it', { pull_request: 12 })));
      await panel.post(failed.emit({ kind: 'failed', type: 'error', message: 'closed', error: { code: 'pull_request_closed', message: 'Pull request #12 is closed.' }, duration_ms: 5 }));
      await panel.post(discarded.emit(RUN_STARTED('Try it')));
      await panel.post(discarded.emit(completed({ discarded: true })));
      await panel.post(review.emit(followUpStarted('Address review comments', { pull_request: 12, address_review: true })));
      await panel.post({ type: 'select_run', requestId: 'run-review' });
      await page.locator('[data-testid="follow-up-of"]', { hasText: 'Addressing review comments on pull request #12' }).waitFor();

      await panel.post({ type: 'select_run', requestId: 'run-failed' });
      await page.locator('[data-testid="run-status"][data-state="failed"]').waitFor();
      assert.equal(await page.getByTestId('follow-up').count(), 0);
      assert.equal(await page.locator('[data-testid="history-follow-up"]').count(), 0, 'no history entry offers a follow-up');
      // The failed follow-up still names its PR in the history, without a link it does not know.
      assert.match((await page.locator('[data-testid="history-item"][data-request-id="run-failed"]').textContent()) ?? '', /follow-up on #12/);
      await panel.post({ type: 'select_run', requestId: 'run-discarded' });
      await page.locator('[data-testid="run-status"][data-state="completed"]').waitFor();
      assert.equal(await page.getByTestId('follow-up').count(), 0);
    } finally {
      await panel.close();
    }
  });
});
