// A regression found by the checks goes back to the AI agent, which fixes it before any PR opens.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_CONFIG, type EngineConfig } from '../../src/core/config/engine-config';
import { createPipelineDeps } from '../../src/core/engine/create-pipeline-deps';
import { startAnthropicStandIn } from '../support/anthropic-stand-in';
import { startGitHubStandIn, type GitHubStandIn } from '../support/github-stand-in';
import type { LlmStandIn } from '../support/llm-script';
import { collect, fixedSecrets, terminalOf } from '../support/pipeline-fixture';
import { ANTHROPIC_KEY, CLAUDE_MODEL } from './agent-support';
import { repositoryCacheIdle } from '../../src/core/git/cache/spare-checkout';

const FILES = {
  'package.json': JSON.stringify({ name: 'calc', version: '1.0.0', scripts: { test: 'node test.js' } }, null, 2),
  'add.js': 'module.exports = (a, b) => a + b;\n',
  'test.js': "const add = require('./add');\nif (add(2, 3) !== 5) { console.error('add(2, 3) should be 5'); process.exit(1); }\nconsole.log('ok');\n",
};

const BREAKING_EDIT = { name: 'edit_file', input: { path: 'add.js', old_str: 'a + b', new_str: 'a - b' } };
const FIXING_EDIT = { name: 'edit_file', input: { path: 'add.js', old_str: 'a - b', new_str: 'Number(a) + Number(b)' } };
const finish = (summary: string) => ({ name: 'finish', input: { summary } });

describe('repairing a regression before the pull request', () => {
  let github: GitHubStandIn;
  let anthropic: LlmStandIn;
  let tempRoot: string;

  before(async () => {
    github = await startGitHubStandIn();
    anthropic = await startAnthropicStandIn({ apiKey: ANTHROPIC_KEY });
    tempRoot = await mkdtemp(path.join(tmpdir(), 'tb-repair-'));
  });
  after(async () => {
    await Promise.all([github.close(), anthropic.close()]);
    await repositoryCacheIdle(); // a spare checkout may still be written for the next run
    await rm(tempRoot, { recursive: true, force: true });
  });

  function deps(repairAttempts: number) {
    const config: EngineConfig = {
      ...DEFAULT_CONFIG,
      github: { enterpriseUrl: github.url },
      sandbox: 'local',
      providers: ['anthropic', 'offline'],
      anthropic: { model: CLAUDE_MODEL, baseUrl: anthropic.url },
      agent: { attemptsPerTurn: 1, retryBaseDelayMs: 5, idleTimeoutMs: 5_000 },
      repairAttempts,
    };
    return createPipelineDeps({
      config,
      secrets: fixedSecrets({ githubToken: github.token, anthropicApiKey: ANTHROPIC_KEY }),
      tempRoot,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tempRoot },
    });
  }

  it('feeds the failing check back to the agent, re-checks, and opens the PR with the fixed change', async () => {
    await github.createRepo('octo', 'calc', { files: FILES });
    anthropic.push(
      { kind: 'tool_calls', calls: [BREAKING_EDIT, { name: 'finish', input: { summary: 'Rewrote add.', title: 'Make add() coerce its inputs' } }] },
      { kind: 'tool_calls', calls: [FIXING_EDIT, finish('Fixed add so the test passes.')] },
    );
    const events = await collect({ repoUrl: `${github.url}/octo/calc`, prompt: 'Make add coerce its inputs to numbers.' }, deps(2));
    const terminal = terminalOf(events);
    assert.equal(terminal.kind, 'completed', JSON.stringify(terminal));

    assert.ok(events.some((event) => event.kind === 'thinking' && /breaks npm test; asking the agent for a fix \(attempt 1 of 2\)/.test(event.message)));
    const repairRequest = anthropic.requests[1];
    assert.match(repairRequest?.rawBody ?? '', /add\(2, 3\) should be 5/, 'the failing output reached the agent');
    const checks = events.filter((event) => event.kind === 'checks');
    assert.equal(checks.length, 1, 'one checks event, for the final result');
    assert.deepEqual(checks[0]?.kind === 'checks' && checks[0].checks.map((check) => [check.name, check.before, check.after]), [['npm test', 'passed', 'passed']]);

    const [pull] = github.pulls('octo', 'calc');
    const head = await github.readBranchFiles('octo', 'calc', pull?.head ?? '');
    assert.equal(head['add.js'], 'module.exports = (a, b) => Number(a) + Number(b);\n');
    assert.match(pull?.body ?? '', /\| npm test \| `npm test` \| passed \| passed \|/);
    assert.match(pull?.body ?? '', /then fixed the checks: Fixed add so the test passes\./);
    assert.equal(pull?.title, 'Make add() coerce its inputs', 'the repair pass (no title of its own) keeps the first pass\'s title');
  });

  it('stops after the allowed attempts and opens nothing when the regression stays', async () => {
    await github.createRepo('octo', 'calc-stuck', { files: FILES });
    anthropic.push(
      { kind: 'tool_calls', calls: [BREAKING_EDIT, finish('Rewrote add.')] },
      { kind: 'tool_calls', calls: [{ name: 'edit_file', input: { path: 'add.js', old_str: 'a - b', new_str: 'a * b' } }, finish('Tried again.')] },
    );
    const events = await collect({ repoUrl: `${github.url}/octo/calc-stuck`, prompt: 'Make add coerce its inputs to numbers.' }, deps(1));
    const terminal = terminalOf(events);
    assert.equal(terminal.kind, 'failed');
    assert.equal(terminal.kind === 'failed' && terminal.error.code, 'checks_failed');
    assert.equal(anthropic.remaining(), 0);
    assert.deepEqual(github.pulls('octo', 'calc-stuck'), []);
    assert.deepEqual(await github.branches('octo', 'calc-stuck'), ['main']);
  });
});
