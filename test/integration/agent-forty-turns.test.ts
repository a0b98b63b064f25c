// Issue 10's yardstick: a 40-turn conversation of many reads (several in parallel), a failed edit and a
// re-read, an edit and a new file, on a repository of 500 real source files (zod, from node_modules),
// completes with a PR under the DEFAULT budget: through Claude, through OpenAI's Responses API, and
// through Chat Completions for an OpenAI-compatible endpoint. The stand-ins derive usage from each
// request (input from the body, cache reads and writes from the breakpoints), as the services bill it.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_BUDGET, DEFAULT_CONFIG, type EngineConfig } from '../../src/core/config/engine-config';
import { createPipelineDeps } from '../../src/core/engine/create-pipeline-deps';
import type { RunEvent } from '../../src/protocol/run-events';
import { startAnthropicStandIn } from '../support/anthropic-stand-in';
import { startGitHubStandIn, type GitHubStandIn } from '../support/github-stand-in';
import { FORTY_TURN_PROMPT, TURNS, fortyTurnConversation } from '../support/llm/forty-turn-conversation';
import { realSourceTree } from '../support/llm/real-source-tree';
import type { LlmStandIn } from '../support/llm-script';
import { startOpenAIResponsesStandIn } from '../support/openai-responses-stand-in';
import { startOpenAIStandIn } from '../support/openai-stand-in';
import { collect, fixedSecrets, terminalOf } from '../support/pipeline-fixture';
import { ANTHROPIC_KEY, CLAUDE_MODEL, OPENAI_KEY } from './agent-support';
import { repositoryCacheIdle } from '../../src/core/git/cache/spare-checkout';

const TREE = realSourceTree('zod', 500);

describe('a 40-turn conversation on a 500-file repository finishes under the default budget', () => {
  let github: GitHubStandIn;
  let tempRoot: string;
  const standIns: LlmStandIn[] = [];

  before(async () => {
    github = await startGitHubStandIn();
    tempRoot = await mkdtemp(path.join(tmpdir(), 'tb-forty-turns-'));
  });
  after(async () => {
    await Promise.all([github.close(), ...standIns.map((standIn) => standIn.close())]);
    await repositoryCacheIdle(); // a spare checkout may still be written for the next run
    await rm(tempRoot, { recursive: true, force: true });
  });

  async function runOn(repo: string, providerConfig: Partial<EngineConfig>): Promise<RunEvent[]> {
    await github.createRepo('octo', repo, { files: TREE });
    const config: EngineConfig = { ...DEFAULT_CONFIG, github: { enterpriseUrl: github.url }, sandbox: 'local', ...providerConfig };
    assert.deepEqual(config.budget, DEFAULT_BUDGET);
    const deps = createPipelineDeps({
      config,
      secrets: fixedSecrets({ githubToken: github.token, anthropicApiKey: ANTHROPIC_KEY, openaiApiKey: OPENAI_KEY }),
      tempRoot,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tempRoot },
    });
    return collect({ repoUrl: `${github.url}/octo/${repo}`, prompt: FORTY_TURN_PROMPT }, deps);
  }

  async function assertPullRequest(repo: string, events: RunEvent[]): Promise<void> {
    const terminal = terminalOf(events);
    assert.equal(terminal.kind, 'completed', JSON.stringify(terminal));
    const usage = events.filter((event) => event.kind === 'usage');
    assert.equal(usage.length, TURNS, 'all 40 turns ran');
    const total = usage.at(-1)?.kind === 'usage' ? usage.at(-1)!.total_cost_usd : Infinity;
    assert.ok(total < (DEFAULT_BUDGET.maxCostUsd ?? Infinity), `cost ${total}`);
    const [pull] = github.pulls('octo', repo);
    assert.ok(pull, 'a pull request was opened');
    const head = await github.readBranchFiles('octo', repo, pull.head);
    const plan = fortyTurnConversation(TREE);
    assert.match(head['NOTES.md'] ?? '', /# Error handling/);
    assert.equal(head[plan.editedPath]?.split('\n')[0], plan.headerLine);
  }

  it('Claude (Messages API)', async () => {
    const anthropic = await startAnthropicStandIn({ apiKey: ANTHROPIC_KEY, script: fortyTurnConversation(TREE).script });
    standIns.push(anthropic);
    const events = await runOn('zod-claude', { providers: ['anthropic'], anthropic: { model: CLAUDE_MODEL, baseUrl: anthropic.url } });
    await assertPullRequest('zod-claude', events);
    // The context stays bounded: old results were cleared, and the stable prefix was read from the cache.
    const last = anthropic.requests.at(-1)!;
    assert.match(last.rawBody, /\[cleared to save context\]/);
    const cached = events.flatMap((event) => (event.kind === 'usage' ? [event.usage.cache_read_tokens ?? 0] : []));
    assert.ok(cached.slice(1).every((tokens) => tokens > 0), 'every turn after the first reads its prefix from the cache');
  });

  it('OpenAI (Responses API, the route for official models)', async () => {
    const responses = await startOpenAIResponsesStandIn({ apiKey: OPENAI_KEY, script: fortyTurnConversation(TREE).script });
    standIns.push(responses);
    const events = await runOn('zod-responses', { providers: ['openai'], openai: { model: 'gpt-5.1', baseUrl: `${responses.url}/v1`, api: 'responses' } });
    await assertPullRequest('zod-responses', events);
    assert.ok(responses.requests.every((request) => request.path === '/v1/responses'));
  });

  it('an OpenAI-compatible endpoint (Chat Completions)', async () => {
    const chat = await startOpenAIStandIn({ apiKey: OPENAI_KEY, script: fortyTurnConversation(TREE).script });
    standIns.push(chat);
    const events = await runOn('zod-chat', { providers: ['openai'], openai: { model: 'gpt-4.1-mini', baseUrl: `${chat.url}/v1` } });
    await assertPullRequest('zod-chat', events);
    assert.ok(chat.requests.every((request) => request.path === '/v1/chat/completions'));
  });
});
