import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventStamper } from '../../src/core/pipeline/run-context';
import type { RunEvent, RunEventDraft } from '../../src/protocol/run-events';
import { MAX_ACTIVITY_ITEMS, applyEvent, applySnapshot, createModel, followablePullRequest, pullRequestOf, selectedRun, setReviewPending } from '../../src/webview/panel/panel-model';

function run(requestId: string) {
  const events: RunEvent[] = [];
  const stamper = new EventStamper(requestId, (event) => events.push(event), () => Date.parse('2025-01-01T00:00:00Z'));
  return { events, emit: (draft: RunEventDraft) => stamper.emit(draft) };
}

const start: RunEventDraft = { kind: 'run_started', type: 'info', message: 's', repo: 'https://github.com/octo/app', prompt: 'Fix it', dry_run: false };

describe('panel model', () => {
  it('tracks steps with state and duration, progress and cost', () => {
    const model = createModel();
    const { emit } = run('r1');
    applyEvent(model, emit(start));
    applyEvent(model, emit({ kind: 'step_started', type: 'info', step: 'validate', message: '', progress: 2 }));
    applyEvent(model, emit({ kind: 'step_finished', type: 'success', step: 'validate', message: '', duration_ms: 120, outcome: 'ok' }));
    applyEvent(model, emit({ kind: 'step_started', type: 'info', step: 'sandbox', message: '', progress: 8 }));
    applyEvent(model, emit({ kind: 'usage', type: 'info', message: '', usage: { provider: 'anthropic', input_tokens: 10, output_tokens: 5, cost_usd: 0.01 }, total_cost_usd: 0.01 }));
    const view = applyEvent(model, emit({ kind: 'usage', type: 'info', message: '', usage: { provider: 'anthropic', input_tokens: 10, output_tokens: 5, cost_usd: 0.02 }, total_cost_usd: 0.03 }));
    assert.equal(view.prompt, 'Fix it');
    assert.deepEqual(view.steps.slice(0, 3).map((step) => [step.name, step.state, step.durationMs]), [
      ['validate', 'ok', 120],
      ['sandbox', 'running', undefined],
      ['clone', 'pending', undefined],
    ]);
    assert.equal(view.progress, 8);
    assert.equal(view.costUsd, 0.03);
  });

  it('streams AI text into one growing item and keeps tool edits as old/new', () => {
    const model = createModel();
    const { emit } = run('r1');
    applyEvent(model, emit(start));
    applyEvent(model, emit({ kind: 'ai_message', type: 'ai_message', step: 'agent', provider: 'openai', message: 'I will ' }));
    applyEvent(model, emit({ kind: 'ai_message', type: 'ai_message', step: 'agent', provider: 'openai', message: 'edit.' }));
    const view = applyEvent(model, emit({ kind: 'tool', type: 'tool', step: 'agent', tool: 'Edit', filepath: 'a.ts', old_str: 'a', new_str: 'b', message: '' }));
    assert.equal(view.activity.length, 2);
    const [ai, tool] = view.activity;
    assert.ok(ai?.kind === 'ai' && ai.text === 'I will edit.' && ai.rev === 1);
    assert.ok(tool?.kind === 'tool' && tool.oldStr === 'a' && tool.newStr === 'b' && tool.filepath === 'a.ts');
  });

  it('ignores replayed events (seq at or below the last one)', () => {
    const model = createModel();
    const { emit } = run('r1');
    const first = emit(start);
    const thought = emit({ kind: 'thinking', type: 'thinking', step: 'agent', topic: 'plan', message: 'plan' });
    applyEvent(model, first);
    applyEvent(model, thought);
    applyEvent(model, thought);
    assert.equal(selectedRun(model)?.activity.length, 1);
  });

  it('follows review, completion with a PR link, failure and cancel', () => {
    const model = createModel();
    const { emit } = run('r1');
    applyEvent(model, emit(start));
    applyEvent(model, emit({ kind: 'step_started', type: 'info', step: 'pull_request', message: '' }));
    applyEvent(model, emit({ kind: 'review_required', type: 'info', step: 'pull_request', message: '', changed_files: [{ path: 'README.md', status: 'modified', additions: 1, deletions: 1 }] }));
    assert.equal(setReviewPending(model, 'r1', true)?.status, 'review');
    assert.equal(selectedRun(model)?.changedFiles.length, 1);
    setReviewPending(model, 'r1', false);
    const done = applyEvent(model, emit({ kind: 'completed', type: 'success', message: '', pr_url: 'https://github.com/octo/app/pull/9', pr_number: 9, changed_files: [], agent: 'offline', summary: 'Replaced', duration_ms: 900, dry_run: false }));
    assert.equal(done.status, 'completed');
    assert.equal(done.prUrl, 'https://github.com/octo/app/pull/9');
    assert.equal(done.reviewPending, false);

    const failing = run('r2');
    applyEvent(model, failing.emit(start));
    applyEvent(model, failing.emit({ kind: 'step_started', type: 'info', step: 'clone', message: '' }));
    const failed = applyEvent(model, failing.emit({ kind: 'failed', type: 'error', message: '', error: { code: 'git_failed', message: 'clone failed', remedy: 'check access' }, duration_ms: 5 }));
    assert.equal(failed.status, 'failed');
    assert.equal(failed.steps.find((step) => step.name === 'clone')?.state, 'failed');
    assert.equal(model.runs[0]?.requestId, 'r2', 'newest first');

    const cancelling = run('r3');
    applyEvent(model, cancelling.emit(start));
    applyEvent(model, cancelling.emit({ kind: 'step_started', type: 'info', step: 'agent', message: '' }));
    const cancelled = applyEvent(model, cancelling.emit({ kind: 'cancelled', type: 'error', message: '', reason: 'user', duration_ms: 5 }));
    assert.equal(cancelled.steps.find((step) => step.name === 'agent')?.state, 'cancelled');
  });

  it('restores from a snapshot: interrupted runs, pending reviews, the kept selection', () => {
    const first = run('old');
    const second = run('new');
    const oldEvents = [first.emit(start), first.emit({ kind: 'step_started', type: 'info', step: 'clone', message: '' })];
    const newEvents = [second.emit(start)];
    const previous = createModel();
    previous.selectedRunId = 'old';
    const model = applySnapshot(
      previous,
      [
        { requestId: 'new', repo: 'r', prompt: 'Fix it', startedAt: 't', interrupted: false, events: newEvents },
        { requestId: 'old', repo: 'r', prompt: 'Fix it', startedAt: 't', interrupted: true, events: oldEvents },
      ],
      ['new'],
    );
    assert.deepEqual(model.runs.map((view) => [view.requestId, view.status]), [
      ['new', 'review'],
      ['old', 'interrupted'],
    ]);
    assert.equal(selectedRun(model)?.requestId, 'old');
    assert.equal(model.runs[1]?.steps.find((step) => step.name === 'clone')?.state, 'cancelled');
  });

  it('caps the activity list and counts what it dropped', () => {
    const model = createModel();
    const { emit } = run('r1');
    applyEvent(model, emit(start));
    for (let index = 0; index < MAX_ACTIVITY_ITEMS + 5; index += 1) applyEvent(model, emit({ kind: 'thinking', type: 'thinking', topic: 'plan', message: `t${index}` }));
    const view = selectedRun(model);
    assert.equal(view?.activity.length, MAX_ACTIVITY_ITEMS);
    assert.equal(view?.droppedActivity, 5);
  });
  it('knows a follow-up: the PR it continued, its commit, and which runs may be followed up', () => {
    const model = createModel();
    const sha = 'b'.repeat(40);
    const follow = run('f1');
    applyEvent(model, follow.emit({ ...start, pull_request: 12, address_review: true }));
    const running = applyEvent(model, follow.emit({ kind: 'step_started', type: 'info', step: 'clone', message: '' }));
    assert.equal(running.followUpOf, 12);
    assert.equal(running.addressReview, true);
    assert.equal(pullRequestOf(running), 12, 'a running follow-up already belongs to its PR');
    assert.equal(followablePullRequest(running), undefined, 'nothing to follow up while it runs');
    const done = applyEvent(model, follow.emit({ kind: 'completed', type: 'success', message: '', pr_url: 'https://github.com/octo/app/pull/12', pr_number: 12, commit_sha: sha, changed_files: [], agent: 'anthropic', summary: '', duration_ms: 9, dry_run: false }));
    assert.equal(done.commitSha, sha);
    assert.equal(followablePullRequest(done), 12);

    const plain = run('p1');
    applyEvent(model, plain.emit(start));
    const dry = applyEvent(model, plain.emit({ kind: 'completed', type: 'success', message: '', changed_files: [], agent: 'offline', summary: '', duration_ms: 9, dry_run: true }));
    assert.equal(pullRequestOf(dry), undefined);
    assert.equal(followablePullRequest(dry), undefined);
    const discardedRun = run('d1');
    applyEvent(model, discardedRun.emit({ ...start, pull_request: 4 }));
    const discarded = applyEvent(model, discardedRun.emit({ kind: 'completed', type: 'success', message: '', pr_url: 'https://github.com/octo/app/pull/4', pr_number: 4, changed_files: [], agent: 'offline', summary: '', duration_ms: 9, dry_run: false, discarded: true }));
    assert.equal(followablePullRequest(discarded), undefined, 'a discarded follow-up pushed nothing');
  });
});
