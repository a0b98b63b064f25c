// The scripted 40-turn conversation of issue 10 (test/support/llm/forty-turn-conversation.ts) on 500 real
// source files (zod from node_modules), through the real agent loop and the real SDKs against the
// loopback stand-ins, with and without context editing (clearing old tool results). The stand-ins count
// input from each request body (characters / 4) and derive cache reads and writes from the breakpoints
// (Anthropic) or the repeated prefix (OpenAI), as the services bill them. Cost is the estimate the product
// shows (agent/budget/pricing.ts list prices); nothing here is timed.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { AgentContext } from '../src/core/agent/agent';
import { createAgentChain } from '../src/core/agent/create-agent-chain';
import { DEFAULT_CONFIG, type EngineConfig } from '../src/core/config/engine-config';
import type { Logger } from '../src/core/logging/logger';
import { LocalSandbox } from '../src/core/sandbox/local-sandbox';
import { Workspace } from '../src/core/workspace/workspace';
import type { Usage } from '../src/protocol/run-events';
import { startAnthropicStandIn } from '../test/support/anthropic-stand-in';
import { FORTY_TURN_PROMPT, fortyTurnConversation } from '../test/support/llm/forty-turn-conversation';
import { realSourceTree } from '../test/support/llm/real-source-tree';
import type { LlmStandIn } from '../test/support/llm-script';
import { startOpenAIResponsesStandIn } from '../test/support/openai-responses-stand-in';

const KEY = 'bench-key-0123456789';
const TREE = realSourceTree('zod', 500);

const QUIET: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {}, performance: () => {}, thinking: () => {} };

interface Outcome {
  readonly usage: Usage;
  readonly turns: number;
  readonly lastRequestTokens: number;
  readonly largestRequestTokens: number;
}

async function converse(root: string, provider: 'anthropic' | 'openai', keepToolResults: number): Promise<Outcome> {
  const plan = fortyTurnConversation(TREE);
  const standIn: LlmStandIn =
    provider === 'anthropic' ? await startAnthropicStandIn({ apiKey: KEY, script: plan.script }) : await startOpenAIResponsesStandIn({ apiKey: KEY, script: plan.script });
  try {
    const config: EngineConfig = {
      ...DEFAULT_CONFIG,
      providers: [provider],
      anthropic: { model: 'claude-sonnet-4-6', baseUrl: standIn.url },
      openai: { model: 'gpt-5.1', baseUrl: `${standIn.url}/v1`, api: 'responses' },
      agent: { keepToolResults },
    };
    const workspace = new Workspace(root, Object.keys(TREE).sort());
    const context: AgentContext = {
      prompt: FORTY_TURN_PROMPT,
      workspace,
      summary: { fileCount: workspace.files().length, totalBytes: 0, languages: [], manifests: [] },
      sandbox: new LocalSandbox(root),
      config,
      signal: new AbortController().signal,
      logger: QUIET,
      emit: () => {},
    };
    const secrets = provider === 'anthropic' ? { anthropicApiKey: KEY } : { openaiApiKey: KEY };
    const result = await createAgentChain({ config, secrets, logger: QUIET }).run(context);
    const usage = result.usage[0];
    if (!usage) throw new Error('no usage recorded');
    const sizes = standIn.requests.map((request) => Math.ceil(request.rawBody.length / 4));
    return { usage, turns: standIn.requests.length, lastRequestTokens: sizes.at(-1) ?? 0, largestRequestTokens: Math.max(...sizes) };
  } finally {
    await standIn.close();
  }
}

function figures(label: string, outcome: Outcome): Record<string, number | string> {
  const { usage } = outcome;
  const read = usage.cache_read_tokens ?? 0;
  const written = usage.cache_write_tokens ?? 0;
  const uncached = usage.input_tokens - read - written;
  return {
    [`${label}: turns`]: outcome.turns,
    [`${label}: prompt tokens, all turns`]: usage.input_tokens,
    [`${label}:   uncached input`]: uncached,
    [`${label}:   cache writes`]: written,
    [`${label}:   cache reads`]: read,
    [`${label}: output tokens`]: usage.output_tokens,
    [`${label}: billed tokens (budget: uncached + writes + output)`]: uncached + written + usage.output_tokens,
    [`${label}: last request (tokens)`]: outcome.lastRequestTokens,
    [`${label}: largest request (tokens)`]: outcome.largestRequestTokens,
    [`${label}: estimated cost (USD)`]: usage.cost_usd.toFixed(4),
  };
}

export async function benchAgentConversation(): Promise<Record<string, number | string>> {
  const parent = await mkdtemp(path.join(tmpdir(), 'tb-bench-conversation-'));
  try {
    const root = path.join(parent, 'repo');
    for (const [file, content] of Object.entries(TREE)) {
      const target = path.join(root, ...file.split('/'));
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, content);
    }
    const out: Record<string, number | string> = { 'repository files': Object.keys(TREE).length };
    Object.assign(out, figures('Claude, clearing (keep 8)', await converse(root, 'anthropic', 8)));
    Object.assign(out, figures('Claude, no clearing', await converse(root, 'anthropic', 0)));
    Object.assign(out, figures('GPT-5.1 Responses, clearing (keep 8)', await converse(root, 'openai', 8)));
    Object.assign(out, figures('GPT-5.1 Responses, no clearing', await converse(root, 'openai', 0)));
    return out;
  } finally {
    await rm(parent, { recursive: true, force: true });
  }
}
