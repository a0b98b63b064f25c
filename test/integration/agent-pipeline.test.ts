// The whole run, end to end, with the real SDKs: runPipeline against the loopback GitHub (git smart HTTP +
// REST) and the loopback Anthropic/OpenAI. Claude edits through tool use and a PR opens; an Anthropic
// outage falls back to OpenAI and the stream shows why.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_CONFIG, type EngineConfig } from '../../src/core/config/engine-config';
import { createPipelineDeps } from '../../src/core/engine/create-pipeline-deps';
import { RunEventSchema, type RunEvent } from '../../src/protocol/run-events';
import { probeBubblewrap } from '../../src/core/sandbox/bubblewrap';
import { anthropicErrorBody } from '../support/anthropic-stand-in';
import { startGitHubStandIn, type GitHubStandIn } from '../support/github-stand-in';
import type { LlmStandIn } from '../support/llm-script';
import { collect, fixedSecrets, terminalOf } from '../support/pipeline-fixture';
import { ANTHROPIC_KEY, CLAUDE_MODEL, GPT_MODEL, OPENAI_KEY } from './agent-support';
import { startAnthropicStandIn } from '../support/anthropic-stand-in';
import { startOpenAIStandIn } from '../support/openai-stand-in';
import { repositoryCacheIdle } from '../../src/core/git/cache/spare-checkout';

const FILES = {
  'README.md': '# Shop\n',
  'src/signup.js': 'export function signup(body) {\n  return save(body.email);\n}\n',
  '.env': 'DATABASE_PASSWORD=hunter2-do-not-leak\n',
};
const PROMPT = 'Add input validation to the signup handler: reject an email without "@".';
const EDIT = {
  name: 'edit_file',
  input: {
    path: 'src/signup.js',
    old_str: 'export function signup(body) {\n',
    new_str: "export function signup(body) {\n  if (!String(body.email).includes('@')) throw new Error('invalid email');\n",
  },
};
const VALIDATED = "export function signup(body) {\n  if (!String(body.email).includes('@')) throw new Error('invalid email');\n  return save(body.email);\n}\n";

describe('agent in the full pipeline', () => {
  let github: GitHubStandIn;
  let anthropic: LlmStandIn;
  let openai: LlmStandIn;
  let tempRoot: string;

  before(async () => {
    github = await startGitHubStandIn();
    anthropic = await startAnthropicStandIn({ apiKey: ANTHROPIC_KEY });
    openai = await startOpenAIStandIn({ apiKey: OPENAI_KEY });
    tempRoot = await mkdtemp(path.join(tmpdir(), 'tb-agent-pipeline-'));
  });
  after(async () => {
    await Promise.all([github.close(), anthropic.close(), openai.close()]);
    await repositoryCacheIdle(); // a spare checkout may still be written for the next run
    await rm(tempRoot, { recursive: true, force: true });
  });

  function deps() {
    const config: EngineConfig = {
      ...DEFAULT_CONFIG,
      github: { enterpriseUrl: github.url },
      sandbox: 'local',
      anthropic: { model: CLAUDE_MODEL, baseUrl: anthropic.url },
      openai: { model: GPT_MODEL, baseUrl: `${openai.url}/v1` },
      agent: { attemptsPerTurn: 2, retryBaseDelayMs: 5, idleTimeoutMs: 5_000 },
    };
    return createPipelineDeps({
      config,
      secrets: fixedSecrets({ githubToken: github.token, anthropicApiKey: ANTHROPIC_KEY, openaiApiKey: OPENAI_KEY }),
      tempRoot,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tempRoot },
    });
  }

  function assertNoSecrets(events: readonly RunEvent[]): void {
    const text = JSON.stringify(events);
    for (const secret of [ANTHROPIC_KEY, OPENAI_KEY, github.token, 'hunter2-do-not-leak']) assert.ok(!text.includes(secret), `${secret.slice(0, 6)}… is in the event stream`);
  }

  it('Claude edits through tool use and a pull request opens that names it', async () => {
    await github.createRepo('octo', 'shop', { files: FILES });
    anthropic.push(
      { kind: 'tool_calls', text: 'Reading the handler.', calls: [{ name: 'read_file', input: { path: 'src/signup.js' } }] },
      { kind: 'tool_calls', calls: [EDIT] },
      { kind: 'tool_calls', calls: [{ name: 'finish', input: { summary: 'signup() now rejects an email without "@".', title: 'Reject signup emails without "@"' } }] },
    );
    const events = await collect({ repoUrl: `${github.url}/octo/shop`, prompt: PROMPT }, deps());

    const terminal = terminalOf(events);
    assert.equal(terminal.kind, 'completed', JSON.stringify(terminal));
    for (const event of events) RunEventSchema.parse(event);
    assert.equal(terminal.kind === 'completed' && terminal.agent, 'anthropic (claude-sonnet-4-6)');
    const [pull] = github.pulls('octo', 'shop');
    assert.ok(pull, 'a pull request was opened');
    assert.equal(pull.title, 'Reject signup emails without "@"', 'the title the model gave with finish');
    assert.match(pull.body, /Produced by \*\*anthropic \(claude-sonnet-4-6\)\*\*/);
    assert.match(pull.body, /signup\(\) now rejects an email without "@"\./);
    const branch = await github.readBranchFiles('octo', 'shop', pull.head);
    assert.equal(branch['src/signup.js'], VALIDATED);
    assert.equal(branch['README.md'], FILES['README.md']);

    const agentEvents = events.filter((event) => event.step === 'agent');
    assert.ok(agentEvents.some((event) => event.kind === 'tool' && event.tool === 'Edit' && event.old_str === EDIT.input.old_str && event.new_str === EDIT.input.new_str));
    assert.ok(agentEvents.some((event) => event.kind === 'ai_message' && event.provider === 'anthropic (claude-sonnet-4-6)'));
    assert.ok(agentEvents.some((event) => event.kind === 'usage' && event.usage.provider === 'anthropic'));
    const progress = agentEvents.map((event) => event.progress);
    assert.ok(progress.every((value, index) => value >= 32 && value <= 74 && value >= (progress[index - 1] ?? 0)), `agent progress ${progress.join(',')}`);
    assertNoSecrets(events);
    assert.ok(!anthropic.requests.some((request) => request.rawBody.includes('hunter2')), '.env reached the model');
  });

  it('a command sees the staged edit, and nothing a command writes reaches the pushed branch', async (t) => {
    const probe = await probeBubblewrap();
    if (!probe.available) {
      if (process.env.CI) throw new Error(`bubblewrap is required in CI: ${probe.reason}`);
      return t.skip(`bubblewrap unavailable: ${probe.reason}`);
    }
    await github.createRepo('octo', 'shop-command', { files: FILES });
    const before = anthropic.requests.length;
    anthropic.push(
      { kind: 'tool_calls', calls: [EDIT] },
      { kind: 'tool_calls', calls: [{ name: 'run_command', input: { command: 'cat src/signup.js; echo "// by a command" >> README.md; echo gen > generated.txt; cat .env 2>&1; echo end' } }] },
      { kind: 'tool_calls', calls: [{ name: 'finish', input: { summary: 'Validated the email.' } }] },
    );
    const events = await collect({ repoUrl: `${github.url}/octo/shop-command`, prompt: PROMPT }, deps());
    const terminal = terminalOf(events);
    assert.equal(terminal.kind, 'completed', JSON.stringify(terminal));

    const commandResult = anthropic.requests[before + 2]?.body.messages.at(-1).content[0].content as string;
    assert.match(commandResult, /throw new Error\('invalid email'\)/, 'the command saw the staged edit');
    assert.match(commandResult, /put back to their committed content: README\.md/);
    assert.doesNotMatch(commandResult, /hunter2/);
    const [pull] = github.pulls('octo', 'shop-command');
    assert.ok(pull);
    const branch = await github.readBranchFiles('octo', 'shop-command', pull.head);
    assert.equal(branch['src/signup.js'], VALIDATED);
    assert.equal(branch['README.md'], FILES['README.md'], 'a command rewrote README.md; the commit must not carry it');
    assert.equal(branch['generated.txt'], undefined, 'a file a command created must not be committed');
    assert.ok(events.some((event) => event.kind === 'tool' && event.tool === 'Bash' && event.exit_code === 0 && /\nend\n?$/.test(event.output ?? '')));
    assertNoSecrets(events);
  });

  it('survives an Anthropic outage by falling back to OpenAI, and the stream shows why', async () => {
    await github.createRepo('octo', 'shop-outage', { files: FILES });
    const overloaded = { kind: 'http_error', status: 529, body: anthropicErrorBody('overloaded_error', 'Overloaded'), headers: { 'retry-after-ms': '5' } } as const;
    anthropic.push(overloaded, overloaded);
    openai.push({ kind: 'tool_calls', calls: [EDIT, { name: 'finish', input: { summary: 'Validated the email.' } }] });
    const events = await collect({ repoUrl: `${github.url}/octo/shop-outage`, prompt: PROMPT }, deps());

    const terminal = terminalOf(events);
    assert.equal(terminal.kind, 'completed', JSON.stringify(terminal));
    const thinking = events.filter((event): event is Extract<RunEvent, { kind: 'thinking' }> => event.kind === 'thinking');
    const fallback = thinking.find((event) => event.topic === 'fallback' && /falling back/.test(event.message));
    assert.match(fallback?.message ?? '', /^Anthropic: 529 overloaded_error, 2 attempts; discarded its edits and falling back to the OpenAI-compatible endpoint at 127\.0\.0\.1:\d+\.$/);
    assert.equal(fallback?.provider, 'anthropic (claude-sonnet-4-6)');
    const [pull] = github.pulls('octo', 'shop-outage');
    assert.match(pull?.body ?? '', /Produced by \*\*openai \(gpt-4\.1-mini\)\*\*/);
    assert.equal((await github.readBranchFiles('octo', 'shop-outage', pull?.head ?? ''))['src/signup.js'], VALIDATED);
    assertNoSecrets(events);
  });

  it('a budget overrun fails the run with its own code, and opens nothing', async () => {
    await github.createRepo('octo', 'shop-budget', { files: FILES });
    const config = { ...deps().config, budget: { ...DEFAULT_CONFIG.budget, maxTurns: 1 } };
    anthropic.push({ kind: 'tool_calls', calls: [EDIT] });
    const events = await collect({ repoUrl: `${github.url}/octo/shop-budget`, prompt: PROMPT }, { ...deps(), config });

    const terminal = terminalOf(events);
    assert.equal(terminal.kind === 'failed' && terminal.error.code, 'budget_exceeded', JSON.stringify(terminal));
    assert.deepEqual(github.pulls('octo', 'shop-budget'), []);
    assert.deepEqual(await github.branches('octo', 'shop-budget'), ['main']);
  });
});
