// Stopping the server ends what it started and frees the port; the start/stop session the extension
// uses is single-flight; the token and allow-list are checked before the server listens.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { isTinyBackspaceError } from '../../src/core/errors/tiny-backspace-error';
import { generateServerToken } from '../../src/core/server/bearer-token';
import { buildHealthReport } from '../../src/core/observability/build-health-report';
import { startLocalServer } from '../../src/core/server/local-server';
import { HealthReportSchema } from '../../src/protocol/health-report';
import { isTerminalEvent } from '../../src/protocol/run-events';
import { LocalServerSession } from '../../src/vscode/server/local-server-session';
import { getOrCreateServerToken, SERVER_TOKEN_SECRET_KEY } from '../../src/vscode/server/server-token';
import { PROMPT, readSse, registryEvent, startServerHarness, type ServerHarness } from '../support/server-harness';

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ port, host: '127.0.0.1', exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

describe('stop()', () => {
  let h: ServerHarness;

  before(async () => {
    h = await startServerHarness({ repos: ['widgets', 'gadgets'], holdForReview: true });
  });

  after(async () => {
    await h.close();
  });

  test('cancels the runs it started, ends their streams with cancelled, removes temp dirs and frees the port', async () => {
    const port = h.server.port;
    const responses = await Promise.all(
      ['widgets', 'gadgets'].map((repo) => h.call('/code', { method: 'POST', json: { repoUrl: h.repoUrl(repo), prompt: PROMPT, options: { keepRunningOnDisconnect: true } } })),
    );
    const runIds = responses.map((response) => response.headers.get('x-request-id') ?? '');
    const readings = responses.map((response) => readSse(response));
    await Promise.all(runIds.map((id) => h.held.reached(id)));
    // A run the host started itself (the VS Code panel) shares the registry but is not the server's to end.
    const hostRun = h.registry.start({ repoUrl: h.repoUrl('widgets'), prompt: PROMPT });
    await h.held.reached(hostRun.requestId);
    assert.equal((await h.runDirs()).length, 3);
    assert.equal(await portIsFree(port), false);

    await h.server.stop('Stopped by the test.');

    for (const reading of await Promise.all(readings)) {
      assert.ok(reading.endedByServer);
      const last = reading.events.at(-1);
      assert.equal(last?.kind, 'cancelled');
      assert.match(last?.kind === 'cancelled' ? last.reason : '', /Stopped by the test/);
    }
    for (const id of runIds) assert.equal(h.registry.get(id)?.status, 'cancelled');
    assert.equal(h.registry.get(hostRun.requestId)?.status, 'running', 'the host’s own run keeps going');
    assert.equal((await h.runDirs()).length, 1, 'only the host run still has a temp dir');
    assert.equal(await portIsFree(port), true, 'the port is free again');
    assert.ok(h.server.stopped);
    await assert.rejects(fetch(`${h.url}/health`), 'nothing listens any more');

    const hostEnd = registryEvent(h.registry, (event) => event.request_id === hostRun.requestId && isTerminalEvent(event));
    h.held.release(hostRun.requestId);
    assert.equal((await hostEnd).kind, 'completed');
  });

  test('a new server can bind the same port right after', async () => {
    const token = generateServerToken();
    const port = h.server.port;
    const again = await startLocalServer({ registry: h.registry, token, port });
    try {
      assert.equal(again.port, port);
      const health = await fetch(`${again.url}/health`);
      assert.equal(health.status, 200);
      assert.equal((await health.json()).status, 'ok');
    } finally {
      await again.stop();
    }
  });
});

describe('LocalServerSession (what the VS Code commands drive)', () => {
  let h: ServerHarness;

  before(async () => {
    h = await startServerHarness();
    await h.server.stop();
  });

  after(async () => {
    await h.close();
  });

  test('start and stop are single-flight and report every change', async () => {
    const changes: Array<number | undefined> = [];
    let starts = 0;
    const session = new LocalServerSession({
      start: () => {
        starts += 1;
        return startLocalServer({ registry: h.registry, token: generateServerToken() });
      },
      onChange: (server) => changes.push(server?.port),
    });
    const [one, two] = await Promise.all([session.start(), session.start()]);
    assert.equal(one, two);
    assert.equal(starts, 1, 'a double start binds one port');
    assert.equal(session.current, one);
    assert.equal((await fetch(`${one.url}/health`)).status, 200);

    await Promise.all([session.stop('test'), session.stop('test')]);
    assert.equal(session.current, undefined);
    assert.equal(await portIsFree(one.port), true);
    assert.deepEqual(changes, [one.port, undefined]);

    const three = await session.start();
    assert.notEqual(three, one, 'a start after a stop is a new server');
    await session.stop('test');
    assert.equal(starts, 2);
  });

  test('the token is created once, kept in the secret store, and reused', async () => {
    const stored = new Map<string, string>();
    const secrets = { get: async (key: string) => stored.get(key), store: async (key: string, value: string) => void stored.set(key, value) };
    const first = await getOrCreateServerToken(secrets);
    assert.equal(Buffer.from(first, 'base64url').length, 32, '256 random bits');
    assert.equal(stored.get(SERVER_TOKEN_SECRET_KEY), first);
    assert.equal(await getOrCreateServerToken(secrets), first);
  });
});

describe('start-up checks', () => {
  let h: ServerHarness;

  before(async () => {
    h = await startServerHarness();
  });

  after(async () => {
    await h.close();
  });

  test('a short or spaced token is refused before listening', async () => {
    for (const token of ['short', `${'a'.repeat(20)} ${'b'.repeat(20)}`]) {
      await assert.rejects(startLocalServer({ registry: h.registry, token }), (error) => isTinyBackspaceError(error) && error.code === 'invalid_request');
    }
  });

  test('an allow-list entry that is not a plain origin is refused, "*" above all', async () => {
    for (const origin of ['*', 'localhost:5173', 'http://localhost:5173/app', 'ftp://example.com', 'http://user:pw@localhost:5173']) {
      await assert.rejects(
        startLocalServer({ registry: h.registry, token: generateServerToken(), allowedOrigins: [origin] }),
        (error) => isTinyBackspaceError(error) && error.code === 'invalid_request',
        origin,
      );
    }
  });

  test('GET /health: counts only without the token, the full report (cached) with it', async () => {
    const basic = await (await fetch(`${h.url}/health`)).json();
    assert.equal(basic.status, 'ok');
    assert.equal(basic.runs.activeRuns, 0);
    assert.equal(basic.runs.queuedRuns, 0);
    assert.equal(typeof basic.server.uptimeSeconds, 'number');
    assert.equal(basic.report, undefined);
    let builds = 0;
    const logDir = await mkdtemp(path.join(tmpdir(), 'tb-health-logs-'));
    const withReport = await startLocalServer({
      registry: h.registry,
      token: h.token,
      healthReport: () => {
        builds += 1;
        return buildHealthReport({ logDir });
      },
    });
    try {
      assert.equal((await (await fetch(`${withReport.url}/health`)).json()).report, undefined, 'no token, no report');
      const headers = { authorization: `Bearer ${h.token}` };
      const [first, second] = await Promise.all([fetch(`${withReport.url}/health`, { headers }), fetch(`${withReport.url}/health`, { headers })]);
      const report = (await first.json()).report;
      assert.equal(HealthReportSchema.safeParse(report).success, true);
      assert.equal((await second.json()).report.generated_at, report.generated_at);
      assert.equal(builds, 1, 'concurrent callers share one build');
    } finally {
      await withReport.stop();
      await rm(logDir, { recursive: true, force: true });
    }
  });
});
