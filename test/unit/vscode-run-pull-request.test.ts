// The panel's Follow Up, Address Review Comments and Re-run of a follow-up (issue 15): which command runs
// with which pull request and repository, taken from the host's own history.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventStamper } from '../../src/core/pipeline/run-context';
import type { RunEvent, RunEventDraft } from '../../src/protocol/run-events';
import { parsePanelToHostMessage, type RunSnapshot } from '../../src/protocol/webview-messages';
import { followUpOf, pullRequestOfRun, rerunOf } from '../../src/vscode/runs/run-pull-request';

const REPO = 'https://github.com/octo/app';
const SHA = 'a'.repeat(40);

function snapshot(requestId: string, drafts: readonly RunEventDraft[], prompt: string): RunSnapshot {
  const events: RunEvent[] = [];
  const stamper = new EventStamper(requestId, (event) => events.push(event), () => Date.parse('2025-01-01T00:00:00Z'));
  for (const draft of drafts) stamper.emit(draft);
  return { requestId, repo: REPO, prompt, startedAt: '2025-01-01T00:00:00Z', interrupted: false, events };
}

const completed = (extra: Partial<Extract<RunEventDraft, { kind: 'completed' }>> = {}): RunEventDraft => ({
  kind: 'completed',
  type: 'success',
  message: 'done',
  changed_files: [{ path: 'README.md', status: 'modified', additions: 1, deletions: 1 }],
  agent: 'offline',
  summary: '',
  duration_ms: 10,
  dry_run: false,
  ...extra,
});

const started = (prompt: string, extra: Partial<Extract<RunEventDraft, { kind: 'run_started' }>> = {}): RunEventDraft => ({ kind: 'run_started', type: 'info', message: 's', repo: REPO, prompt, dry_run: false, ...extra });

const newPull = snapshot('new', [started('Fix it'), completed({ pr_number: 7, pr_url: `${REPO}/pull/7`, commit_sha: SHA })], 'Fix it');
const followUp = snapshot('follow', [started('Also the empty case', { pull_request: 7 }), completed({ pr_number: 7, pr_url: `${REPO}/pull/7`, commit_sha: SHA })], 'Also the empty case');
const review = snapshot('review', [started('Address review comments', { pull_request: 7, address_review: true }), completed({ pr_number: 7, pr_url: `${REPO}/pull/7` })], 'Address review comments');
const failedFollowUp = snapshot(
  'moved',
  [started('Rename it', { pull_request: 9 }), { kind: 'failed', type: 'error', message: 'moved', error: { code: 'pull_request_head_moved', message: 'moved' }, duration_ms: 5 }],
  'Rename it',
);
const noPull = snapshot('plain', [started('Fix it'), completed({ dry_run: true })], 'Fix it');

describe('runs and their pull requests', () => {
  it('knows the PR a run opened or continued, and whether it may be followed up', () => {
    assert.deepEqual(pullRequestOfRun(newPull.events), { number: 7, url: `${REPO}/pull/7`, continued: false, addressReview: false, completed: true });
    assert.deepEqual(pullRequestOfRun(followUp.events), { number: 7, url: `${REPO}/pull/7`, continued: true, addressReview: false, completed: true });
    assert.equal(pullRequestOfRun(review.events)?.addressReview, true);
    assert.deepEqual(pullRequestOfRun(failedFollowUp.events), { number: 9, continued: true, addressReview: false, completed: false });
    assert.equal(pullRequestOfRun(noPull.events), undefined);
    const discarded = snapshot('d', [started('x', { pull_request: 3 }), completed({ discarded: true })], 'x');
    assert.equal(pullRequestOfRun(discarded.events)?.completed, false);
  });

  it('Follow Up and Address Review Comments run the follow-up command with the run\'s PR and repository', () => {
    assert.deepEqual(followUpOf(newPull, 'prompt'), { command: 'tinyBackspace.followUpPullRequest', args: { pullRequest: 7, repoUrl: REPO, addressReview: false } });
    assert.deepEqual(followUpOf(followUp, 'address_review'), { command: 'tinyBackspace.followUpPullRequest', args: { pullRequest: 7, repoUrl: REPO, addressReview: true } });
    // Edit & Re-run of a follow-up: the input box opens with the old prompt; an address-review run has none of its own.
    assert.deepEqual(followUpOf(followUp, 'edit_prompt'), { command: 'tinyBackspace.followUpPullRequest', args: { pullRequest: 7, repoUrl: REPO, addressReview: false, draftPrompt: 'Also the empty case' } });
    assert.deepEqual(followUpOf(review, 'edit_prompt'), { command: 'tinyBackspace.followUpPullRequest', args: { pullRequest: 7, repoUrl: REPO, addressReview: false } });
  });

  it('refuses a follow-up of a run without a PR, or one no longer in the history, with a reason', () => {
    assert.match(String((followUpOf(noPull, 'prompt') as { problem?: string }).problem), /no pull request/);
    assert.match(String((followUpOf(undefined, 'address_review') as { problem?: string }).problem), /no longer in the history/);
    assert.match(String((rerunOf(undefined) as { problem?: string }).problem), /no longer in the history/);
  });

  it('Re-run of a follow-up continues on the same PR; a plain run re-runs the prompt', () => {
    assert.deepEqual(rerunOf(newPull), { command: 'tinyBackspace.runPrompt', args: { prompt: 'Fix it', repoUrl: REPO } });
    assert.deepEqual(rerunOf(followUp), { command: 'tinyBackspace.followUpPullRequest', args: { pullRequest: 7, repoUrl: REPO, addressReview: false, prompt: 'Also the empty case' } });
    assert.deepEqual(rerunOf(review), { command: 'tinyBackspace.followUpPullRequest', args: { pullRequest: 7, repoUrl: REPO, addressReview: true } });
    // A follow-up that failed (the head moved) re-runs on its PR too: that is how the user builds on the new head.
    assert.deepEqual(rerunOf(failedFollowUp), { command: 'tinyBackspace.followUpPullRequest', args: { pullRequest: 9, repoUrl: REPO, addressReview: false, prompt: 'Rename it' } });
  });

  it('the panel names only a run and an action; the host refuses anything else', () => {
    for (const action of ['prompt', 'edit_prompt', 'address_review']) assert.ok(parsePanelToHostMessage({ type: 'follow_up', requestId: 'r', action }).ok, action);
    for (const message of [
      { type: 'follow_up', requestId: 'r' },
      { type: 'follow_up', requestId: 'r', action: 'force_push' },
      { type: 'follow_up', requestId: '', action: 'prompt' },
      // The page cannot choose the pull request or the repository: those come from the host's history.
      { type: 'follow_up', requestId: 'r', action: 'prompt', pullRequest: 1 },
      { type: 'follow_up', requestId: 'r', action: 'prompt', repoUrl: 'https://github.com/evil/repo' },
    ]) {
      assert.equal(parsePanelToHostMessage(message).ok, false, JSON.stringify(message));
    }
  });
});
