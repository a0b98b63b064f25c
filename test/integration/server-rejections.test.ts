// Every refusal of the local server, each answered with its status and a `{code, message}` body before
// any work starts: the registry never sees a run, GitHub never sees a request, no temp dir appears.

import assert from 'node:assert/strict';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { after, before, describe, test } from 'node:test';
import { HttpErrorSchema } from '../../src/protocol/http-api';
import { PROMPT, startServerHarness, type ServerHarness } from '../support/server-harness';

const ALLOWED_ORIGIN = 'http://localhost:5173';

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** node:http, so Host, Origin and framing are exactly what the test says. */
function raw(
  port: number,
  options: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer; setHost?: boolean; chunked?: boolean },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path ?? '/',
        headers: options.headers ?? {},
        setHost: options.setHost ?? true,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (options.chunked && options.body !== undefined) {
      const body = Buffer.from(options.body);
      for (let offset = 0; offset < body.length; offset += 8192) req.write(body.subarray(offset, offset + 8192));
      req.end();
    } else req.end(options.body);
  });
}

let h: ServerHarness;
let port: number;

function validBody(): string {
  return JSON.stringify({ repoUrl: h.repoUrl(), prompt: PROMPT });
}

function authed(extra: Record<string, string> = {}): Record<string, string> {
  return { authorization: `Bearer ${h.token}`, 'content-type': 'application/json', ...extra };
}

/** The shape every refusal shares, and the proof that nothing started. */
async function assertRefused(response: RawResponse, status: number, code: string): Promise<void> {
  assert.equal(response.status, status, response.body);
  assert.match(String(response.headers['content-type']), /^application\/json/);
  const body = HttpErrorSchema.parse(JSON.parse(response.body));
  assert.equal(body.code, code);
  assert.ok(body.message.length > 0);
  assert.ok(!response.body.includes(h.token), 'the token must never be echoed');
  assert.notEqual(response.headers['access-control-allow-origin'], '*');
  assert.equal(h.registry.metrics().totalRuns, 0, 'the registry must not have seen a run');
  assert.equal(h.registry.list().length, 0);
  assert.equal(h.github.requests.length, 0, 'GitHub must not have been contacted');
  assert.deepEqual(await h.runDirs(), []);
}

before(async () => {
  h = await startServerHarness({ server: { allowedOrigins: [ALLOWED_ORIGIN] } });
  port = h.server.port;
});

after(async () => {
  await h.close();
});

describe('listening', () => {
  test('binds 127.0.0.1 only: other local addresses refuse the connection', async () => {
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((entry) => entry !== undefined && !entry.internal)
      .map((entry) => entry!.address);
    for (const address of [...others, '::1']) {
      const outcome = await new Promise<string>((resolve) => {
        const socket = connect({ host: address, port });
        socket.once('connect', () => {
          socket.destroy();
          resolve('connected');
        });
        socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
      });
      assert.notEqual(outcome, 'connected', `reachable on ${address}`);
    }
    assert.equal(h.server.url, `http://127.0.0.1:${port}`);
  });
});

describe('Host header (DNS rebinding)', () => {
  test('a foreign host name is refused with 403', async () => {
    await assertRefused(await raw(port, { method: 'POST', path: '/code', headers: authed({ host: `attacker.example:${port}` }), body: validBody() }), 403, 'forbidden_host');
  });

  test('the right name with another port is refused', async () => {
    await assertRefused(await raw(port, { path: '/runs', headers: authed({ host: `127.0.0.1:${port + 1}` }) }), 403, 'forbidden_host');
  });

  test('a missing Host header is refused (node answers 400 before the handler)', async () => {
    const response = await raw(port, { method: 'POST', path: '/code', headers: authed(), body: validBody(), setHost: false });
    assert.equal(response.status, 400);
    assert.equal(h.registry.metrics().totalRuns, 0);
    assert.equal(h.github.requests.length, 0);
  });

  test('even the public routes check the host', async () => {
    await assertRefused(await raw(port, { path: '/health', headers: { host: `rebound.example:${port}` } }), 403, 'forbidden_host');
  });

  test('127.0.0.1:PORT and localhost:PORT are accepted', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`]) {
      const response = await raw(port, { path: '/runs', headers: { ...authed(), host } });
      assert.equal(response.status, 200, host);
    }
  });
});

describe('Origin header (cross-site requests) and CORS', () => {
  test('a cross-site origin is refused with 403 even with a valid token', async () => {
    await assertRefused(await raw(port, { method: 'POST', path: '/code', headers: authed({ origin: 'https://evil.example' }), body: validBody() }), 403, 'forbidden_origin');
  });

  test('the opaque origin "null" (sandboxed frames, file: pages) is refused', async () => {
    await assertRefused(await raw(port, { method: 'POST', path: '/code', headers: authed({ origin: 'null' }), body: validBody() }), 403, 'forbidden_origin');
  });

  test('a look-alike of an allowed origin is refused', async () => {
    for (const origin of ['http://localhost:51730', 'https://localhost:5173', 'http://localhost.evil.example:5173']) {
      await assertRefused(await raw(port, { path: '/runs', headers: authed({ origin }) }), 403, 'forbidden_origin');
    }
  });

  test('a cross-site no-cors request without Origin is refused by its Sec-Fetch-Site', async () => {
    await assertRefused(await raw(port, { path: '/health', headers: { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors' } }), 403, 'forbidden_origin');
  });

  test('a preflight from a foreign origin gets 403 and no CORS headers', async () => {
    const response = await raw(port, {
      method: 'OPTIONS',
      path: '/code',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    await assertRefused(response, 403, 'forbidden_origin');
    assert.equal(response.headers['access-control-allow-origin'], undefined);
  });

  test('a preflight from an allowed origin is answered for that origin only, never *', async () => {
    const response = await raw(port, {
      method: 'OPTIONS',
      path: '/code',
      headers: { origin: ALLOWED_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    assert.equal(response.status, 204);
    assert.equal(response.headers['access-control-allow-origin'], ALLOWED_ORIGIN);
    assert.match(String(response.headers['access-control-allow-headers']), /Authorization/);
    assert.match(String(response.headers['access-control-allow-methods']), /POST/);
    assert.match(String(response.headers.vary), /Origin/);
  });

  test('same-origin and allowed requests pass; only the allowed origin gets CORS headers', async () => {
    const same = await raw(port, { path: '/runs', headers: authed({ origin: `http://127.0.0.1:${port}` }) });
    assert.equal(same.status, 200);
    assert.equal(same.headers['access-control-allow-origin'], undefined);
    const allowed = await raw(port, { path: '/runs', headers: authed({ origin: ALLOWED_ORIGIN }) });
    assert.equal(allowed.status, 200);
    assert.equal(allowed.headers['access-control-allow-origin'], ALLOWED_ORIGIN);
  });

  test('a refusal to an allowed origin still carries its CORS headers, so the page can read why', async () => {
    const response = await raw(port, { path: '/runs', headers: { origin: ALLOWED_ORIGIN } });
    assert.equal(response.status, 401);
    assert.equal(response.headers['access-control-allow-origin'], ALLOWED_ORIGIN);
  });
});

describe('bearer token', () => {
  test('no token: 401 with a Bearer challenge', async () => {
    const response = await raw(port, { method: 'POST', path: '/code', headers: { 'content-type': 'application/json' }, body: validBody() });
    await assertRefused(response, 401, 'unauthorized');
    assert.match(String(response.headers['www-authenticate']), /^Bearer/);
  });

  test('a wrong token of the same length, a shorter one and a longer one are all refused', async () => {
    const sameLength = h.token.replace(/^./, (char) => (char === 'A' ? 'B' : 'A'));
    for (const wrong of [sameLength, h.token.slice(0, 10), `${h.token}x`]) {
      const response = await raw(port, { method: 'POST', path: '/code', headers: authed({ authorization: `Bearer ${wrong}` }), body: validBody() });
      await assertRefused(response, 401, 'unauthorized');
      assert.ok(!response.body.includes(wrong), 'the offered token is not echoed');
    }
  });

  test('the right token in another scheme or in the query string is refused', async () => {
    const basic = Buffer.from(`x:${h.token}`).toString('base64');
    await assertRefused(await raw(port, { path: '/runs', headers: { authorization: `Basic ${basic}` } }), 401, 'unauthorized');
    await assertRefused(await raw(port, { path: `/runs?token=${h.token}` }), 401, 'unauthorized');
    await assertRefused(await raw(port, { path: `/runs?access_token=${h.token}` }), 401, 'unauthorized');
  });

  test('every protected route wants the token; /health and /docs do not', async () => {
    for (const [method, pathname] of [
      ['GET', '/runs'],
      ['GET', '/runs/some-run'],
      ['DELETE', '/runs/some-run'],
      ['GET', '/runs/some-run/events'],
      ['POST', '/runs/some-run/tickets'],
      ['GET', '/openapi.json'],
    ] as const) {
      await assertRefused(await raw(port, { method, path: pathname }), 401, 'unauthorized');
    }
    assert.equal((await raw(port, { path: '/health' })).status, 200);
    assert.equal((await raw(port, { path: '/docs' })).status, 200);
  });
});

describe('request bodies', () => {
  test('a non-JSON media type is refused with 415', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1']) {
      await assertRefused(await raw(port, { method: 'POST', path: '/code', headers: authed({ 'content-type': type }), body: validBody() }), 415, 'unsupported_media_type');
    }
    const { 'content-type': _omitted, ...noType } = authed();
    await assertRefused(await raw(port, { method: 'POST', path: '/code', headers: noType, body: validBody() }), 415, 'unsupported_media_type');
  });

  test('a body over 64 KiB is refused with 413, announced or chunked', async () => {
    const big = JSON.stringify({ repoUrl: h.repoUrl(), prompt: 'x'.repeat(64 * 1024) });
    await assertRefused(await raw(port, { method: 'POST', path: '/code', headers: authed(), body: big }), 413, 'payload_too_large');
    await assertRefused(await raw(port, { method: 'POST', path: '/code', headers: authed(), body: big, chunked: true }), 413, 'payload_too_large');
  });

  test('broken JSON is refused with 400 invalid_json', async () => {
    await assertRefused(await raw(port, { method: 'POST', path: '/code', headers: authed(), body: '{"repoUrl": ' }), 400, 'invalid_json');
  });

  test('a body that fails the schema is refused with 400 and says which field', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ repoUrl: h.repoUrl() }, /prompt/],
      [{ prompt: PROMPT }, /repoUrl/],
      [{ repoUrl: h.repoUrl(), prompt: '   ' }, /prompt/],
      [{ repoUrl: h.repoUrl(), prompt: PROMPT, extra: true }, /extra/],
      [{ repoUrl: h.repoUrl(), prompt: PROMPT, options: { maxTurns: 0 } }, /maxTurns/],
      [{ repoUrl: h.repoUrl(), prompt: PROMPT, base: '--upload-pack=evil' }, /base/],
      [[], /expected object/i],
    ];
    for (const [body, field] of cases) {
      const response = await raw(port, { method: 'POST', path: '/code', headers: authed(), body: JSON.stringify(body) });
      await assertRefused(response, 400, 'invalid_request');
      assert.match(HttpErrorSchema.parse(JSON.parse(response.body)).message, field);
    }
  });

  test('a local path instead of a repository URL is refused with 400', async () => {
    for (const repoUrl of ['/etc', './repo', '../repo', 'C:\\code\\app']) {
      await assertRefused(await raw(port, { method: 'POST', path: '/code', headers: authed(), body: JSON.stringify({ repoUrl, prompt: PROMPT }) }), 400, 'invalid_repository_url');
    }
  });
});

describe('routes', () => {
  test('an unknown route is 404 and a wrong method is 405 with Allow', async () => {
    await assertRefused(await raw(port, { path: '/nope', headers: authed() }), 404, 'not_found');
    const wrongMethod = await raw(port, { method: 'PUT', path: '/code', headers: authed(), body: validBody() });
    await assertRefused(wrongMethod, 405, 'method_not_allowed');
    assert.equal(wrongMethod.headers.allow, 'POST');
  });

  test('an unknown run is 404 on every run route', async () => {
    for (const [method, pathname] of [
      ['GET', '/runs/no-such-run'],
      ['DELETE', '/runs/no-such-run'],
      ['GET', '/runs/no-such-run/events'],
      ['POST', '/runs/no-such-run/tickets'],
    ] as const) {
      await assertRefused(await raw(port, { method, path: pathname, headers: authed() }), 404, 'run_not_found');
    }
  });

  test('path segments outside the id alphabet never reach a handler', async () => {
    await assertRefused(await raw(port, { path: '/runs/..%2F..%2Fetc', headers: authed() }), 404, 'not_found');
  });
});

describe('concurrency limit', () => {
  let limited: ServerHarness;

  before(async () => {
    limited = await startServerHarness({ maxConcurrentRuns: 1, holdForReview: true, server: { retryAfterSeconds: 7 } });
  });

  after(async () => {
    await limited.close();
  });

  test('a run over the limit gets 429 with Retry-After, and the registry never starts it', async () => {
    const first = new AbortController();
    const running = await limited.call('/code', { method: 'POST', json: { repoUrl: limited.repoUrl(), prompt: PROMPT }, signal: first.signal });
    assert.equal(running.status, 200);
    const runId = running.headers.get('x-request-id') ?? '';
    await limited.held.reached(runId);
    const requestsBefore = limited.github.requests.length;

    const refused = await limited.call('/code', { method: 'POST', json: { repoUrl: limited.repoUrl(), prompt: PROMPT } });
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get('retry-after'), '7');
    const body = HttpErrorSchema.parse(await refused.json());
    assert.equal(body.code, 'concurrency_limit');
    assert.equal(limited.registry.metrics().totalRuns, 1, 'only the first run exists');
    assert.deepEqual(limited.registry.list().map((run) => run.requestId), [runId]);
    assert.equal(limited.github.requests.length, requestsBefore, 'the refused run contacted nobody');
    assert.equal((await limited.runDirs()).length, 1);

    first.abort();
    await running.body?.cancel().catch(() => undefined);
  });
});
