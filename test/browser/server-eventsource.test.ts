// A real browser against the local server: Debian Chromium (playwright-core) on a page served from an
// allowed origin mints a stream ticket (CORS preflight with the token) and follows a run with
// `EventSource`; a page from an origin not on the list gets nothing; /docs renders under its CSP.

import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium';
import { nullLogger, type LogFields } from '../../src/core/logging/logger';
import { PROMPT, readSse, startServerHarness, type ServerHarness } from '../support/server-harness';

let pages: Server;
let pagesPort: number;
let allowedOrigin: string;
let h: ServerHarness;
let browser: Browser;
/** The server's request log: method, path (never the query) and status of every answer. */
const served: LogFields[] = [];

/** The user's own tool: a blank page on another loopback port, i.e. another origin. */
function startPageServer(): Promise<Server> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><html><head><title>tool</title></head><body>tool</body></html>');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

before(async () => {
  pages = await startPageServer();
  pagesPort = (pages.address() as AddressInfo).port;
  allowedOrigin = `http://127.0.0.1:${pagesPort}`;
  h = await startServerHarness({ holdForReview: true, server: { allowedOrigins: [allowedOrigin], logger: { ...nullLogger, debug: (_message, fields) => fields && served.push(fields) } } });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await h?.close();
  await new Promise((resolve) => pages?.close(resolve));
});

async function openPage(origin: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(`${origin}/`);
  return page;
}

/** Starts a run from node that keeps going without its client, held at review until released. */
async function startHeldRun(): Promise<string> {
  const client = new AbortController();
  const response = await h.call('/code', { method: 'POST', json: { repoUrl: h.repoUrl(), prompt: PROMPT, options: { keepRunningOnDisconnect: true } }, signal: client.signal });
  const runId = response.headers.get('x-request-id') ?? '';
  await readSse(response, { abort: client, until: (sofar) => sofar.events.length > 0 });
  await h.held.reached(runId);
  return runId;
}

const KINDS = ['run_started', 'step_started', 'step_progress', 'step_finished', 'thinking', 'tool', 'ai_message', 'usage', 'checks', 'review_required', 'completed', 'failed', 'cancelled'];

test('an allowed page follows a run with EventSource and a stream ticket, and stops cleanly at the end', async () => {
  const runId = await startHeldRun();
  const page = await openPage(allowedOrigin);
  // In the page: mint a ticket with the token (a CORS preflight), then listen for every event kind.
  const opened = await page.evaluate(
    async ({ api, token, runId, kinds }) => {
      const response = await fetch(`${api}/runs/${runId}/tickets`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
      if (response.status !== 201) return { error: `ticket status ${response.status}` };
      const { eventsPath } = (await response.json()) as { eventsPath: string };
      const state = { events: [] as Array<{ id: string; kind: string; seq: number }>, errors: 0, source: new EventSource(`${api}${eventsPath}`) };
      (window as unknown as { runStream: typeof state }).runStream = state;
      for (const kind of kinds) {
        state.source.addEventListener(kind, (message) => {
          const event = JSON.parse((message as MessageEvent<string>).data) as { seq: number; kind: string };
          state.events.push({ id: (message as MessageEvent).lastEventId, kind: event.kind, seq: event.seq });
        });
      }
      state.source.onerror = () => {
        state.errors += 1;
      };
      return { eventsPath };
    },
    { api: h.url, token: h.token, runId, kinds: KINDS },
  );
  assert.ok('eventsPath' in opened, JSON.stringify(opened));
  assert.ok(!opened.eventsPath!.includes(h.token), 'the token never goes into the EventSource URL');

  await page.waitForFunction(() => (window as any).runStream.events.some((event: { kind: string }) => event.kind === 'review_required'));
  h.held.release(runId);
  // After `completed` the server ends the stream; the browser reconnects with Last-Event-ID and gets 204,
  // which closes the EventSource for good (readyState 2) instead of replaying anything.
  await page.waitForFunction(() => (window as any).runStream.source.readyState === 2);
  const seen = (await page.evaluate(() => (window as any).runStream.events)) as Array<{ id: string; kind: string; seq: number }>;

  const history = h.registry.history(runId);
  assert.deepEqual(
    seen.map((event) => event.seq),
    history.map((event) => event.seq),
    'every event once, in order, nothing after the reconnect',
  );
  assert.deepEqual(
    seen.map((event) => event.kind),
    history.map((event) => event.kind),
  );
  seen.forEach((event) => assert.equal(event.id, String(event.seq), 'lastEventId is the seq'));
  assert.equal(seen.at(-1)?.kind, 'completed');
  const streamAnswers = served.filter((entry) => entry.path === `/runs/${runId}/events`).map((entry) => entry.status);
  assert.deepEqual(streamAnswers, [200, 204], 'one stream, then the reconnect answered 204');
  assert.ok(served.every((entry) => !String(entry.path).includes('?')), 'query strings (tickets) stay out of the log');
  await page.close();
});

test('an allowed page can also start a run with fetch and read the stream and X-Request-Id', async () => {
  const page = await openPage(allowedOrigin);
  const started = page.evaluate(
    async ({ api, token, body }) => {
      const response = await fetch(`${api}/code`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      let text = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
      return { status: response.status, requestId: response.headers.get('X-Request-Id'), kinds: [...text.matchAll(/^event: (\w+)$/gm)].map((match) => match[1]) };
    },
    { api: h.url, token: h.token, body: { repoUrl: h.repoUrl(), prompt: PROMPT } },
  );
  // The run holds at review; find it in the registry and let it finish.
  const held = await new Promise<string>((resolve) => {
    const subscription = h.registry.subscribe((event) => {
      if (event.kind !== 'review_required') return;
      subscription.dispose();
      resolve(event.request_id);
    });
  });
  h.held.release(held);
  const result = await started;
  assert.equal(result.status, 200);
  assert.equal(result.requestId, held, 'the exposed header is readable cross-origin');
  assert.equal(result.kinds[0], 'run_started');
  assert.equal(result.kinds.at(-1), 'completed');
  await page.close();
});

test('a page from an origin not on the list can neither call the API nor open a stream', async () => {
  const runId = h.registry.list()[0]!.requestId;
  const ticketResponse = await h.call(`/runs/${runId}/tickets`, { method: 'POST' });
  const { eventsPath } = (await ticketResponse.json()) as { eventsPath: string };
  // Same page server, other host name: a different origin, not allow-listed.
  const page = await openPage(`http://localhost:${pagesPort}`);
  const outcome = await page.evaluate(
    async ({ api, token, runId, eventsPath }) => {
      // No local named functions here: the test transpiler would wrap them in a helper the page lacks.
      const [ticket, start] = await Promise.all(
        [
          fetch(`${api}/runs/${runId}/tickets`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } }),
          fetch(`${api}/code`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: '{}' }),
        ].map((call) => call.then((response) => `status ${response.status}`, (error: Error) => error.name)),
      );
      const stream = await new Promise<{ readyState: number; events: number }>((resolve) => {
        const source = new EventSource(`${api}${eventsPath}`);
        let events = 0;
        source.addEventListener('run_started', () => {
          events += 1;
        });
        source.onerror = () => {
          // A refused EventSource fails for good (readyState 2) rather than retrying.
          setTimeout(() => resolve({ readyState: source.readyState, events }), 0);
        };
      });
      return { ticket, start, stream };
    },
    { api: h.url, token: h.token, runId, eventsPath },
  );
  assert.equal(outcome.ticket, 'TypeError', 'the preflight is refused, so the browser blocks the call');
  assert.equal(outcome.start, 'TypeError');
  assert.deepEqual(outcome.stream, { readyState: 2, events: 0 });
  assert.equal(h.registry.list().length, 2, 'no run was started from the foreign page');
  await page.close();
});

test('/docs renders in the browser with its stylesheet and no CSP violation', async () => {
  const page = await browser.newPage();
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
  });
  const requests: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  const response = await page.goto(`${h.url}/docs`);
  assert.equal(response?.status(), 200);
  assert.equal(await page.title(), 'Tiny Backspace local server');
  const maxWidth = await page.evaluate(() => getComputedStyle(document.body).maxWidth);
  assert.equal(maxWidth, '960px', 'the hashed inline stylesheet applied');
  assert.deepEqual(violations, []);
  assert.deepEqual(
    requests.filter((url) => !url.startsWith(`${h.url}/docs`)),
    [],
    'the page loads nothing else',
  );
  await page.close();
});
