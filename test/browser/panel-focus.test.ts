// Keyboard and screen-reader behaviour of the real run panel page in Chromium: the focused control is
// the same node however many events stream in, it works from the keyboard, and only one small status
// line is a live region.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RUN_STARTED, scriptedRun, startPanelFixture, type PanelFixture, type PanelPage } from './panel-harness';

/** Tags the element that has focus now, so a later check can tell "same node" from "a new twin". */
async function tagFocused(panel: PanelPage): Promise<string | undefined> {
  return panel.page.evaluate(() => {
    const active = document.activeElement as HTMLElement | null;
    if (!active || active === document.body) return undefined;
    (active as unknown as { __focusTag: string }).__focusTag = 'tagged';
    return active.dataset.testid;
  });
}

async function focusedIsTagged(panel: PanelPage): Promise<{ testId?: string; sameNode: boolean; connected: boolean }> {
  return panel.page.evaluate(() => {
    const active = document.activeElement as HTMLElement | null;
    return {
      ...(active?.dataset.testid ? { testId: active.dataset.testid } : {}),
      sameNode: (active as unknown as { __focusTag?: string } | null)?.__focusTag === 'tagged',
      connected: active?.isConnected ?? false,
    };
  });
}

describe('run panel keyboard focus and live region in Chromium', () => {
  let fixture: PanelFixture;
  before(async () => {
    fixture = await startPanelFixture();
  });
  after(async () => {
    await fixture?.dispose();
  });

  it('a focused Cancel keeps focus while events stream, and Enter cancels that run', async () => {
    const panel = await fixture.open();
    const { page } = panel;
    try {
      await panel.post({ type: 'snapshot', runs: [], pendingReviews: [] });
      const run = scriptedRun('run-focus');
      await panel.post(run.emit(RUN_STARTED('replace "Hello" with "Howdy" in README.md')));
      await panel.post(run.emit({ kind: 'step_started', type: 'info', step: 'agent', message: '', progress: 30 }));
      await page.getByTestId('cancel-run').focus();
      assert.equal(await tagFocused(panel), 'cancel-run');

      // A second run starts (it goes to the top of the history) and the first streams on.
      const other = scriptedRun('run-other');
      await panel.post(other.emit(RUN_STARTED('another prompt')));
      for (let index = 0; index < 60; index += 1) {
        await panel.post(run.emit({ kind: 'thinking', type: 'thinking', step: 'agent', topic: 'plan', message: `Thinking ${index}` }));
        if (index % 10 === 0) await panel.post(run.emit({ kind: 'usage', type: 'info', step: 'agent', message: '', usage: { provider: 'anthropic', input_tokens: index, output_tokens: 1, cost_usd: 0.001 * index }, total_cost_usd: 0.001 * index }));
        if (index % 15 === 0) await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
      }
      await page.getByTestId('activity-thinking').filter({ hasText: 'Thinking 59' }).waitFor();
      assert.deepEqual(await focusedIsTagged(panel), { testId: 'cancel-run', sameNode: true, connected: true }, 'focus left Cancel while the run streamed');

      await page.keyboard.press('Enter');
      const posted = await panel.posted();
      assert.deepEqual(posted.filter((message) => (message as { type: string }).type === 'cancel_run'), [{ type: 'cancel_run', requestId: 'run-focus' }]);
      assert.deepEqual(panel.pageErrors, []);
    } finally {
      await panel.close();
    }
  });

  it('a focused Create Pull Request keeps focus while the review bar is redrawn; Tab reaches Discard', async () => {
    const panel = await fixture.open();
    const { page } = panel;
    try {
      await panel.post({ type: 'snapshot', runs: [], pendingReviews: [] });
      const run = scriptedRun('run-review');
      await panel.post(run.emit(RUN_STARTED('prompt')));
      await panel.post(run.emit({ kind: 'review_required', type: 'info', step: 'pull_request', message: 'Review', changed_files: [{ path: 'README.md', status: 'modified', additions: 1, deletions: 1 }] }));
      await panel.post({ type: 'review_state', requestId: 'run-review', pending: true });
      await page.getByTestId('create-pr').focus();
      assert.equal(await tagFocused(panel), 'create-pr');
      for (let index = 0; index < 20; index += 1) await panel.post(run.emit({ kind: 'step_progress', type: 'info', step: 'pull_request', message: `waiting ${index}` }));
      await page.getByTestId('activity-note').filter({ hasText: 'waiting 19' }).waitFor();
      assert.deepEqual(await focusedIsTagged(panel), { testId: 'create-pr', sameNode: true, connected: true });
      await page.keyboard.press('Tab');
      assert.equal((await focusedIsTagged(panel)).testId, 'discard');
      await page.keyboard.press('Space');
      assert.deepEqual((await panel.posted()).filter((message) => (message as { type: string }).type === 'review_decision'), [{ type: 'review_decision', requestId: 'run-review', decision: 'discard' }]);
    } finally {
      await panel.close();
    }
  });

  it('one small role="status" line announces progress; the rest of the page is not live', async () => {
    const panel = await fixture.open();
    const { page } = panel;
    try {
      await panel.post({ type: 'snapshot', runs: [], pendingReviews: [] });
      const run = scriptedRun('run-live');
      await panel.post(run.emit(RUN_STARTED('prompt')));
      await panel.post(run.emit({ kind: 'step_started', type: 'info', step: 'clone', message: '', progress: 20 }));
      await page.locator('[data-testid="status-line"]', { hasText: 'Running: Clone' }).waitFor({ state: 'attached' });
      const live = await page.evaluate(() => [...document.querySelectorAll('[aria-live], [role="status"], [role="alert"], [role="log"]')].map((element) => element.id || element.tagName));
      assert.deepEqual(live, ['status'], 'only the status line may be a live region');
      await panel.post(run.emit({ kind: 'thinking', type: 'thinking', step: 'clone', topic: 'plan', message: 'noise' }));
      await panel.post(run.emit({ kind: 'failed', type: 'error', message: 'failed', error: { code: 'agent_failed', message: 'No provider could make the change.' }, duration_ms: 10 }));
      await page.locator('[data-testid="status-line"]', { hasText: 'Failed: No provider could make the change.' }).waitFor({ state: 'attached' });
    } finally {
      await panel.close();
    }
  });
});
