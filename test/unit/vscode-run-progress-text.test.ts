import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventStamper } from '../../src/core/pipeline/run-context';
import type { RunEvent, RunEventDraft, TerminalEvent } from '../../src/protocol/run-events';
import { outcomeNotice, progressMessage } from '../../src/vscode/runs/run-progress-text';

function stamp(draft: RunEventDraft): RunEvent {
  let captured: RunEvent | undefined;
  new EventStamper('req', (event) => (captured = event), () => 0).emit(draft);
  if (!captured) throw new Error('no event');
  return captured;
}

describe('progress and outcome notifications', () => {
  it('says what the run is doing, and stays quiet for streamed text', () => {
    assert.equal(progressMessage(stamp({ kind: 'step_started', type: 'info', step: 'agent', message: '' })), 'The agent is working…');
    assert.equal(progressMessage(stamp({ kind: 'tool', type: 'tool', step: 'agent', tool: 'Edit', filepath: 'src/app.ts', message: '' })), 'Edit src/app.ts');
    assert.match(progressMessage(stamp({ kind: 'review_required', type: 'info', message: '', changed_files: [{ path: 'a', status: 'added', additions: 1, deletions: 0 }] })) ?? '', /review of 1 file/);
    const review = stamp({ kind: 'review_required', type: 'info', message: '', changed_files: [{ path: 'a', status: 'added', additions: 1, deletions: 0 }] });
    assert.match(progressMessage(review) ?? '', /Create Pull Request or Discard/);
    assert.match(progressMessage(review, 12) ?? '', /Push Commit to #12 or Discard/, 'a follow-up opens no pull request');
    assert.equal(progressMessage(stamp({ kind: 'ai_message', type: 'ai_message', provider: 'anthropic', message: 'hello' })), undefined);
    assert.equal(progressMessage(stamp({ kind: 'step_progress', type: 'info', step: 'clone', message: 'Cloned\n  main   at abc' })), 'Cloned main at abc');
  });

  it('offers the pull request link, names the error and its remedy, reports cancel and discard', () => {
    const completed = stamp({ kind: 'completed', type: 'success', message: 'm', pr_url: 'https://github.com/o/r/pull/3', pr_number: 3, changed_files: [], agent: 'offline', summary: '', duration_ms: 1, dry_run: false }) as TerminalEvent;
    assert.deepEqual(outcomeNotice(completed), { severity: 'info', message: 'Tiny Backspace: pull request #3 is ready.', url: 'https://github.com/o/r/pull/3' });
    const discarded = stamp({ kind: 'completed', type: 'success', message: 'm', changed_files: [], agent: 'offline', summary: '', duration_ms: 1, dry_run: false, discarded: true }) as TerminalEvent;
    assert.match(outcomeNotice(discarded).message, /discarded\. Nothing was pushed/);
    // A follow-up names the commit it added to the PR it continued.
    const added = { ...completed, commit_sha: 'c0ffee0'.padEnd(40, '1') };
    assert.deepEqual(outcomeNotice(added, 3), { severity: 'info', message: 'Tiny Backspace: added commit c0ffee0 to pull request #3.', url: 'https://github.com/o/r/pull/3' });
    assert.deepEqual(outcomeNotice(added), outcomeNotice(completed), 'a new PR is announced as before');
    const failed = stamp({ kind: 'failed', type: 'error', message: 'm', error: { code: 'github_token_missing', message: 'No GitHub token.', remedy: 'Sign in.' }, duration_ms: 1 }) as TerminalEvent;
    assert.deepEqual(outcomeNotice(failed), { severity: 'error', message: 'Tiny Backspace: No GitHub token. Sign in.' });
    const cancelled = stamp({ kind: 'cancelled', type: 'error', message: 'm', reason: 'Cancelled from the panel.', duration_ms: 1 }) as TerminalEvent;
    assert.equal(outcomeNotice(cancelled).severity, 'warning');
  });
});
