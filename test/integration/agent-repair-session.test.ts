// A repair pass is part of the same run (issue 10): it continues the conversation that made the change,
// sees the failing output, and spends from the same budget. The live cost meter shows the run's total.

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
const READ = { name: 'read_file', input: { path: 'add.js' } };
const BREAKING_EDIT = { name: 'edit_file', input: { path: 'add.js', old_str: 'a + b', new_str: 'a - b' } };
const FIXING_EDIT = { name: 'edit_file', input: { path: 'add.js', old_str: 'a - b', new_str: 'Number(a) + Number(b)' } };
const finish = (summary: string) => ({ name: 'finish', input: { summary } });

describe('a repair pass continues the run', () => {
  let github: GitHubStandIn;
  let anthropic: LlmStandIn;
  let tempRoot: string;

  before(async () => {
    github = await startGitHubStandIn();
    anthropic = await startAnthropicStandIn({ apiKey: ANTHROPIC_KEY });
    tempRoot = await mkdtemp(path.join(tmpdir(), 'tb-repair-session-'));
  });
  after(async () => {
    await Promise.all([github.close(), anthropic.close()]);
    await repositoryCacheIdle(); // a spare checkout may still be written for the next run
    await rm(tempRoot, { recursive: true, force: true });
  });

  function deps(budget: Partial<EngineConfig['budget']> = {}) {
    const config: EngineConfig = {
      ...DEFAULT_CONFIG,
      github: { enterpriseUrl: github.url },
      sandbox: 'local',
      providers: ['anthropic', 'offline'],
      anthropic: { model: CLAUDE_MODEL, baseUrl: anthropic.url },
      agent: { attemptsPerTurn: 1, retryBaseDelayMs: 5, idleTimeoutMs: 5_000 },
      budget: { ...DEFAULT_CONFIG.budget, ...budget },
      repairAttempts: 2,
    };
    return createPipelineDeps({ config, secrets: fixedSecrets({ githubToken: github.token, anthropicApiKey: ANTHROPIC_KEY }), tempRoot, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tempRoot } });
  }

  it('sends the check output as the next message of the same conversation, and the cost meter keeps counting', async () => {
    await github.createRepo('octo', 'calc', { files: FILES });
    const before = anthropic.requests.length;
    anthropic.push({ kind: 'tool_calls', calls: [READ] }, { kind: 'tool_calls', calls: [BREAKING_EDIT, finish('Rewrote add.')] }, { kind: 'tool_calls', calls: [FIXING_EDIT, finish('Fixed add.')] });
    const events = await collect({ repoUrl: `${github.url}/octo/calc`, prompt: 'Make add coerce its inputs to numbers.' }, deps());
    assert.equal(terminalOf(events).kind, 'completed', JSON.stringify(terminalOf(events)));

    const repair = anthropic.requests[before + 2]?.body;
    const messages: any[] = repair.messages;
    assert.equal(messages[0].content[0].text, 'Make add coerce its inputs to numbers.', 'the same conversation, from its first message');
    assert.ok(JSON.stringify(messages).includes('"a - b"'), 'the model sees its own earlier edit');
    const last = messages.at(-1).content;
    assert.deepEqual(last.slice(0, 2).map((block: any) => block.type), ['tool_result', 'tool_result'], 'the edit and finish calls are answered first');
    assert.match(JSON.stringify(last), /add\(2, 3\) should be 5/, 'then the failing output');

    const totals = events.flatMap((event) => (event.kind === 'usage' ? [event.total_cost_usd] : []));
    assert.equal(totals.length, 3);
    assert.ok(totals[2]! > totals[1]! && totals[1]! > totals[0]!, `the run total grows across passes: ${totals.join(', ')}`);
  });

  it('the repair pass spends from the run budget: maxTurns bounds both passes together', async () => {
    await github.createRepo('octo', 'calc-turns', { files: FILES });
    anthropic.push({ kind: 'tool_calls', calls: [READ] }, { kind: 'tool_calls', calls: [BREAKING_EDIT, finish('Rewrote add.')] }, { kind: 'tool_calls', calls: [READ] }, { kind: 'tool_calls', calls: [FIXING_EDIT, finish('Fixed add.')] });
    const events = await collect({ repoUrl: `${github.url}/octo/calc-turns`, prompt: 'Make add coerce its inputs to numbers.' }, deps({ maxTurns: 3 }));
    const terminal = terminalOf(events);
    assert.equal(terminal.kind, 'failed');
    assert.equal(terminal.kind === 'failed' && terminal.error.code, 'budget_exceeded');
    assert.match(terminal.kind === 'failed' ? terminal.error.message : '', /used all 3 turns/);
    assert.deepEqual(github.pulls('octo', 'calc-turns'), []);
  });
});
