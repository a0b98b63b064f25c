import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { STEP_NAMES } from '../../src/protocol/run-events';
import { RUN_STARTED, scriptedRun, startPanelFixture, type PanelFixture } from './panel-harness';

describe('run panel in Chromium', () => {
  let fixture: PanelFixture;
  before(async () => {
    fixture = await startPanelFixture();
  });
  after(async () => {
    await fixture?.dispose();
  });

  it('says ready first and posts nothing else on its own', async () => {
    const panel = await fixture.open();
    try {
      assert.deepEqual(await panel.posted(), [{ type: 'ready' }]);
      await panel.post({ type: 'snapshot', runs: [], pendingReviews: [] });
      await panel.page.getByTestId('empty-state').waitFor();
      assert.deepEqual(await panel.posted(), [{ type: 'ready' }]);
    } finally {
      await panel.close();
    }
  });

  it('streams a run: every step with state and duration, progress, cost, activity, PR button', async () => {
    const panel = await fixture.open();
    const { page } = panel;
    try {
      await panel.post({ type: 'snapshot', runs: [], pendingReviews: [] });
      const run = scriptedRun('run-1');
      await panel.post(run.emit(RUN_STARTED('replace "Hello" with "Howdy" in README.md')));
      for (const step of STEP_NAMES.slice(0, 4)) {
        await panel.post(run.emit({ kind: 'step_started', type: 'info', step, message: `Step ${step} started`, progress: 10 }));
        await panel.post(run.emit({ kind: 'step_finished', type: 'success', step, message: '', duration_ms: 1500, outcome: 'ok' }));
      }
      await panel.post(run.emit({ kind: 'step_started', type: 'info', step: 'agent', message: '', progress: 32 }));
      await panel.post(run.emit({ kind: 'thinking', type: 'thinking', step: 'agent', topic: 'provider', message: 'Using the offline agent: no API key is set.' }));
      await panel.post(run.emit({ kind: 'tool', type: 'tool', step: 'agent', tool: 'Read', filepath: 'README.md', message: 'Tool: Read README.md' }));
      await panel.post(run.emit({ kind: 'tool', type: 'tool', step: 'agent', tool: 'Edit', filepath: 'README.md', old_str: 'Hello', new_str: 'Howdy', message: 'Tool: Edit README.md' }));
      await panel.post(run.emit({ kind: 'ai_message', type: 'ai_message', step: 'agent', provider: 'anthropic', message: 'Replacing the ' }));
      await panel.post(run.emit({ kind: 'ai_message', type: 'ai_message', step: 'agent', provider: 'anthropic', message: 'greeting.' }));
      await panel.post(run.emit({ kind: 'usage', type: 'info', step: 'agent', message: '', usage: { provider: 'anthropic', input_tokens: 900, output_tokens: 100, cost_usd: 0.0123 }, total_cost_usd: 0.0123 }));

      await page.locator('[data-testid="step-agent"][data-state="running"]').waitFor();
      for (const step of STEP_NAMES.slice(0, 4)) {
        assert.equal(await page.getByTestId(`step-${step}`).getAttribute('data-state'), 'ok');
        assert.equal(await page.getByTestId(`step-${step}-duration`).textContent(), '1.5 s');
      }
      assert.equal(await page.getByTestId('step-pull_request').getAttribute('data-state'), 'pending');
      assert.equal(await page.getByTestId('run-status').getAttribute('data-state'), 'running');
      assert.equal(await page.getByTestId('progress').getAttribute('value'), '32');
      assert.equal(await page.getByTestId('cost').textContent(), ' $0.01');
      assert.equal(await page.getByTestId('activity-ai').locator('.ai-text').textContent(), 'Replacing the greeting.');
      const diffLines = await page.getByTestId('edit-diff').locator('.diff-line').allTextContents();
      assert.deepEqual(diffLines, ['- Hello', '+ Howdy']);

      await panel.post(run.emit({ kind: 'step_finished', type: 'success', step: 'agent', message: '', duration_ms: 65_000, outcome: 'ok' }));
      for (const step of ['apply', 'validate_changes', 'pull_request'] as const) {
        await panel.post(run.emit({ kind: 'step_started', type: 'info', step, message: '' }));
        await panel.post(run.emit({ kind: 'step_finished', type: 'success', step, message: '', duration_ms: 20, outcome: 'ok' }));
      }
      await panel.post(
        run.emit({
          kind: 'completed',
          type: 'success',
          message: 'Pull request ready',
          progress: 100,
          pr_url: 'https://github.com/octo/app/pull/12',
          pr_number: 12,
          branch: 'tiny-backspace/replace-hello-run1',
          changed_files: [{ path: 'README.md', status: 'modified', additions: 1, deletions: 1 }],
          agent: 'offline',
          summary: 'Replaced 1 occurrence.',
          duration_ms: 70_000,
          dry_run: false,
        }),
      );
      await page.locator('[data-testid="run-status"][data-state="completed"]').waitFor();
      for (const step of STEP_NAMES) assert.equal(await page.getByTestId(`step-${step}`).getAttribute('data-state'), 'ok', step);
      assert.equal(await page.getByTestId('step-agent-duration').textContent(), '1 min 5 s');
      assert.equal(await page.getByTestId('progress').getAttribute('value'), '100');
      await page.getByTestId('pr-link').click();
      assert.deepEqual((await panel.posted()).at(-1), { type: 'open_external', url: 'https://github.com/octo/app/pull/12' });
      assert.equal(await page.getByTestId('cancel-run').count(), 0, 'no cancel button on a finished run');
      assert.deepEqual(panel.foreignRequests, []);
    } finally {
      await panel.close();
    }
  });

  it('offers Create Pull Request / Discard / diffs while a review is pending, and Cancel while running', async () => {
    const panel = await fixture.open();
    const { page } = panel;
    try {
      const run = scriptedRun('run-review');
      await panel.post({ type: 'snapshot', runs: [], pendingReviews: [] });
      await panel.post(run.emit(RUN_STARTED('Add a changelog')));
      await panel.post(run.emit({ kind: 'step_started', type: 'info', step: 'pull_request', message: '', progress: 92 }));
      await panel.post(
        run.emit({
          kind: 'review_required',
          type: 'info',
          step: 'pull_request',
          message: 'Review 2 changed file(s)',
          changed_files: [
            { path: 'CHANGELOG.md', status: 'added', additions: 3, deletions: 0 },
            { path: 'src/app.ts', status: 'modified', additions: 1, deletions: 1 },
          ],
        }),
      );
      await panel.post({ type: 'review_state', requestId: 'run-review', pending: true });
      await page.getByTestId('review').waitFor();
      assert.equal(await page.getByTestId('run-status').getAttribute('data-state'), 'review');
      assert.deepEqual(await page.getByTestId('review-file').evaluateAll((items) => items.map((item) => (item as HTMLElement).dataset.path)), ['CHANGELOG.md', 'src/app.ts']);

      await page.getByTestId('review-file').nth(1).getByRole('button').click();
      await page.getByTestId('open-diff').click();
      await page.getByTestId('create-pr').click();
      await page.getByTestId('discard').click();
      await page.getByTestId('cancel-run').click();
      assert.deepEqual((await panel.posted()).slice(1), [
        { type: 'open_diff', requestId: 'run-review', path: 'src/app.ts' },
        { type: 'open_diff', requestId: 'run-review' },
        { type: 'review_decision', requestId: 'run-review', decision: 'create' },
        { type: 'review_decision', requestId: 'run-review', decision: 'discard' },
        { type: 'cancel_run', requestId: 'run-review' },
      ]);

      await panel.post({ type: 'review_state', requestId: 'run-review', pending: false });
      await page.getByTestId('review').waitFor({ state: 'detached' });
      await panel.post(run.emit({ kind: 'cancelled', type: 'error', message: 'Cancelled', reason: 'Cancelled from the Tiny Backspace panel.', duration_ms: 10 }));
      await page.locator('[data-testid="run-status"][data-state="cancelled"]').waitFor();
      assert.equal(await page.getByTestId('step-pull_request').getAttribute('data-state'), 'cancelled');
    } finally {
      await panel.close();
    }
  });

  it('keeps a history of runs, restores it from a snapshot, and remembers the chosen run across reloads', async () => {
    const first = scriptedRun('run-a');
    const second = scriptedRun('run-b');
    const aEvents = [first.emit(RUN_STARTED('First prompt')), first.emit({ kind: 'failed', type: 'error', message: 'x', error: { code: 'git_failed', message: 'Clone failed.', remedy: 'Check access.' }, duration_ms: 3 })];
    const bEvents = [second.emit(RUN_STARTED('Second prompt')), second.emit({ kind: 'step_started', type: 'info', step: 'clone', message: '' })];
    const snapshot = {
      type: 'snapshot',
      pendingReviews: [],
      runs: [
        { requestId: 'run-b', repo: 'https://github.com/octo/app', prompt: 'Second prompt', startedAt: '2025-05-01T09:00:00Z', interrupted: true, events: bEvents.map((message) => (message as { event: unknown }).event) },
        { requestId: 'run-a', repo: 'https://github.com/octo/app', prompt: 'First prompt', startedAt: '2025-05-01T08:00:00Z', interrupted: false, events: aEvents.map((message) => (message as { event: unknown }).event) },
      ],
    };
    const panel = await fixture.open();
    try {
      await panel.post(snapshot);
      await panel.page.locator('[data-testid="run-status"][data-state="interrupted"]').waitFor();
      assert.deepEqual(await panel.page.getByTestId('history-item').evaluateAll((items) => items.map((item) => `${(item as HTMLElement).dataset.requestId}:${(item as HTMLElement).dataset.state}`)), ['run-b:interrupted', 'run-a:failed']);
      await panel.page.locator('[data-testid="history-item"][data-request-id="run-a"]').click();
      await panel.page.getByTestId('run-error').waitFor();
      assert.equal(await panel.page.getByTestId('run-error').textContent(), ' Clone failed.');
      assert.equal(await panel.page.getByTestId('run-remedy').textContent(), 'Check access.');
      const state = await panel.page.evaluate(() => (window as unknown as { __state: unknown }).__state);
      assert.deepEqual(state, { selectedRunId: 'run-a' });
    } finally {
      await panel.close();
    }
    // A reloaded webview gets its saved state back from VS Code and the history from the host.
    const reloaded = await fixture.open({ savedState: { selectedRunId: 'run-a' } });
    try {
      await reloaded.post(snapshot);
      await reloaded.page.locator('[data-testid="run-status"][data-state="failed"]').waitFor();
      assert.equal(await reloaded.page.getByTestId('run-prompt').textContent(), 'First prompt');
      await reloaded.post({ type: 'select_run', requestId: 'run-b' });
      await reloaded.page.locator('[data-testid="run-status"][data-state="interrupted"]').waitFor();
    } finally {
      await reloaded.close();
    }
  });

  it('drops malformed host messages and keeps working', async () => {
    const panel = await fixture.open();
    try {
      const run = scriptedRun('run-x');
      await panel.post({ type: 'snapshot', runs: [], pendingReviews: [] });
      await panel.post({ type: 'event', requestId: 'run-x', event: { kind: 'run_started', prompt: 'no fields' } });
      await panel.post({ type: 'eval', code: 'window.__pwned = 1' });
      await panel.post('not even an object');
      const started = run.emit(RUN_STARTED('Valid prompt'));
      await panel.post({ ...(started as object), requestId: 'someone-else' });
      await panel.post(started);
      await panel.page.getByTestId('run-prompt').waitFor();
      assert.equal(await panel.page.getByTestId('run-prompt').textContent(), 'Valid prompt');
      assert.equal(await panel.page.getByTestId('history-item').count(), 1);
      assert.equal(await panel.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    } finally {
      await panel.close();
    }
  });
});
