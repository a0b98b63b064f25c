import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventStamper } from '../../src/core/pipeline/run-context';
import type { RunEvent, RunEventDraft } from '../../src/protocol/run-events';
import { RunSnapshotSchema } from '../../src/protocol/webview-messages';
import { LIVE_LIMITS, STORED_LIMITS, TRUNCATION_MARK, appendCompacted } from '../../src/vscode/runs/compact-run-events';
import { HISTORY_STORAGE_KEY, RunHistory, type HistoryStorage } from '../../src/vscode/runs/run-history';
import { pullRequestOfRun, rerunOf } from '../../src/vscode/runs/run-pull-request';

/** Real stamped events, as the pipeline produces them. */
function run(requestId: string) {
  const events: RunEvent[] = [];
  let clock = Date.parse('2025-01-01T10:00:00Z');
  const stamper = new EventStamper(requestId, (event) => events.push(event), () => (clock += 10));
  return { events, emit: (draft: RunEventDraft) => stamper.emit(draft) };
}

function started(emit: (draft: RunEventDraft) => RunEvent, prompt = 'replace "Hello" with "Howdy" in README.md') {
  return emit({ kind: 'run_started', type: 'info', message: 'Starting', repo: 'https://github.com/octo/app', prompt, dry_run: false });
}

/** workspaceState as a Map that records every write (writes are async in VS Code too). */
function memento(initial?: unknown): HistoryStorage & { writes: number; value: () => unknown } {
  let stored = initial;
  const storage = {
    writes: 0,
    get: (key: string) => (key === HISTORY_STORAGE_KEY ? stored : undefined),
    update: async (key: string, value: unknown) => {
      assert.equal(key, HISTORY_STORAGE_KEY);
      storage.writes += 1;
      stored = JSON.parse(JSON.stringify(value));
    },
    value: () => stored,
  };
  return storage;
}

describe('compacting run events', () => {
  it('merges streamed AI deltas into one message with the newest seq', () => {
    const { emit } = run('r1');
    const list: RunEvent[] = [];
    for (const delta of ['Let me ', 'read ', 'the README.']) appendCompacted(list, emit({ kind: 'ai_message', type: 'ai_message', step: 'agent', provider: 'anthropic', message: delta }), LIVE_LIMITS);
    appendCompacted(list, emit({ kind: 'tool', type: 'tool', step: 'agent', tool: 'Read', filepath: 'README.md', message: 'Tool: Read README.md' }), LIVE_LIMITS);
    appendCompacted(list, emit({ kind: 'ai_message', type: 'ai_message', step: 'agent', provider: 'anthropic', message: 'Done.' }), LIVE_LIMITS);
    assert.deepEqual(list.map((event) => [event.kind, event.message, event.seq]), [
      ['ai_message', 'Let me read the README.', 3],
      ['tool', 'Tool: Read README.md', 4],
      ['ai_message', 'Done.', 5],
    ]);
  });

  it('shortens long tool payloads, drops the patch, and sheds the oldest activity first', () => {
    const { emit } = run('r1');
    const list: RunEvent[] = [];
    appendCompacted(list, started(emit), STORED_LIMITS);
    appendCompacted(list, emit({ kind: 'step_started', type: 'info', step: 'agent', message: 'agent' }), STORED_LIMITS);
    appendCompacted(list, emit({ kind: 'tool', type: 'tool', step: 'agent', tool: 'Bash', command: 'npm test', output: 'x'.repeat(5000), message: 'Tool: Bash' }), STORED_LIMITS);
    const tool = list[2];
    assert.ok(tool?.kind === 'tool' && tool.output?.length === STORED_LIMITS.maxFieldChars && tool.output.endsWith(TRUNCATION_MARK));
    for (let index = 0; index < STORED_LIMITS.maxEvents + 20; index += 1) {
      appendCompacted(list, emit({ kind: 'thinking', type: 'thinking', step: 'agent', topic: 'plan', message: `thought ${index}` }), STORED_LIMITS);
    }
    appendCompacted(
      list,
      emit({ kind: 'completed', type: 'success', message: 'done', changed_files: [], patch: 'diff --git a b', agent: 'offline', summary: 's', duration_ms: 5, dry_run: false }),
      STORED_LIMITS,
    );
    assert.equal(list.length, STORED_LIMITS.maxEvents);
    assert.deepEqual(list.slice(0, 2).map((event) => event.kind), ['run_started', 'step_started'], 'structure is never shed');
    const last = list[list.length - 1];
    assert.ok(last?.kind === 'completed' && !('patch' in last));
    assert.ok(!list.some((event) => event.message === 'thought 0'));
  });
});

describe('run history across window reloads', () => {
  it('restores finished runs and marks runs that never ended as interrupted', async () => {
    const storage = memento();
    const history = new RunHistory(storage);
    const done = run('done-run');
    history.record(started(done.emit, 'first'));
    history.record(done.emit({ kind: 'completed', type: 'success', message: 'ok', pr_url: 'https://github.com/octo/app/pull/1', changed_files: [], agent: 'offline', summary: '', duration_ms: 1, dry_run: false }));
    const live = run('live-run');
    history.record(started(live.emit, 'second'));
    history.record(live.emit({ kind: 'step_started', type: 'info', step: 'clone', message: 'clone' }));
    await history.flush();

    const reloaded = new RunHistory(memento(storage.value()));
    const runs = reloaded.snapshot();
    assert.deepEqual(runs.map((snapshot) => [snapshot.requestId, snapshot.prompt, snapshot.interrupted]), [
      ['live-run', 'second', true],
      ['done-run', 'first', false],
    ]);
    for (const snapshot of runs) assert.ok(RunSnapshotSchema.safeParse(snapshot).success);
  });

  it('ignores a replayed event and keeps only the newest runs', () => {
    const history = new RunHistory(memento(), { maxRuns: 2 });
    for (const id of ['a', 'b', 'c']) {
      const { emit } = run(id);
      const first = started(emit, id);
      history.record(first);
      history.record(first);
    }
    const runs = history.snapshot();
    assert.deepEqual(runs.map((snapshot) => snapshot.requestId), ['c', 'b']);
    assert.equal(runs[0]?.events.length, 1);
  });

  it('drops stored entries that no longer fit the schema instead of failing', () => {
    const good = run('good');
    const event = started(good.emit);
    const history = new RunHistory(memento([{ requestId: 'bad', events: 'nope' }, { requestId: 'good', repo: 'r', prompt: 'p', startedAt: event.timestamp, interrupted: false, events: [event] }]));
    assert.deepEqual(history.snapshot().map((snapshot) => snapshot.requestId), ['good']);
  });

  it('persists at step boundaries, not on every streamed delta', async () => {
    const storage = memento();
    const history = new RunHistory(storage);
    const { emit } = run('r');
    history.record(started(emit));
    for (let index = 0; index < 50; index += 1) history.record(emit({ kind: 'ai_message', type: 'ai_message', step: 'agent', provider: 'openai', message: 'x' }));
    await history.flush();
    assert.ok(storage.writes <= 3, `wrote ${storage.writes} times`);
  });

  it('keeps stored history under its byte budget by dropping the oldest runs', async () => {
    const storage = memento();
    const history = new RunHistory(storage, { maxStoredBytes: 6_000 });
    for (const id of ['old', 'mid', 'new']) {
      const { emit } = run(id);
      history.record(started(emit, id.repeat(400)));
      history.record(emit({ kind: 'step_started', type: 'info', step: 'validate', message: 'v' }));
    }
    await history.flush();
    const stored = storage.value() as Array<{ requestId: string }>;
    assert.ok(JSON.stringify(stored).length <= 6_000);
    assert.equal(stored[0]?.requestId, 'new');
    assert.ok(!stored.some((entry) => entry.requestId === 'old'));
  });

  it('clears finished and interrupted runs but keeps running ones', () => {
    const history = new RunHistory(memento());
    const finished = run('finished');
    history.record(started(finished.emit));
    history.record(finished.emit({ kind: 'cancelled', type: 'error', message: 'c', reason: 'user', duration_ms: 1 }));
    const running = run('running');
    history.record(started(running.emit));
    history.clearFinished();
    assert.deepEqual(history.snapshot().map((snapshot) => snapshot.requestId), ['running']);
  });
});

describe('run history and pull requests (issue 15)', () => {
  it('keeps the PR a follow-up continued, and the one it pushed to, through compaction and a reload', async () => {
    const storage = memento();
    const history = new RunHistory(storage);
    const { emit } = run('follow-1');
    history.record(emit({ kind: 'run_started', type: 'info', message: 'Starting', repo: 'https://github.com/octo/app', prompt: 'also handle the empty case', dry_run: false, pull_request: 12 }));
    // A long run: far more activity than the stored budget keeps.
    for (let index = 0; index < STORED_LIMITS.maxEvents + 50; index += 1) history.record(emit({ kind: 'thinking', type: 'thinking', step: 'agent', topic: 'plan', message: `step ${index}` }));
    history.record(emit({ kind: 'completed', type: 'success', message: 'Added', pr_url: 'https://github.com/octo/app/pull/12', pr_number: 12, commit_sha: 'c'.repeat(40), changed_files: [], agent: 'offline', summary: '', duration_ms: 5, dry_run: false }));
    await history.flush();

    const reloaded = new RunHistory(memento(storage.value())).snapshot();
    const [entry] = reloaded;
    assert.ok(entry);
    assert.deepEqual(pullRequestOfRun(entry.events), { number: 12, url: 'https://github.com/octo/app/pull/12', continued: true, addressReview: false, completed: true });
    assert.deepEqual(rerunOf(entry), { command: 'tinyBackspace.followUpPullRequest', args: { pullRequest: 12, repoUrl: 'https://github.com/octo/app', addressReview: false, prompt: 'also handle the empty case' } });
  });
});
