// Every route's real responses, from a real run through the store-backed service `serve` uses, validate
// against the OpenAPI document the server publishes (JSON Schema 2020-12, checked by Ajv). No fakes.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import Ajv2020 from 'ajv/dist/2020';
import { createParser } from 'eventsource-parser';
import { configFromEnv, secretsFromEnv } from '../../src/core/config/config-from-env';
import { createPipelineDeps } from '../../src/core/engine/create-pipeline-deps';
import { buildHealthReport } from '../../src/core/observability/build-health-report';
import { InMemoryRunStore } from '../../src/core/runs/in-memory-run-store';
import { StoreRunService } from '../../src/core/runs/store-run-service';
import { generateServerToken } from '../../src/core/server/bearer-token';
import { startLocalServer, type LocalServer } from '../../src/core/server/local-server';
import { startGitHubStandIn, type GitHubStandIn } from '../support/github-stand-in';
import { README } from '../support/server-harness';
import { repositoryCacheIdle } from '../../src/core/git/cache/spare-checkout';

type Json = Record<string, any>;

let github: GitHubStandIn;
let server: LocalServer;
let runs: StoreRunService;
let tempRoot: string;
let logDir: string;
const token = generateServerToken();
let doc: Json;
const ajv = new Ajv2020({ strict: false, allErrors: true });

before(async () => {
  github = await startGitHubStandIn();
  await github.createRepo('octo', 'widgets', { files: { 'README.md': README } });
  tempRoot = await mkdtemp(path.join(tmpdir(), 'tb-openapi-'));
  logDir = await mkdtemp(path.join(tmpdir(), 'tb-openapi-logs-'));
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, TINY_BACKSPACE_GITHUB_URL: github.url, GITHUB_TOKEN: github.token, TINY_BACKSPACE_SANDBOX: 'local' };
  const deps = createPipelineDeps({ config: configFromEnv(env), secrets: secretsFromEnv(env), allowLocalRepositories: false, env, tempRoot });
  runs = await StoreRunService.create(new InMemoryRunStore({ maxActiveRuns: 4 }), deps);
  server = await startLocalServer({ runs, token, healthReport: () => buildHealthReport({ logDir }) });
  doc = (await (await call('/openapi.json')).json()) as Json;
  ajv.addSchema({ $id: 'doc', components: doc.components });
});

after(async () => {
  await server.stop();
  await runs.cancelAll('test over');
  await github.close();
  await repositoryCacheIdle(); // a spare checkout may still be written for the next run
  await rm(tempRoot, { recursive: true, force: true });
  await rm(logDir, { recursive: true, force: true });
});

function call(pathname: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${server.url}${pathname}`, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) } });
}

/** Validates a real response against the schema the document gives for its path, method and status. */
async function assertDocumented(response: Response, docPath: string, method: string): Promise<unknown> {
  const operation = doc.paths[docPath]?.[method];
  assert.ok(operation, `${method} ${docPath} is documented`);
  const documented = operation.responses[String(response.status)];
  assert.ok(documented, `${method} ${docPath} documents status ${response.status}`);
  const body = await response.json();
  const ref = documented.content['application/json'].schema.$ref as string;
  const valid = ajv.validate({ $ref: `doc${ref}` }, body);
  assert.ok(valid, `${method} ${docPath} ${response.status}: ${ajv.errorsText(ajv.errors)}\n${JSON.stringify(body).slice(0, 400)}`);
  return body;
}

test('POST /code streams events that each validate as the documented RunEvent, and the JSON routes match', async () => {
  const response = await call('/code', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ repoUrl: `${github.url}/octo/widgets`, prompt: 'replace "Hello" with "Howdy" in README.md' }),
  });
  assert.equal(response.status, 200);
  const sseSchema = doc.paths['/code'].post.responses['200'].content['text/event-stream']['x-sse-data'].$ref as string;
  const events: Json[] = [];
  const parser = createParser({ onEvent: (message) => events.push(JSON.parse(message.data)) });
  const decoder = new TextDecoder();
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) parser.feed(decoder.decode(chunk, { stream: true }));
  assert.equal(events.at(-1)?.kind, 'completed', JSON.stringify(events.at(-1)));
  for (const event of events) {
    assert.ok(ajv.validate({ $ref: `doc${sseSchema}` }, event), `${event.kind}: ${ajv.errorsText(ajv.errors)}`);
    assert.ok(typeof event.step === 'string', `${event.kind} carries step`);
  }
  const runId = String(events[0]?.request_id);

  await assertDocumented(await call('/runs'), '/runs', 'get');
  await assertDocumented(await call(`/runs/${runId}`), '/runs/{id}', 'get');
  await assertDocumented(await call('/runs/00000000-0000-4000-8000-000000000000'), '/runs/{id}', 'get');
  await assertDocumented(await call(`/runs/${runId}`, { method: 'DELETE' }), '/runs/{id}', 'delete');
  await assertDocumented(await call(`/runs/${runId}/tickets`, { method: 'POST' }), '/runs/{id}/tickets', 'post');
  await assertDocumented(await fetch(`${server.url}/health`), '/health', 'get');
  const full = (await assertDocumented(await call('/health'), '/health', 'get')) as Json;
  assert.ok(full.report, 'with the token, the full report');
  await assertDocumented(await fetch(`${server.url}/runs`), '/runs', 'get');
  await assertDocumented(
    await call('/code', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ repoUrl: '/etc', prompt: 'x' }) }),
    '/code',
    'post',
  );
});
