// Two `tiny-backspace serve` processes on one real redis-server: a run started on A streams on B with
// exact replay from any Last-Event-ID, is cancelled from B, and frees its admission slot across both.

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createParser } from 'eventsource-parser';
import { RunEventSchema, type RunEvent } from '../../src/protocol/run-events';
import { startGitHubStandIn, type GitHubStandIn } from '../support/github-stand-in';
import { startRedisServer, type RedisServer } from '../support/redis-server';

const ROOT = path.resolve(__dirname, '../..');
const TOKEN = `team-token-${'t'.repeat(40)}`;

interface Serve {
  readonly child: ChildProcess;
  readonly url: string;
  readonly exited: Promise<number | null>;
}

let redis: RedisServer;
let github: GitHubStandIn;
let home: string;
/** Git requests go here and are never answered: a run provably stays in its clone step until cancelled. */
let blackHole: Server;
let holePort: number;
const sockets = new Set<Socket>();
const serves: Serve[] = [];

before(async () => {
  redis = await startRedisServer();
  github = await startGitHubStandIn();
  await github.createRepo('octo', 'widgets', { files: { 'README.md': 'Hello\n' } });
  home = await mkdtemp(path.join(tmpdir(), 'tb-redis-home-'));
  blackHole = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
  holePort = (blackHole.address() as { port: number }).port;
});

after(async () => {
  for (const serve of serves) if (serve.child.exitCode === null) serve.child.kill('SIGTERM');
  await Promise.all(serves.map((serve) => serve.exited));
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => blackHole.close(resolve));
  await github.close();
  await redis.stop();
  await rm(home, { recursive: true, force: true });
});

async function startServe(extra: string[] = []): Promise<Serve> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), 'serve', '--port', '0', '--store', redis.url, ...extra], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: home,
      TINY_BACKSPACE_SANDBOX: 'local',
      TINY_BACKSPACE_SERVER_TOKEN: TOKEN,
      TINY_BACKSPACE_GITHUB_URL: `http://127.0.0.1:${holePort}`,
      TINY_BACKSPACE_GITHUB_API_URL: github.apiUrl,
      GITHUB_TOKEN: github.token,
      TINY_BACKSPACE_LOG_DIR: path.join(home, `logs-${serves.length}`),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    void exited.then((code) => reject(new Error(`serve exited with ${code}: ${output}`)));
  });
  const serve = { child, url, exited };
  serves.push(serve);
  return serve;
}

const auth = { authorization: `Bearer ${TOKEN}` };

/** Reads SSE events from a response until `stop` says so or the stream ends. */
async function readEvents(response: Response, stop: (event: RunEvent, all: RunEvent[]) => boolean = () => false): Promise<RunEvent[]> {
  const events: RunEvent[] = [];
  let done = false;
  const parser = createParser({
    onEvent: (message) => {
      if (done) return;
      const event = RunEventSchema.parse(JSON.parse(message.data));
      assert.equal(message.id, String(event.seq));
      events.push(event);
      if (stop(event, events)) done = true;
    },
  });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  while (!done) {
    const chunk = await reader.read();
    if (chunk.done) break;
    parser.feed(decoder.decode(chunk.value, { stream: true }));
  }
  await reader.cancel().catch(() => undefined);
  return events;
}

function startRun(serve: Serve, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${serve.url}/code`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ repoUrl: `http://127.0.0.1:${holePort}/octo/widgets`, prompt: 'replace "Hello" with "Howdy" in README.md', options: { keepRunningOnDisconnect: true } }),
  });
}

async function health(serve: Serve): Promise<{ runs: { activeRuns: number } }> {
  return (await (await fetch(`${serve.url}/health`)).json()) as { runs: { activeRuns: number } };
}

test('a run started on A streams on B with exact replay, is cancelled from B, and frees its slot', async () => {
  const a = await startServe(['--max-runs', '1']);
  const b = await startServe(['--max-runs', '1']);

  const response = await startRun(a);
  assert.equal(response.status, 200);
  const runId = response.headers.get('x-request-id') ?? '';
  // Up to the clone step, which then waits on the silent git server.
  const fromA = await readEvents(response, (event) => event.kind === 'step_started' && event.step === 'clone');
  assert.ok(fromA.length >= 4, JSON.stringify(fromA.map((event) => event.kind)));

  const summary = (await (await fetch(`${b.url}/runs/${runId}`, { headers: auth })).json()) as { status: string; repo: string };
  assert.equal(summary.status, 'running');
  assert.ok((await (await fetch(`${b.url}/runs`, { headers: auth })).json()).runs.some((run: { requestId: string }) => run.requestId === runId));

  // The admission is shared: B refuses a second run while A's holds the only slot.
  const refused = await startRun(b);
  assert.equal(refused.status, 429);
  assert.ok(Number(refused.headers.get('retry-after')) > 0);
  await refused.body?.cancel();

  // Exact replay on B from every Last-Event-ID A has seen.
  for (let lastId = 0; lastId < fromA.length; lastId += 1) {
    const replay = await fetch(`${b.url}/runs/${runId}/events`, { headers: { ...auth, 'last-event-id': String(lastId) } });
    const replayed = await readEvents(replay, (_event, all) => all.length === fromA.length - lastId);
    assert.deepEqual(replayed, fromA.slice(lastId), `replay after ${lastId}`);
  }

  // A ticket minted on A opens the stream on B: tickets are signed, not stored.
  const ticket = (await (await fetch(`${a.url}/runs/${runId}/tickets`, { method: 'POST', headers: auth })).json()) as { eventsPath: string };
  const viaTicket = await fetch(`${b.url}${ticket.eventsPath}`);
  assert.equal(viaTicket.status, 200);
  await viaTicket.body?.cancel();

  // Follow on B while cancelling from B: the cancel travels through Redis to A, which executes the run.
  const follow = await fetch(`${b.url}/runs/${runId}/events`, { headers: { ...auth, 'last-event-id': String(fromA.length) } });
  const tail = readEvents(follow, (event) => event.kind === 'cancelled' || event.kind === 'failed' || event.kind === 'completed');
  const cancel = await fetch(`${b.url}/runs/${runId}`, { method: 'DELETE', headers: auth });
  assert.equal(cancel.status, 200);
  assert.equal(((await cancel.json()) as { status: string }).status, 'cancelled');
  const rest = await tail;
  assert.equal(rest.at(-1)?.kind, 'cancelled');
  assert.equal(rest[0]?.seq, fromA.length + 1, 'the live tail continues exactly where the replay stopped');

  assert.equal((await health(a)).runs.activeRuns, 0, 'A sees the slot free');
  assert.equal((await health(b)).runs.activeRuns, 0, 'B sees the slot free');
  const next = await startRun(b);
  assert.equal(next.status, 200, 'the freed slot admits a run on B');
  const nextId = next.headers.get('x-request-id') ?? '';
  await readEvents(next, (event) => event.kind === 'run_started');
  assert.equal((await fetch(`${a.url}/runs/${nextId}`, { method: 'DELETE', headers: auth })).status, 200, 'and A can cancel it');
});

test('the same Idempotency-Key on another instance returns the same run, not a second one', async () => {
  const a = serves[0] ?? (await startServe());
  const b = serves[1] ?? (await startServe());
  const key = `retry-${Date.now()}`;
  const first = await startRun(a, { 'idempotency-key': key });
  const firstId = first.headers.get('x-request-id');
  const firstEvents = await readEvents(first, (event) => event.kind === 'step_started' && event.step === 'clone');
  const retried = await startRun(b, { 'idempotency-key': key });
  assert.equal(retried.status, 200);
  assert.equal(retried.headers.get('x-request-id'), firstId);
  assert.equal(retried.headers.get('idempotent-replayed'), 'true');
  const replayed = await readEvents(retried, (_event, all) => all.length === firstEvents.length);
  assert.deepEqual(replayed, firstEvents);
  assert.equal((await fetch(`${b.url}/runs/${firstId}`, { method: 'DELETE', headers: auth })).status, 200);
});

test('/health without the token reveals no repository, user or message; with it, the full report', async () => {
  const a = serves[0] ?? (await startServe());
  const open = await (await fetch(`${a.url}/health`)).text();
  assert.doesNotMatch(open, /octo|widgets|Cancelled|alice/i);
  const body = JSON.parse(open) as Record<string, unknown>;
  assert.deepEqual(Object.keys(body).sort(), ['runs', 'server', 'status']);
  const full = (await (await fetch(`${a.url}/health`, { headers: auth })).json()) as { status: string; report?: { score: { status: string } } };
  assert.equal(full.status, 'ok');
  assert.ok(full.report?.score.status, 'the authenticated caller gets the scored report');
});
