// POST /code against the real engine and the loopback GitHub: the SSE framing, a whole run to a real
// pull request, concurrent runs that each see only their own events, the run routes and the heartbeat.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RunListResponseSchema, RunSummarySchema } from '../../src/protocol/http-api';
import { isTerminalEvent, type RunEvent } from '../../src/protocol/run-events';
import { PROMPT, readSse, startServerHarness, type ServerHarness } from '../support/server-harness';

function assertContiguous(events: readonly RunEvent[], from = 1): void {
  events.forEach((event, index) => assert.equal(event.seq, from + index, `event ${index} has seq ${event.seq}`));
}

describe('a whole run over POST /code', () => {
  let h: ServerHarness;

  before(async () => {
    h = await startServerHarness({ repos: ['widgets', 'gadgets', 'gizmos'] });
  });

  after(async () => {
    await h.close();
  });

  test('streams id/event/data messages from run_started to completed, and opens the pull request', async () => {
    const response = await h.call('/code', { method: 'POST', json: { repoUrl: h.repoUrl(), prompt: PROMPT } });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const runId = response.headers.get('x-request-id') ?? '';
    assert.ok(runId.length > 0);

    const reading = await readSse(response);
    assert.ok(reading.endedByServer, 'the server ends the stream after the terminal event');
    const { messages, events } = reading;
    assert.equal(events[0]?.kind, 'run_started');
    const terminal = events.at(-1);
    assert.equal(terminal?.kind, 'completed', JSON.stringify(terminal));
    assert.equal(events.filter(isTerminalEvent).length, 1, 'exactly one terminal event');
    assertContiguous(events);
    messages.forEach((message, index) => {
      const event = events[index]!;
      assert.equal(message.id, String(event.seq), 'id: is the seq');
      assert.equal(message.event, event.kind, 'event: is the kind');
      assert.equal(event.request_id, runId);
    });
    for (const step of ['validate', 'sandbox', 'clone', 'analyze', 'agent', 'apply', 'validate_changes', 'pull_request']) {
      assert.ok(events.some((event) => event.kind === 'step_finished' && event.step === step && event.outcome === 'ok'), `step ${step} finished`);
    }
    assert.deepEqual(events, h.registry.history(runId), 'the stream is the registry record, nothing lost or added');

    const pulls = h.github.pulls('octo', 'widgets');
    assert.equal(pulls.length, 1);
    assert.equal(terminal?.kind === 'completed' ? terminal.pr_url : undefined, pulls[0]?.htmlUrl);
    const files = await h.github.readBranchFiles('octo', 'widgets', pulls[0]!.head);
    assert.equal(files['README.md'], 'Howdy from the widgets repository.\n');
    assert.deepEqual(await h.runDirs(), [], 'the run cleaned up after itself');
  });

  // Dry runs: the whole engine but the push, because Octokit's throttling spaces pull-request creation
  // 3 s apart across the process, which would only make this test slow, not more telling.
  test('concurrent runs each get only their own events', async () => {
    const repos = ['gadgets', 'gizmos', 'widgets'];
    const readings = await Promise.all(
      repos.map(async (repo, index) => {
        const response = await h.call('/code', {
          method: 'POST',
          json: { repoUrl: h.repoUrl(repo), prompt: `replace "Hello" with "Run ${index}" in README.md`, options: { dryRun: true } },
        });
        assert.equal(response.status, 200);
        return { repo, index, runId: response.headers.get('x-request-id') ?? '', reading: await readSse(response) };
      }),
    );
    assert.equal(new Set(readings.map(({ runId }) => runId)).size, repos.length, 'distinct runs');
    for (const { repo, index, runId, reading } of readings) {
      assert.ok(reading.events.every((event) => event.request_id === runId), `${repo}: only its own events`);
      assertContiguous(reading.events);
      assert.equal(reading.events.at(-1)?.kind, 'completed');
      const started = reading.events[0];
      assert.ok(started?.kind === 'run_started' && started.repo === h.repoUrl(repo));
      assert.ok(
        reading.events.some((event) => event.kind === 'tool' && event.tool === 'Edit' && event.new_str?.includes(`Run ${index}`)),
        `${repo}: its own edit`,
      );
      assert.deepEqual(reading.events, h.registry.history(runId));
    }
  });

  test('GET /runs lists runs newest first and GET /runs/{id} summarises one', async () => {
    const list = RunListResponseSchema.parse(await (await h.call('/runs')).json());
    assert.equal(list.runs.length, 4);
    const times = list.runs.map((run) => Date.parse(run.startedAt));
    assert.deepEqual(times, [...times].sort((a, b) => b - a));
    const newest = list.runs.find((run) => run.prUrl !== undefined)!;
    const one = RunSummarySchema.parse(await (await h.call(`/runs/${newest.requestId}`)).json());
    assert.equal(one.requestId, newest.requestId);
    assert.equal(one.status, 'completed');
    assert.equal(one.progress, 100);
    assert.equal(one.eventCount, h.registry.history(one.requestId).length);
    assert.match(one.prUrl ?? '', /\/octo\/\w+\/pull\/\d+$/);
  });

  test('DELETE on a finished run is 409 run_finished', async () => {
    const [finished] = h.registry.list();
    const response = await h.call(`/runs/${finished!.requestId}`, { method: 'DELETE' });
    assert.equal(response.status, 409);
    assert.equal((await response.json()).code, 'run_finished');
  });
});

describe('a run in progress', () => {
  let h: ServerHarness;

  before(async () => {
    h = await startServerHarness({ holdForReview: true, server: { heartbeatMs: 40 } });
  });

  after(async () => {
    await h.close();
  });

  test('a quiet stream carries heartbeat comments until the run goes on', async () => {
    const response = await h.call('/code', { method: 'POST', json: { repoUrl: h.repoUrl(), prompt: PROMPT } });
    const runId = response.headers.get('x-request-id') ?? '';
    let released = false;
    let heartbeatsBeforeHold: number | undefined;
    const reading = await readSse(response, {
      until: (sofar) => {
        const heartbeats = sofar.comments.filter((comment) => comment.trim() === 'heartbeat').length;
        if (heartbeatsBeforeHold === undefined && sofar.events.some((event) => event.kind === 'review_required')) heartbeatsBeforeHold = heartbeats;
        // Held at review, the run is silent: only heartbeats can arrive. Two of them, then let it finish.
        if (!released && heartbeatsBeforeHold !== undefined && heartbeats >= heartbeatsBeforeHold + 2) {
          released = true;
          h.held.release(runId);
        }
        return false;
      },
    });
    assert.ok(released);
    const reviewAt = reading.events.findIndex((event) => event.kind === 'review_required');
    assert.ok(reviewAt > 0);
    assert.equal(reading.events.at(-1)?.kind, 'completed');
    assert.equal(h.github.pulls('octo', 'widgets').length, 1);
  });

  test('DELETE /runs/{id} cancels: the stream ends with cancelled, the temp dir is gone, nothing is pushed', async () => {
    const response = await h.call('/code', { method: 'POST', json: { repoUrl: h.repoUrl(), prompt: PROMPT } });
    const runId = response.headers.get('x-request-id') ?? '';
    const streamed = readSse(response);
    await h.held.reached(runId);
    assert.equal((await h.runDirs()).length, 1, 'the held run owns a temp dir');
    const branchesBefore = await h.github.branches('octo', 'widgets');
    const pullsBefore = h.github.pulls('octo', 'widgets').length;

    const cancelled = await h.call(`/runs/${runId}`, { method: 'DELETE' });
    assert.equal(cancelled.status, 200);
    const summary = RunSummarySchema.parse(await cancelled.json());
    assert.equal(summary.status, 'cancelled');

    const reading = await streamed;
    assert.equal(reading.events.at(-1)?.kind, 'cancelled');
    assert.ok(reading.endedByServer);
    assert.deepEqual(await h.runDirs(), [], 'cancel removed the run directory before reporting the end');
    assert.deepEqual(await h.github.branches('octo', 'widgets'), branchesBefore, 'nothing was pushed');
    assert.equal(h.github.pulls('octo', 'widgets').length, pullsBefore, 'no new pull request');
  });
});
