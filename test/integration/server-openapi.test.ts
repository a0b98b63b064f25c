// The OpenAPI document describes exactly the routes the server answers, built from the same schemas
// that validate requests; /docs is a self-contained page under a strict CSP.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { ROUTES } from '../../src/core/server/routes/route-table';
import { RunRequestSchema } from '../../src/protocol/run-request';
import { RunEventSchema } from '../../src/protocol/run-events';
import { startServerHarness, type ServerHarness } from '../support/server-harness';

type Json = Record<string, any>;

let h: ServerHarness;
let doc: Json;

before(async () => {
  h = await startServerHarness();
  const response = await h.call('/openapi.json');
  assert.equal(response.status, 200);
  doc = (await response.json()) as Json;
});

after(async () => {
  await h.close();
});

function refsIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((item) => refsIn(item, found));
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key === '$ref' && typeof item === 'string') found.push(item);
      else refsIn(item, found);
    }
  }
  return found;
}

test('is OpenAPI 3.1 and names this server', () => {
  assert.equal(doc.openapi, '3.1.0');
  assert.equal(doc.servers[0].variables.port.default, String(h.server.port));
  assert.deepEqual(Object.keys(doc.components.securitySchemes).sort(), ['bearerAuth', 'streamTicket']);
});

test('documents exactly the routes the server answers, with matching auth', () => {
  const documented = Object.entries(doc.paths as Json).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`));
  const served = ROUTES.map((route) => `${route.method} ${route.path}`);
  assert.deepEqual(documented.sort(), served.sort());
  for (const route of ROUTES) {
    const operation = doc.paths[route.path][route.method.toLowerCase()];
    // `[]` or an alternative `{}`: callable without credentials (OpenAPI's optional security).
    const isPublic = Array.isArray(operation.security) && (operation.security.length === 0 || operation.security.some((entry: Json) => Object.keys(entry).length === 0));
    assert.equal(isPublic, route.auth === 'public', `${route.method} ${route.path}`);
    if (route.auth === 'token-or-ticket') assert.deepEqual(operation.security, [{ bearerAuth: [] }, { streamTicket: [] }]);
    assert.ok(Object.keys(operation.responses).length > 0);
  }
});

test('every $ref resolves to a component schema', () => {
  const refs = refsIn(doc);
  assert.ok(refs.length > 20);
  for (const ref of refs) {
    const name = ref.replace('#/components/schemas/', '');
    assert.ok(doc.components.schemas[name], `dangling ${ref}`);
  }
});

test('the request schema is the one POST /code enforces', () => {
  const schema = doc.components.schemas.RunRequest;
  assert.deepEqual(Object.keys(schema.properties).sort(), Object.keys(RunRequestSchema.shape).sort());
  // prompt may be left out only with addressReview (issue 15); the schema's refinement enforces that.
  assert.deepEqual([...schema.required].sort(), ['repoUrl']);
  assert.match(schema.properties.prompt.description, /Required unless addressReview/);
  assert.equal(schema.additionalProperties, false);
  assert.equal(schema.properties.prompt.maxLength, RunRequestSchema.shape.prompt.unwrap().maxLength);
  assert.equal(doc.paths['/code'].post.requestBody.content['application/json'].schema.$ref, '#/components/schemas/RunRequest');
});

test('the event stream is described by the run-event union, one schema per kind', () => {
  const union = doc.components.schemas.RunEvent;
  const variants = union.oneOf ?? union.anyOf;
  assert.equal(variants.length, RunEventSchema.options.length);
  const kinds = variants.map((variant: Json) => doc.components.schemas[variant.$ref.replace('#/components/schemas/', '')].properties.kind.const);
  assert.deepEqual(kinds.sort(), RunEventSchema.options.map((option) => option.shape.kind.value).sort());
  const sse = doc.paths['/code'].post.responses['200'].content['text/event-stream'];
  assert.equal(sse['x-sse-data'].$ref, '#/components/schemas/RunEvent');
});

test('/docs is public, self-contained and under a CSP that allows only its own stylesheet', async () => {
  const response = await fetch(`${h.url}/docs`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
  const csp = response.headers.get('content-security-policy') ?? '';
  assert.match(csp, /default-src 'none'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:|\*/);
  const html = await response.text();
  assert.doesNotMatch(html, /<script/i);
  assert.doesNotMatch(html, /\b(?:src|href)\s*=\s*"(?:https?:)?\/\//i, 'no remote assets');
  const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
  const hash = createHash('sha256').update(style, 'utf8').digest('base64');
  assert.ok(csp.includes(`'sha256-${hash}'`), 'the inline stylesheet is allowed by hash');
  for (const route of ROUTES) assert.ok(html.includes(`<code>${route.path}</code>`), `${route.path} documented on the page`);
  assert.ok(html.includes('id="schema-RunRequest"'));
});
