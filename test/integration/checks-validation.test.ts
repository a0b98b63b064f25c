// The change validator against small real repositories in the real local sandbox (bubblewrap where it
// works): tests that pass, tests that already failed, and tests the change breaks; overrides, timeouts and
// the no-network explanation. Every check really runs (node, npm and make from the read-only host).

import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import { createChangeValidator } from '../../src/core/checks/change-validator';
import { regressedChecks, regressionFeedback } from '../../src/core/checks/regression-feedback';
import { DEFAULT_CONFIG, type EngineConfig } from '../../src/core/config/engine-config';
import type { CheckContext } from '../../src/core/pipeline/pipeline-deps';
import { probeBubblewrap, type BubblewrapProbe } from '../../src/core/sandbox/bubblewrap';
import { sandboxSearchPath } from '../../src/core/sandbox/create-sandbox';
import { LocalSandbox, plainWrapper } from '../../src/core/sandbox/local-sandbox';
import type { RunEventDraft } from '../../src/protocol/run-events';

const TEST_JS = `const assert = require('assert');
const { greet } = require('./index.js');
assert.strictEqual(greet(), 'Hello');
console.log('1 test passed');
`;
const PASSING_REPO = {
  'package.json': JSON.stringify({ name: 'demo', version: '1.0.0', scripts: { test: 'node test.js' } }, null, 2),
  'index.js': "exports.greet = () => 'Hello';\n",
  'test.js': TEST_JS,
  'README.md': '# demo\n',
};

let probe: BubblewrapProbe = { available: false, reason: 'not probed yet' };
const roots: string[] = [];
const validator = createChangeValidator();

interface Repo {
  sandbox: LocalSandbox;
  workDir: string;
  events: RunEventDraft[];
  context: CheckContext;
}

async function makeRepo(files: Record<string, string>, config: Partial<EngineConfig> | ((workDir: string) => Partial<EngineConfig>) = {}): Promise<Repo> {
  const runDir = await mkdtemp(path.join(tmpdir(), 'tb-checks-test-'));
  roots.push(runDir);
  const workDir = path.join(runDir, 'work');
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(workDir, name)), { recursive: true });
    await writeFile(path.join(workDir, name), content);
  }
  const sandbox = new LocalSandbox(workDir, probe.available ? probe.wrapper : plainWrapper, { searchPath: sandboxSearchPath(process.env.PATH) });
  const events: RunEventDraft[] = [];
  const context: CheckContext = {
    sandbox,
    summary: { fileCount: Object.keys(files).length, totalBytes: 0, languages: [], manifests: [] },
    target: { kind: 'local', path: workDir },
    config: { ...DEFAULT_CONFIG, commandTimeoutMs: 60_000, ...(typeof config === 'function' ? config(workDir) : config) },
    signal: new AbortController().signal,
    emit: (event) => events.push(event),
  };
  return { sandbox, workDir, events, context };
}

function toolEvents(events: readonly RunEventDraft[]) {
  return events.flatMap((event) => (event.kind === 'tool' ? [event] : []));
}

function requireBubblewrap(t: TestContext): boolean {
  if (probe.available) return true;
  if (process.env.CI) throw new Error(`bubblewrap is required in CI: ${probe.reason}`);
  t.skip(`bubblewrap unavailable: ${probe.reason}`);
  return false;
}

before(async () => {
  probe = await probeBubblewrap();
  if (!probe.available) process.stderr.write(`\n*** checks run WITHOUT bubblewrap here (${probe.reason}); the no-network test is skipped ***\n\n`);
});

after(async () => {
  await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })));
});

describe('change validation in the local sandbox', () => {
  test('tests that pass before and after a harmless change', async () => {
    const repo = await makeRepo(PASSING_REPO);
    const baseline = await validator.baseline(repo.context);
    assert.deepEqual(baseline.map(({ name, command, after }) => ({ name, command, after })), [{ name: 'npm test', command: 'npm test', after: 'passed' }]);
    await repo.sandbox.writeFile('README.md', '# demo, now documented\n');
    const checks = await validator.afterChange(repo.context, baseline);
    assert.deepEqual(checks.map(({ name, before, after }) => ({ name, before, after })), [{ name: 'npm test', before: 'passed', after: 'passed' }]);
    assert.deepEqual(regressedChecks(checks), []);
    const tools = toolEvents(repo.events);
    assert.deepEqual(tools.map((event) => [event.step, event.message, event.exit_code]), [
      ['analyze', 'Tool: Bash npm test', 0],
      ['validate_changes', 'Tool: Bash npm test', 0],
    ]);
    assert.match(tools[0]?.output ?? '', /1 test passed/);
  });

  test('a test that already failed before the change is not a regression', async () => {
    const repo = await makeRepo({ ...PASSING_REPO, 'index.js': "exports.greet = () => 'Goodbye';\n" });
    const baseline = await validator.baseline(repo.context);
    assert.equal(baseline[0]?.after, 'failed');
    await repo.sandbox.writeFile('README.md', '# unrelated\n');
    const checks = await validator.afterChange(repo.context, baseline);
    assert.deepEqual(checks.map(({ before, after }) => ({ before, after })), [{ before: 'failed', after: 'failed' }]);
    assert.deepEqual(regressedChecks(checks), []);
    assert.equal(regressionFeedback(checks), undefined);
  });

  test('a change that breaks the tests is a regression, explained to the user and to the agent', async () => {
    const repo = await makeRepo(PASSING_REPO);
    const baseline = await validator.baseline(repo.context);
    await repo.sandbox.writeFile('index.js', "exports.greet = () => 'Howdy';\n");
    const checks = await validator.afterChange(repo.context, baseline);
    assert.deepEqual(regressedChecks(checks).map((check) => check.name), ['npm test']);
    const broken = checks[0];
    assert.equal(broken?.before, 'passed');
    assert.equal(broken?.after, 'failed');
    assert.match(broken?.detail ?? '', /^Exit code 1\./);
    assert.match(broken?.detail ?? '', /'Howdy' !== 'Hello'|Expected values to be strictly equal/);
    const feedback = regressionFeedback(checks) ?? '';
    assert.match(feedback, /passed before/);
    assert.match(feedback, /Command: `npm test`/);
    assert.match(feedback, /Howdy/);
  });

  test('detects npm lint and make test, ignores the npm placeholder test script', async () => {
    const repo = await makeRepo({
      'package.json': JSON.stringify({ scripts: { test: 'echo "Error: no test specified" && exit 1', lint: 'node -e "process.exit(0)"' } }),
      Makefile: 'test:\n\tnode -e "console.log(\'make ran\')"\n',
    });
    const baseline = await validator.baseline(repo.context);
    assert.deepEqual(baseline.map(({ name, after }) => ({ name, after })), [
      { name: 'npm run lint', after: 'passed' },
      { name: 'make test', after: 'passed' },
    ]);
    assert.match(toolEvents(repo.events).find((event) => event.command === 'make test')?.output ?? '', /make ran/);
  });

  test('a per-repository override replaces detection; its words reach the program intact', async () => {
    const files = { ...PASSING_REPO, 'check.js': 'console.log(JSON.stringify(process.argv.slice(2)));\n' };
    // Keyed by the repository's path (a GitHub repository would use "owner/repo").
    const repo = await makeRepo(files, (workDir) => ({ checks: { [workDir]: [`node check.js "two words" 'it''s' plain`, 'node "unclosed'] } }));
    const baseline = await validator.baseline(repo.context);
    assert.deepEqual(baseline.map(({ name, command, after }) => ({ name, command, after })), [
      { name: `node check.js "two words" 'it''s' plain`, command: "node check.js 'two words' its plain", after: 'passed' },
      { name: 'node "unclosed', command: 'node "unclosed', after: 'error' },
    ]);
    assert.match(baseline[1]?.detail ?? '', /double quote is not closed/);
    assert.equal(toolEvents(repo.events)[0]?.output, '["two words","its","plain"]\n');
    assert.deepEqual(toolEvents(repo.events).map((event) => event.command), ["node check.js 'two words' its plain"], 'npm test was not detected on top');
  });

  test('a check that outlives its timeout is stopped and reported as timed out, not a failure', async () => {
    const repo = await makeRepo({ 'package.json': JSON.stringify({ scripts: { test: 'node -e "setInterval(() => {}, 1000)"' } }) }, { commandTimeoutMs: 1_500 });
    const [result] = await validator.baseline(repo.context);
    assert.equal(result?.after, 'timed_out');
    assert.match(result?.detail ?? '', /Timed out after 1\.5 s/);
  });

  test('without network, a check that needs dependencies fails with a clear explanation', async (t) => {
    if (!requireBubblewrap(t)) return;
    const repo = await makeRepo({
      'package.json': JSON.stringify({ dependencies: { 'left-pad': '1.3.0' }, scripts: { test: 'node -e "require(\'left-pad\')"', lint: 'node fetch.js' } }),
      'fetch.js': "require('https').get('https://registry.npmjs.org/left-pad', () => process.exit(0)).on('error', (e) => { console.error(e.code, e.message); process.exit(2); });\n",
    });
    const results = await validator.baseline(repo.context);
    const test = results.find((result) => result.name === 'npm test');
    const lint = results.find((result) => result.name === 'npm run lint');
    assert.equal(test?.after, 'failed');
    assert.match(test?.detail ?? '', /Something the check needs is missing: the isolated local sandbox has no network, so dependencies are not installed/);
    assert.equal(lint?.after, 'failed');
    assert.match(lint?.detail ?? '', /tried to reach the network, but checks get none in this sandbox \(bubblewrap isolation/);
    assert.ok(repo.events.some((event) => event.kind === 'step_progress' && /Not installing dependencies: the isolated local sandbox has no network/.test(event.message)));
  });
});
