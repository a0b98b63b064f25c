// The scrubber removes secrets and nothing else (issue 11). It runs over real source code copied from
// installed packages: names such as `task-metadata-endpoint-v4-response` contain `sk-` plus 20 characters,
// which an unanchored key pattern turned into `ta[REDACTED]`. The same text with real-shaped keys planted
// in it comes back with exactly those keys replaced.
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { forgetKnownSecret, registerKnownSecret } from '../../src/core/security/known-secrets';
import { REDACTED, redactSecrets } from '../../src/core/security/redact';
import * as fakes from '../support/fake-secrets';

const MODULES = path.resolve(__dirname, '..', '..', 'node_modules');
/** Real files with long hyphenated names (task-…, disk-…), CSS custom properties and key-like words. */
const SOURCES = [
  '@opentelemetry/semantic-conventions/dist/experimental_attributes.mjs',
  '@octokit/openapi-types/types.d.ts',
  '@vscode/codicons/dist/codicon.css',
  '@anthropic-ai/sdk/src/client.ts',
];

let dir = '';
const copies: Array<{ name: string; text: string }> = [];

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tb-redact-'));
  for (const source of SOURCES) {
    const target = path.join(dir, source.replace(/\//g, '__'));
    await copyFile(path.join(MODULES, source), target);
    copies.push({ name: source, text: await readFile(target, 'utf8') });
  }
});
after(() => rm(dir, { recursive: true, force: true }));

function firstDifference(a: string, b: string): string {
  const left = a.split('\n');
  const right = b.split('\n');
  const index = left.findIndex((line, at) => line !== right[at]);
  return index < 0 ? '(none)' : `line ${index + 1}: ${JSON.stringify(left[index]?.slice(0, 200))} became ${JSON.stringify(right[index]?.slice(0, 200))}`;
}

const PLANTED = [
  fakes.FAKE_GITHUB_TOKEN,
  fakes.FAKE_GITHUB_PAT,
  fakes.FAKE_ANTHROPIC_KEY,
  fakes.FAKE_OPENAI_PROJECT_KEY,
  fakes.FAKE_AWS_ACCESS_KEY_ID,
  fakes.FAKE_SLACK_TOKEN,
  fakes.FAKE_GITLAB_TOKEN,
  fakes.FAKE_GOOGLE_API_KEY,
  fakes.FAKE_STRIPE_KEY,
];

describe('scrubbing real source code', () => {
  test('over 10,000 lines of installed packages: zero false positives', () => {
    const lines = copies.reduce((sum, copy) => sum + copy.text.split('\n').length, 0);
    assert.ok(lines >= 10_000, `only ${lines} lines`);
    assert.ok(copies.some((copy) => /[a-z]sk-[a-z0-9-]{20,}/.test(copy.text)), 'the corpus holds names like task-metadata-endpoint-v4-response');
    for (const copy of copies) {
      const scrubbed = redactSecrets(copy.text);
      assert.equal(scrubbed === copy.text, true, `${copy.name}: ${firstDifference(copy.text, scrubbed)}`);
    }
  });

  test('the same code with real-shaped keys planted in it: exactly those keys are replaced', () => {
    for (const copy of copies) {
      const lines = copy.text.split('\n');
      const expected = [...lines];
      let planted = 0;
      for (let index = 7; index < lines.length; index += 397) {
        const key = PLANTED[planted % PLANTED.length] ?? '';
        const forms = [`const token = "${key}";`, `// ${key}`, `Authorization: ${key}`, `KEY=${key}`];
        const form = forms[planted % forms.length] ?? '';
        lines[index] = `${lines[index]} ${form}`;
        expected[index] = `${expected[index]} ${form.replace(key, REDACTED)}`;
        planted += 1;
      }
      const scrubbed = redactSecrets(lines.join('\n'));
      assert.equal(scrubbed === expected.join('\n'), true, `${copy.name}: ${firstDifference(expected.join('\n'), scrubbed)}`);
      for (const key of PLANTED) assert.ok(!scrubbed.includes(key), `${key.slice(0, 8)}… survived`);
    }
  });

  test('BEM class names and task-/disk-/risk- identifiers are untouched', () => {
    const code = [
      '.task-card__header--highlighted-primary { color: red; }',
      '.disk-usage-panel__threshold--warning-level {}',
      'const riskAssessment = "risk-score-calculation-pipeline-v2";',
      'import { desk-reservation-calendar-widget } from "x";',
      'const ask-for-confirmation-before-delete-2 = true;',
      'export const flask_sk-template = "sk-" + suffix;',
      'background: url(https://example.com/sk-assets/spinner-fading-circle-12.svg);',
      "headers: { authorization: `Bearer ${token}`, 'x-api-key': apiKey },",
      'const url = `https://${user}:${password}@${host}/repo.git`;',
    ].join('\n');
    assert.equal(redactSecrets(code), code);
  });

  test('known values are replaced verbatim whatever their shape, and hosts can register them', () => {
    const serverToken = 'Wq3-local-server-token-with-no-vendor-shape';
    assert.equal(redactSecrets(`token ${serverToken} here`), `token ${serverToken} here`, 'no pattern matches this shape');
    assert.equal(redactSecrets(`token ${serverToken} here`, [serverToken]), `token ${REDACTED} here`);
    registerKnownSecret(serverToken);
    try {
      assert.equal(redactSecrets(`token ${serverToken} here`), `token ${REDACTED} here`);
    } finally {
      forgetKnownSecret(serverToken);
    }
    assert.equal(redactSecrets(`token ${serverToken} here`), `token ${serverToken} here`);
  });
});
