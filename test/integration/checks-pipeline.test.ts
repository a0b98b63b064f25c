// Validation inside a whole run against the loopback GitHub, with the production object graph and the
// local sandbox: a change that breaks the repository's tests is caught before any push, and a PR that
// does open shows the check results before and after.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RunEvent } from '../../src/protocol/run-events';
import { startGitHubStandIn, type GitHubStandIn } from '../support/github-stand-in';
import { collect, createPipelineFixture, terminalOf, type PipelineFixture } from '../support/pipeline-fixture';

const REPO = {
  'package.json': JSON.stringify({ name: 'greeter', version: '1.0.0', scripts: { test: 'node test.js' } }, null, 2),
  'index.js': "exports.greet = () => 'Hello';\n",
  'test.js': "const assert = require('assert');\nassert.strictEqual(require('./index.js').greet(), 'Hello');\nconsole.log('greeting ok');\n",
  'README.md': '# Greeter\n\nSays Hello world.\n',
};

function checksEvent(events: readonly RunEvent[]) {
  const found = events.find((event) => event.kind === 'checks');
  return found?.kind === 'checks' ? found : undefined;
}

describe('checks in a run against the loopback GitHub', () => {
  let standIn: GitHubStandIn;
  let fixture: PipelineFixture;
  let repoUrl: string;

  before(async () => {
    standIn = await startGitHubStandIn();
    await standIn.createRepo('acme', 'greeter', { files: REPO });
    repoUrl = `${standIn.url}/acme/greeter`;
    fixture = await createPipelineFixture(standIn);
  });
  after(async () => {
    await fixture.dispose();
    await standIn.close();
  });

  test('a harmless change opens a PR whose body shows the checks before and after', async () => {
    const events = await collect({ repoUrl, prompt: 'replace "Hello world" with "Hi there" in README.md' }, fixture.deps());
    const terminal = terminalOf(events);
    assert.equal(terminal.kind, 'completed', JSON.stringify(terminal));
    assert.deepEqual(checksEvent(events)?.checks.map(({ name, before, after }) => ({ name, before, after })), [{ name: 'npm test', before: 'passed', after: 'passed' }]);
    const bash = events.filter((event) => event.kind === 'tool' && event.tool === 'Bash' && event.command === 'npm test');
    assert.deepEqual(bash.map((event) => event.step), ['analyze', 'validate_changes']);
    const [pull] = standIn.pulls('acme', 'greeter');
    assert.ok(pull);
    assert.match(pull.body, /## Checks/);
    assert.match(pull.body, /\| npm test \| `npm test` \| passed \| passed \|/);
  });

  test('a change that breaks the tests is caught before anything is pushed', async () => {
    const pullsBefore = standIn.pulls('acme', 'greeter').length;
    const branchesBefore = await standIn.branches('acme', 'greeter');
    const events = await collect({ repoUrl, prompt: `replace "'Hello'" with "'Howdy'" in index.js` }, fixture.deps());
    const terminal = terminalOf(events);
    assert.equal(terminal.kind, 'failed', JSON.stringify(terminal));
    assert.equal(terminal.kind === 'failed' && terminal.error.code, 'checks_failed');
    assert.match(terminal.message, /npm test, which passed before it; no pull request was opened/);
    const checks = checksEvent(events);
    assert.equal(checks?.type, 'warning');
    assert.deepEqual(checks?.checks.map(({ before, after }) => ({ before, after })), [{ before: 'passed', after: 'failed' }]);
    assert.match(checks?.checks[0]?.detail ?? '', /Howdy/);
    assert.equal(standIn.pulls('acme', 'greeter').length, pullsBefore);
    assert.deepEqual(await standIn.branches('acme', 'greeter'), branchesBefore);
    assert.deepEqual(await fixture.leftovers(), []);
  });

  test('with failing checks allowed, the PR opens and says the check now fails', async () => {
    const events = await collect({ repoUrl, prompt: `replace "'Hello'" with "'Hiya'" in index.js`, options: { allowFailingChecks: true } }, fixture.deps());
    const terminal = terminalOf(events);
    assert.equal(terminal.kind, 'completed', JSON.stringify(terminal));
    const pull = standIn.pulls('acme', 'greeter').find((candidate) => terminal.kind === 'completed' && candidate.htmlUrl === terminal.pr_url);
    assert.ok(pull);
    assert.match(pull.body, /\| npm test \| `npm test` \| passed \| failed \|/);
  });
});
