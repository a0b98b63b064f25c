// What is checked is what is committed, and nothing a check does leaks anywhere: whole runs against the
// loopback GitHub with real git, the production object graph and the local sandbox. Each test names the
// bug it guards against (issue 12).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { OfflineAgent } from '../../src/core/agent/offline/offline-agent';
import { runProcess } from '../../src/core/process/run-process';
import type { PipelineDeps } from '../../src/core/pipeline/pipeline-deps';
import type { RunEvent } from '../../src/protocol/run-events';
import { startGitHubStandIn, type GitHubStandIn, type StandInRepoOptions } from '../support/github-stand-in';
import { collect, createPipelineFixture, terminalOf, type PipelineFixture } from '../support/pipeline-fixture';

function checksOf(events: readonly RunEvent[]) {
  const found = events.find((event) => event.kind === 'checks');
  return found?.kind === 'checks' ? found.checks.map(({ name, before, after }) => ({ name, before, after })) : undefined;
}

function completedBranch(events: readonly RunEvent[]): string {
  const terminal = terminalOf(events);
  assert.equal(terminal.kind, 'completed', JSON.stringify(terminal));
  if (terminal.kind !== 'completed' || terminal.branch === undefined) throw new Error('no branch');
  return terminal.branch;
}

/** The offline agent, started only once `ready` resolves: lets a test order the agent after a baseline check. */
function gatedAgent(ready: Promise<void>): PipelineDeps['createAgent'] {
  return () => ({
    name: 'gated offline',
    run: async (context) => {
      await ready;
      return new OfflineAgent().run(context);
    },
  });
}

describe('checks cannot touch the change, and files stay faithful', () => {
  let standIn: GitHubStandIn;
  let fixture: PipelineFixture;
  let names = 0;

  async function repo(files: StandInRepoOptions['files']): Promise<{ name: string; url: string }> {
    const name = `repo-${++names}`;
    await standIn.createRepo('acme', name, { files });
    return { name, url: `${standIn.url}/acme/${name}` };
  }

  before(async () => {
    standIn = await startGitHubStandIn();
    fixture = await createPipelineFixture(standIn, { config: { commandTimeoutMs: 60_000 } });
  });
  after(async () => {
    await fixture.dispose();
    await standIn.close();
  });

  test('a lint script that rewrites files (eslint --fix style) changes neither what the agent reads nor the commit', async () => {
    const fix = [
      "const fs = require('fs');",
      "fs.writeFileSync('README.md', 'REWRITTEN BY LINT\\n');",
      "fs.writeFileSync('lint-cache.json', '{}\\n');",
      "console.log('lint fixed 1 file');",
    ].join('\n');
    const { name, url } = await repo({
      'package.json': JSON.stringify({ name: 'linted', scripts: { lint: 'node fix.js' } }),
      'fix.js': `${fix}\n`,
      'README.md': '# App\n\nHello world\n',
    });
    let baselineLintRan!: () => void;
    const ready = new Promise<void>((resolve) => (baselineLintRan = resolve));
    const events = await collect({ repoUrl: url, prompt: 'replace "Hello world" with "Hi there" in README.md' }, fixture.deps({ createAgent: gatedAgent(ready) }), undefined, (event) => {
      // The agent starts reading only after the baseline lint has rewritten its tree.
      if (event.kind === 'tool' && event.step === 'analyze' && event.command === 'npm run lint') baselineLintRan();
    });
    const branch = completedBranch(events);
    assert.deepEqual(checksOf(events), [{ name: 'npm run lint', before: 'passed', after: 'passed' }]);
    const files = await standIn.readBranchFiles('acme', name, branch);
    assert.deepEqual(Object.keys(files).sort(), ['README.md', 'fix.js', 'package.json'], 'no lint output in the commit');
    assert.equal(files['README.md'], '# App\n\nHi there\n', 'the agent edited the pristine README, and the lint rewrite stayed out');
    assert.deepEqual(await fixture.leftovers(), []);
  });

  test('renaming a binary file keeps its exact bytes and mode', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0xff, 0xfe]);
    const { name, url } = await repo({ 'assets/logo.png': { content: png }, 'README.md': '# Logo\n' });
    const branch = completedBranch(await collect({ repoUrl: url, prompt: 'rename assets/logo.png to img/logo.png' }, fixture.deps()));
    const tree = await standIn.readBranchTree('acme', name, branch);
    const moved = tree.find((entry) => entry.path === 'img/logo.png');
    assert.ok(moved, JSON.stringify(tree.map((entry) => entry.path)));
    assert.equal(moved.mode, '100644');
    assert.equal(moved.bytes.length, 14);
    assert.ok(moved.bytes.equals(png), `bytes changed: ${moved.bytes.toString('hex')}`);
    assert.equal(tree.some((entry) => entry.path === 'assets/logo.png'), false);
  });

  test('editing and renaming executable scripts keeps mode 100755, so `make test` still passes', async () => {
    const { name, url } = await repo({
      Makefile: 'test:\n\t./run.sh\n\t./tools/helper.sh\n',
      'run.sh': { content: '#!/bin/sh\necho "Hello from run.sh"\n', mode: '100755' },
      'tools/helper.sh': { content: '#!/bin/sh\necho helper\n', mode: '100755' },
    });
    const prompt = 'replace "Hello" with "Howdy" in run.sh; rename tools/helper.sh to bin/helper.sh; replace "./tools/helper.sh" with "./bin/helper.sh" in Makefile';
    const events = await collect({ repoUrl: url, prompt }, fixture.deps());
    const branch = completedBranch(events);
    assert.deepEqual(checksOf(events), [{ name: 'make test', before: 'passed', after: 'passed' }]);
    const modes = Object.fromEntries((await standIn.readBranchTree('acme', name, branch)).map((entry) => [entry.path, entry.mode]));
    assert.deepEqual(modes, { Makefile: '100644', 'run.sh': '100755', 'bin/helper.sh': '100755' });
  });

  test('a write through a committed directory symlink (lib -> src) is refused, naming the real path', async () => {
    const { name, url } = await repo({ 'src/a.js': 'exports.a = 1;\n', lib: { content: 'src', mode: '120000' } });
    const branchesBefore = await standIn.branches('acme', name);
    const events = await collect({ repoUrl: url, prompt: 'add file lib/b.js with "exports.b = 2;"' }, fixture.deps());
    const terminal = terminalOf(events);
    assert.equal(terminal.kind, 'failed', JSON.stringify(terminal));
    assert.match(terminal.message, /"lib" is a symbolic link in the repository; write "src\/b\.js" instead/);
    assert.deepEqual(await standIn.branches('acme', name), branchesBefore, 'nothing was pushed');
  });
});

describe('regressions that count', () => {
  let standIn: GitHubStandIn;
  let fixture: PipelineFixture;

  before(async () => {
    standIn = await startGitHubStandIn();
    fixture = await createPipelineFixture(standIn, { config: { commandTimeoutMs: 4_000 } });
  });
  after(async () => {
    await fixture.dispose();
    await standIn.close();
  });

  async function blocked(name: string, files: StandInRepoOptions['files'], prompt: string) {
    await standIn.createRepo('acme', name, { files });
    const events = await collect({ repoUrl: `${standIn.url}/acme/${name}`, prompt }, fixture.deps());
    const terminal = terminalOf(events);
    assert.equal(terminal.kind === "failed" && terminal.error.code, "checks_failed", `${JSON.stringify(terminal)}\n${JSON.stringify(checksOf(events))}`);
    assert.equal(standIn.pulls('acme', name).length, 0);
    assert.deepEqual(await standIn.branches('acme', name), ['main']);
    return { events, checks: checksOf(events) };
  }

  test('a change that makes passing tests hang (passed -> timed out) blocks the PR', async () => {
    const { checks, events } = await blocked(
      'hang',
      {
        'package.json': JSON.stringify({ scripts: { test: 'node test.js' } }),
        'index.js': "exports.greet = () => 'Hello';\n",
        'test.js': "const assert = require('assert');\nassert.strictEqual(require('./index.js').greet(), 'Hello');\n",
      },
      `replace "() => 'Hello'" with "() => { for (;;) {} }" in index.js`,
    );
    assert.deepEqual(checks, [{ name: 'npm test', before: 'passed', after: 'timed_out' }]);
    const found = events.find((event) => event.kind === 'checks');
    assert.match(found?.kind === 'checks' ? (found.checks[0]?.detail ?? '') : '', /Timed out after 4 s/);
  });

  test('a change that leaves no tests to run (passed -> no tests collected) blocks the PR', async () => {
    const { checks } = await blocked(
      'no-tests',
      {
        'package.json': JSON.stringify({ scripts: { test: 'node --test' } }),
        'greet.test.js': "const test = require('node:test');\nconst assert = require('assert');\ntest('greets', () => assert.ok(true));\n",
      },
      `replace "test('greets'" with "void ('greets'" in greet.test.js`,
    );
    assert.deepEqual(checks, [{ name: 'npm test', before: 'passed', after: 'skipped' }]);
  });

  test('a change that removes a passing check (it vanishes from the repository) blocks the PR, and says so', async () => {
    const { checks, events } = await blocked(
      'vanished',
      {
        'package.json': JSON.stringify({ scripts: { test: 'node test.js', lint: 'node lint.js' } }),
        'test.js': "console.log('ok');\n",
        'lint.js': "console.log('lint ok');\n",
      },
      `replace ',"lint":"node lint.js"' with '' in package.json`,
    );
    assert.deepEqual(checks, [
      { name: 'npm test', before: 'passed', after: 'passed' },
      { name: 'npm run lint', before: 'passed', after: 'missing' },
    ]);
    const found = events.find((event) => event.kind === 'checks');
    assert.match(found?.kind === 'checks' ? (found.checks[1]?.detail ?? '') : '', /The change removed this check/);
  });
});

describe('baseline checks end with the run', () => {
  let standIn: GitHubStandIn;
  let fixture: PipelineFixture;

  before(async () => {
    standIn = await startGitHubStandIn();
    fixture = await createPipelineFixture(standIn, { config: { commandTimeoutMs: 120_000 } });
  });
  after(async () => {
    await fixture.dispose();
    await standIn.close();
  });

  test('a run that fails while a baseline check runs stops that check before it reports the failure', async () => {
    const marker = `slow-suite-${Date.now().toString(36)}`;
    await standIn.createRepo('acme', 'slow', {
      files: {
        'package.json': JSON.stringify({ scripts: { test: `node ${marker}.js` } }),
        [`${marker}.js`]: "console.log('starting a long suite');\nsetTimeout(() => console.log('done'), 120000);\n",
      },
    });
    const running = async () => (await runProcess(['ps', '-eo', 'args'], { env: { PATH: process.env.PATH ?? '' } })).stdout.split('\n').filter((line) => line.includes(`${marker}.js`) && !line.includes('ps -eo'));
    const failingAgent: PipelineDeps['createAgent'] = () => ({
      name: 'failing',
      run: async () => {
        // Fail only once the baseline's test process really runs.
        for (let tries = 0; (await running()).length === 0; tries += 1) {
          if (tries > 600) throw new Error('the baseline check never started');
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        throw new Error('the model provider went away');
      },
    });
    const events = await collect({ repoUrl: `${standIn.url}/acme/slow`, prompt: 'anything' }, fixture.deps({ createAgent: failingAgent }));
    const terminal = terminalOf(events);
    assert.equal(terminal.kind, 'failed', JSON.stringify(terminal));
    assert.match(terminal.message, /the model provider went away/);
    // By the time the run reports its failure, the check's processes are gone.
    assert.deepEqual(await running(), []);
    assert.deepEqual(await fixture.leftovers(), []);
  });
});
