// Reconnecting with Last-Event-ID resumes exactly; a client that leaves POST /code cancels its run
// (unless it asked otherwise) and the run's temp dir is gone; stream tickets open one run's stream only.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { StreamTicketResponseSchema } from '../../src/protocol/http-api';
import { isTerminalEvent, type RunEvent } from '../../src/protocol/run-events';
import { PROMPT, readSse, registryEvent, startServerHarness, type ServerHarness } from '../support/server-harness';

const TICKET_TTL_MS = 60_000;
let clock = Date.now();
let h: ServerHarness;

before(async () => {
  h = await startServerHarness({ holdForReview: true, server: { ticketTtlMs: TICKET_TTL_MS, now: () => clock } });
});

after(async () => {
  await h.close();
});

function terminalOf(runId: string): Promise<RunEvent> {
  return registryEvent(h.registry, (event) => event.request_id === runId && isTerminalEvent(event));
}

function eventsFrom(runId: string, lastEventId: number | undefined, signal?: AbortSignal): Promise<Response> {
  return h.call(`/runs/${runId}/events`, { ...(lastEventId === undefined ? {} : { headers: { 'last-event-id': String(lastEventId) } }), ...(signal ? { signal } : {}) });
}

describe('reconnecting', () => {
  test('two disconnects and two Last-Event-ID reconnects lose and repeat nothing', async () => {
    const first = new AbortController();
    const started = await h.call('/code', { method: 'POST', json: { repoUrl: h.repoUrl(), prompt: PROMPT, options: { keepRunningOnDisconnect: true } }, signal: first.signal });
    const runId = started.headers.get('x-request-id') ?? '';
    const partOne = await readSse(started, {
      abort: first,
      until: (sofar) => sofar.events.some((event) => event.kind === 'step_finished' && event.step === 'clone'),
    });
    assert.ok(!partOne.endedByServer);
    const afterOne = partOne.events.at(-1)!.seq;

    const second = new AbortController();
    const partTwo = await readSse(await eventsFrom(runId, afterOne, second.signal), {
      abort: second,
      until: (sofar) => sofar.events.some((event) => event.kind === 'review_required'),
    });
    await h.held.reached(runId);
    assert.equal(h.registry.get(runId)?.status, 'running', 'neither disconnect cancelled the run');
    const afterTwo = partTwo.events.at(-1)!.seq;

    const third = await eventsFrom(runId, afterTwo);
    assert.equal(third.status, 200);
    h.held.release(runId);
    const partThree = await readSse(third);
    assert.ok(partThree.endedByServer);

    const all = [...partOne.events, ...partTwo.events, ...partThree.events];
    assert.equal(partTwo.events[0]?.seq, afterOne + 1, 'resumes right after the last event seen');
    assert.equal(partThree.events[0]?.seq, afterTwo + 1);
    assert.deepEqual(
      all.map((event) => event.seq),
      all.map((_event, index) => index + 1),
      'every seq exactly once, in order',
    );
    assert.equal(all.at(-1)?.kind, 'completed');
    assert.deepEqual(all, h.registry.history(runId), 'the pieces add up to the whole run');
  });

  test('a finished run replays in full, from any seq, and answers 204 when nothing is left', async () => {
    const [run] = h.registry.list();
    const history = h.registry.history(run!.requestId);
    const full = await readSse(await eventsFrom(run!.requestId, undefined));
    assert.deepEqual(full.events, history);

    const tail = await readSse(await eventsFrom(run!.requestId, history.length - 3));
    assert.deepEqual(tail.events, history.slice(-3));

    const viaQuery = await readSse(await h.call(`/runs/${run!.requestId}/events?lastEventId=${history.length - 1}`));
    assert.deepEqual(viaQuery.events, history.slice(-1));

    const nothing = await eventsFrom(run!.requestId, history.length);
    assert.equal(nothing.status, 204, 'tells an EventSource to stop reconnecting');
    assert.equal(await nothing.text(), '');
  });

  test('a Last-Event-ID that is not a seq is refused with 400', async () => {
    const [run] = h.registry.list();
    for (const bad of ['abc', '-1', '1.5', '9999999999']) {
      const response = await h.call(`/runs/${run!.requestId}/events`, { headers: { 'last-event-id': bad } });
      assert.equal(response.status, 400, bad);
      assert.equal((await response.json()).code, 'invalid_last_event_id');
    }
  });
});

describe('disconnecting from POST /code', () => {
  test('cancels the run: it ends cancelled, its temp dir is gone, nothing is pushed', async () => {
    const client = new AbortController();
    const branchesBefore = await h.github.branches('octo', 'widgets');
    const response = await h.call('/code', { method: 'POST', json: { repoUrl: h.repoUrl(), prompt: PROMPT }, signal: client.signal });
    const runId = response.headers.get('x-request-id') ?? '';
    const terminal = terminalOf(runId);
    const reading = readSse(response, { abort: client, until: (sofar) => sofar.events.some((event) => event.kind === 'review_required') });
    await h.held.reached(runId);
    assert.equal((await h.runDirs()).length, 1, 'the held run has its temp dir');
    await reading;

    const end = await terminal;
    assert.equal(end.kind, 'cancelled');
    assert.match(end.kind === 'cancelled' ? end.reason : '', /client .* disconnected/);
    assert.deepEqual(await h.runDirs(), [], 'the cancelled run removed its temp dir before its terminal event');
    assert.deepEqual(await h.github.branches('octo', 'widgets'), branchesBefore);
    assert.equal(h.registry.get(runId)?.status, 'cancelled');
  });

  test('leaving GET /runs/{id}/events never cancels', async () => {
    const starter = new AbortController();
    const response = await h.call('/code', { method: 'POST', json: { repoUrl: h.repoUrl(), prompt: PROMPT, options: { keepRunningOnDisconnect: true } }, signal: starter.signal });
    const runId = response.headers.get('x-request-id') ?? '';
    await readSse(response, { abort: starter, until: (sofar) => sofar.events.length >= 1 });
    await h.held.reached(runId);
    const watcher = new AbortController();
    await readSse(await eventsFrom(runId, 0, watcher.signal), { abort: watcher, until: (sofar) => sofar.events.length >= 3 });

    // If either disconnect had cancelled the run, the remaining stream would end in `cancelled`.
    const rest = eventsFrom(runId, h.registry.history(runId).length);
    h.held.release(runId);
    const reading = await readSse(await rest);
    assert.equal(reading.events.at(-1)?.kind, 'completed');
  });
});

describe('stream tickets', () => {
  let runId: string;
  let otherRunId: string;

  before(async () => {
    const runs = h.registry.list();
    runId = runs[0]!.requestId;
    otherRunId = runs[1]!.requestId;
  });

  async function mint(id: string) {
    const response = await h.call(`/runs/${id}/tickets`, { method: 'POST' });
    assert.equal(response.status, 201);
    return StreamTicketResponseSchema.parse(await response.json());
  }

  test('a ticket opens its run’s stream without the token, and again for a reconnect', async () => {
    const minted = await mint(runId);
    assert.equal(minted.runId, runId);
    assert.ok(!minted.eventsPath.includes(h.token), 'the long-lived token never enters a URL');
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const response = await fetch(`${h.url}${minted.eventsPath}`);
      assert.equal(response.status, 200);
      assert.deepEqual((await readSse(response)).events, h.registry.history(runId));
    }
  });

  test('a ticket opens nothing else: not another run, not another route', async () => {
    const minted = await mint(runId);
    const ticket = encodeURIComponent(minted.ticket);
    for (const pathname of [`/runs/${otherRunId}/events?ticket=${ticket}`, `/runs/${runId}?ticket=${ticket}`, `/runs?ticket=${ticket}`, `/openapi.json?ticket=${ticket}`]) {
      const response = await fetch(`${h.url}${pathname}`);
      assert.equal(response.status, 401, pathname);
      assert.equal((await response.json()).code, 'unauthorized');
    }
    assert.equal((await fetch(`${h.url}/runs/${runId}/events?ticket=not-a-ticket`)).status, 401);
  });

  test('a ticket expires', async () => {
    const minted = await mint(runId);
    assert.equal(Date.parse(minted.expiresAt), clock + TICKET_TTL_MS);
    clock += TICKET_TTL_MS + 1;
    const response = await fetch(`${h.url}${minted.eventsPath}`);
    assert.equal(response.status, 401);
    await response.body?.cancel();
  });
});
