// Whole runs in sandbox mode `e2b`: the production object graph with the real E2B SDK pointed at the E2B
// stand-in, and git/REST pointed at the GitHub stand-in. From clone to PR every repository command runs
// in the sandbox, the sandbox is killed on success, failure, cancel and expiry, and no token or key
// ever reaches E2B.

import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createPipelineDeps } from '../../src/core/engine/create-pipeline-deps';
import type { PipelineDeps } from '../../src/core/pipeline/pipeline-deps';
import type { RunEvent } from '../../src/protocol/run-events';
import { startE2bStandIn, type E2bStandIn } from '../support/e2b-stand-in.js';
import { startGitHubStandIn, type GitHubStandIn } from '../support/github-stand-in';
import { collect, fixedSecrets, standInConfig, terminalOf } from '../support/pipeline-fixture';
import { createRecordingLogger } from '../support/recording-logger';
import { FAKE_E2B_PIPELINE_ANTHROPIC_KEY, FAKE_E2B_PIPELINE_OPENAI_KEY } from '../support/fake-secrets';
import { repositoryCacheIdle } from '../../src/core/git/cache/spare-checkout';

const AI_KEYS = { anthropicApiKey: FAKE_E2B_PIPELINE_ANTHROPIC_KEY, openaiApiKey: FAKE_E2B_PIPELINE_OPENAI_KEY };

const GREETER = {
  'package.json': JSON.stringify({ name: 'greeter', version: '1.0.0', scripts: { test: 'node test.js' } }, null, 2),
  'index.js': "exports.greet = () => 'Hello';\n",
  'test.js': "const assert = require('assert');\nassert.strictEqual(require('./index.js').greet(), 'Hello');\nconsole.log('greeting ok');\n",
  'README.md': '# Greeter\n\nSays Hello world.\n',
};
/** Its test never ends, so a run can be cancelled (or its sandbox expired) while a check is running. */
const SLOW = { ...GREETER, 'package.json': JSON.stringify({ name: 'slow', scripts: { test: 'node -e "setInterval(() => {}, 1000)"' } }) };

describe('runs in an E2B sandbox (stand-in)', () => {
  let github: GitHubStandIn;
  let e2b: E2bStandIn;
  let tempRoot: string;

  function deps(): PipelineDeps {
    return createPipelineDeps({
      config: standInConfig(github, { sandbox: 'e2b', providers: ['offline'], e2b: { apiUrl: e2b.apiUrl, sandboxUrl: e2b.sandboxUrl, timeoutMs: 120_000 } }),
      secrets: fixedSecrets({ githubToken: github.token, e2bApiKey: e2b.apiKey, ...AI_KEYS }),
      logger: createRecordingLogger(),
      tempRoot,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tempRoot },
    });
  }

  /** The one sandbox a run created, found by the stand-in's records since `since`. */
  function sandboxOfRun(sandboxesBefore: number) {
    const created = e2b.sandboxes().slice(sandboxesBefore);
    assert.equal(created.length, 1, 'exactly one sandbox per run');
    return created[0]!;
  }

  function deletes(id: string): number {
    return e2b.requests.filter((request) => request.plane === 'api' && request.method === 'DELETE' && request.path === `/sandboxes/${id}`).length;
  }

  function progressMessages(events: readonly RunEvent[]): string[] {
    return events.filter((event) => event.kind === 'step_progress' && event.step === 'sandbox').map((event) => event.message);
  }

  before(async () => {
    github = await startGitHubStandIn();
    e2b = await startE2bStandIn();
    await github.createRepo('acme', 'greeter', { files: GREETER });
    await github.createRepo('acme', 'slow', { files: SLOW });
    tempRoot = await mkdtemp(path.join(tmpdir(), 'tb-e2b-pipeline-'));
  });

  after(async () => {
    await e2b.close();
    await github.close();
    await repositoryCacheIdle(); // a spare checkout may still be written for the next run
    await rm(tempRoot, { recursive: true, force: true });
  });

  test('clone to PR with every repository command in the sandbox, which is killed at the end', async () => {
    const count = e2b.sandboxes().length;
    const events = await collect({ repoUrl: `${github.url}/acme/greeter`, prompt: 'replace "Hello world" with "Hi there" in README.md' }, deps());
    const terminal = terminalOf(events);
    assert.equal(terminal.kind, 'completed', JSON.stringify(terminal));
    const sandbox = sandboxOfRun(count);

    // Lifecycle in the stream, and the sandbox dead before the terminal event.
    const lifecycle = progressMessages(events);
    assert.ok(lifecycle[0]?.startsWith('Creating an E2B sandbox'));
    assert.ok(lifecycle.some((line) => line.startsWith(`E2B sandbox ${sandbox.id} ready`)));
    assert.ok(lifecycle.includes(`Killed E2B sandbox ${sandbox.id}`));
    assert.ok(events.some((event) => event.kind === 'thinking' && event.topic === 'sandbox' && event.message.includes('(e2b)')));
    assert.equal(sandbox.state, 'killed');
    assert.equal(deletes(sandbox.id), 1);

    // The checks ran in the sandbox, before and after, each on a tree of its own (the base, then the
    // tree that was committed), uploaded as one archive and removed afterwards; the checkout stays the base.
    const ours = e2b.processes.filter((process) => process.sandboxId === sandbox.id);
    const commands = ours.map((process) => process.args.at(-1));
    const checkRuns = ours.filter((process) => process.args.at(-1) === 'npm test');
    assert.equal(checkRuns.length, 2, commands.join('\n'));
    assert.equal(new Set(checkRuns.map((process) => process.cwd)).size, 2, 'the baseline and the after-change checks ran in different trees');
    for (const run of checkRuns) assert.match(run.cwd, /^\/home\/user\/trees\//);
    assert.equal(commands.filter((command) => command?.includes('tar -xzf')).length, 3, 'the checkout, the base tree and the after tree each arrived as one archive');
    assert.equal(await readFile(path.join(sandbox.root, 'home/user/repo/README.md'), 'utf8'), '# Greeter\n\nSays Hello world.\n');
    const bash = events.filter((event) => event.kind === 'tool' && event.tool === 'Bash');
    assert.deepEqual(bash.map((event) => event.kind === 'tool' && [event.step, event.exit_code]), [['analyze', 0], ['validate_changes', 0]]);
    assert.match(bash[0]?.kind === 'tool' ? (bash[0].output ?? '') : '', /greeting ok/);

    const [pull] = github.pulls('acme', 'greeter');
    assert.ok(pull);
    assert.match(pull.body, /\| npm test \| `npm test` \| passed \| passed \|/);
    // Only the repository cache outlives a run.
    assert.deepEqual((await readdir(tempRoot)).filter((name) => name !== 'repo-cache'), []);
  });

  test('a failing run (the change breaks the tests) kills the sandbox and opens nothing', async () => {
    const count = e2b.sandboxes().length;
    const pulls = github.pulls('acme', 'greeter').length;
    const events = await collect({ repoUrl: `${github.url}/acme/greeter`, prompt: `replace "'Hello'" with "'Howdy'" in index.js` }, deps());
    const terminal = terminalOf(events);
    assert.equal(terminal.kind === 'failed' && terminal.error.code, 'checks_failed', JSON.stringify(terminal));
    const sandbox = sandboxOfRun(count);
    assert.equal(sandbox.state, 'killed');
    assert.equal(deletes(sandbox.id), 1);
    assert.equal(github.pulls('acme', 'greeter').length, pulls);
  });

  test('cancelling while a check runs kills the command and the sandbox, and ends with one cancelled event', async () => {
    const count = e2b.sandboxes().length;
    const controller = new AbortController();
    const run = collect({ repoUrl: `${github.url}/acme/slow`, prompt: 'replace "Hello world" with "Hi there" in README.md' }, deps(), controller.signal);
    await e2b.waitForProcess((process) => process.args.at(-1) === 'npm test' && e2b.sandboxes().slice(count).some((sandbox) => sandbox.id === process.sandboxId));
    controller.abort('user pressed stop');
    const events = await run;
    const terminal = terminalOf(events);
    assert.equal(terminal.kind, 'cancelled', JSON.stringify(terminal));
    assert.equal(events.filter((event) => ['completed', 'failed', 'cancelled'].includes(event.kind)).length, 1);
    const sandbox = sandboxOfRun(count);
    assert.equal(sandbox.state, 'killed');
    assert.equal(deletes(sandbox.id), 1);
    assert.deepEqual(e2b.liveProcesses().filter((process) => process.sandboxId === sandbox.id), []);
    // Only the repository cache outlives a run.
    assert.deepEqual((await readdir(tempRoot)).filter((name) => name !== 'repo-cache'), []);
  });

  test('a sandbox that expires mid-run fails the run with sandbox_expired and a remedy', async () => {
    const count = e2b.sandboxes().length;
    const run = collect({ repoUrl: `${github.url}/acme/slow`, prompt: 'replace "Hello world" with "Hi there" in README.md' }, deps());
    const started = await e2b.waitForProcess((process) => process.args.at(-1) === 'npm test' && e2b.sandboxes().slice(count).some((sandbox) => sandbox.id === process.sandboxId));
    e2b.expire(started.sandboxId);
    const terminal = terminalOf(await run);
    assert.equal(terminal.kind === 'failed' && terminal.error.code, 'sandbox_expired', JSON.stringify(terminal));
    assert.match(terminal.kind === 'failed' ? (terminal.error.remedy ?? '') : '', /Run again/);
    assert.equal(sandboxOfRun(count).state, 'expired');
  });

  test('no GitHub token, AI key or environment secret ever reached E2B', () => {
    const secrets = [github.token, AI_KEYS.anthropicApiKey, AI_KEYS.openaiApiKey];
    assert.ok(e2b.requests.length > 0);
    for (const request of e2b.requests) {
      const seen = JSON.stringify(request.headers) + request.path + request.body + request.rawBody.toString('latin1');
      for (const secret of secrets) assert.ok(!seen.includes(secret), `${secret.slice(0, 8)}… reached ${request.method} ${request.path}`);
    }
    for (const sandbox of e2b.sandboxes()) assert.deepEqual(sandbox.envVars ?? {}, {});
    for (const process of e2b.processes) assert.deepEqual(Object.keys(process.envs).sort(), ['CI', 'GIT_TERMINAL_PROMPT', 'LANG']);
  });
});
