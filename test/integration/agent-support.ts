// Shared set-up for the agent tests (not a test file itself): a real Workspace over a temp directory,
// a real LocalSandbox, an AgentContext that records every event and agent_thinking log line, and the
// config/secrets that point the real SDKs at the loopback stand-ins.

import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import type { RunEventDraft, RunEventOf } from '../../src/protocol/run-events';
import type { AgentContext } from '../../src/core/agent/agent';
import { DEFAULT_CONFIG, type EngineConfig } from '../../src/core/config/engine-config';
import type { Logger } from '../../src/core/logging/logger';
import { LocalSandbox } from '../../src/core/sandbox/local-sandbox';
import { Workspace } from '../../src/core/workspace/workspace';
import { startAnthropicStandIn } from '../support/anthropic-stand-in';
import type { LlmScript, LlmStandIn } from '../support/llm-script';
import { startOpenAIStandIn } from '../support/openai-stand-in';
import { FAKE_ANTHROPIC_KEY } from '../support/fake-secrets';

export const ANTHROPIC_KEY = FAKE_ANTHROPIC_KEY;
export const OPENAI_KEY = 'sk-test-openai-0123456789abcdef';
export const CLAUDE_MODEL = 'claude-sonnet-4-6';
export const GPT_MODEL = 'gpt-4.1-mini';

export async function anthropicStandIn(t: TestContext, script?: LlmScript): Promise<LlmStandIn> {
  const standIn = await startAnthropicStandIn({ apiKey: ANTHROPIC_KEY, ...(script ? { script } : {}) });
  t.after(() => standIn.close());
  return standIn;
}

export async function openaiStandIn(t: TestContext, script?: LlmScript): Promise<LlmStandIn> {
  const standIn = await startOpenAIStandIn({ apiKey: OPENAI_KEY, ...(script ? { script } : {}) });
  t.after(() => standIn.close());
  return standIn;
}

/** Small timings so retries and the watchdog act within a test; the policy is the production one. */
export function testConfig(overrides: { anthropic?: LlmStandIn; openai?: LlmStandIn; toolUse?: boolean } & Partial<Omit<EngineConfig, 'anthropic' | 'openai'>> = {}): EngineConfig {
  const { anthropic, openai, toolUse, ...rest } = overrides;
  return {
    ...DEFAULT_CONFIG,
    anthropic: { model: CLAUDE_MODEL, ...(anthropic ? { baseUrl: anthropic.url } : {}) },
    openai: { model: GPT_MODEL, ...(openai ? { baseUrl: `${openai.url}/v1` } : {}), ...(toolUse === undefined ? {} : { toolUse }) },
    agent: { idleTimeoutMs: 1_500, firstTokenTimeoutMs: 1_500, retryBaseDelayMs: 5, attemptsPerTurn: 2, retryAfterCapMs: 1_000 },
    ...rest,
  };
}

export interface FileTree {
  readonly [relativePath: string]: string;
}

export interface TestWorkspace {
  readonly root: string;
  readonly workspace: Workspace;
  readonly sandbox: LocalSandbox;
}

/** Writes `files` into a fresh directory; `links` are committed symlinks (path -> target). */
export async function testWorkspace(t: TestContext, files: FileTree, links: Readonly<Record<string, string>> = {}): Promise<TestWorkspace> {
  const parent = await mkdtemp(path.join(tmpdir(), 'tb-agent-'));
  t.after(() => rm(parent, { recursive: true, force: true }));
  const root = path.join(parent, 'repo');
  await mkdir(root);
  for (const [relativePath, content] of Object.entries(files)) {
    const target = path.join(root, ...relativePath.split('/'));
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, content);
  }
  for (const [relativePath, target] of Object.entries(links)) {
    const link = path.join(root, ...relativePath.split('/'));
    await mkdir(path.dirname(link), { recursive: true });
    await symlink(target, link);
  }
  // Committed symlinks are tracked files too, as `git ls-tree` lists them.
  return { root, workspace: new Workspace(root, [...Object.keys(files), ...Object.keys(links)].sort()), sandbox: new LocalSandbox(root) };
}

export interface RecordingContext {
  readonly context: AgentContext;
  readonly events: RunEventDraft[];
  readonly thinkingLog: string[];
  of<K extends RunEventDraft['kind']>(kind: K): Array<Extract<RunEventDraft, { kind: K }>>;
  thinking(topic?: RunEventOf<'thinking'>['topic']): Array<Extract<RunEventDraft, { kind: 'thinking' }>>;
}

export function recordingContext(input: { workspace: TestWorkspace; prompt: string; config: EngineConfig; signal?: AbortSignal }): RecordingContext {
  const events: RunEventDraft[] = [];
  const thinkingLog: string[] = [];
  const logger: Logger = {
    debug: () => {},
    info: () => {},
    warn: () => {},
    error: () => {},
    performance: () => {},
    thinking: (message) => thinkingLog.push(message),
  };
  const context: AgentContext = {
    prompt: input.prompt,
    workspace: input.workspace.workspace,
    summary: { fileCount: input.workspace.workspace.files().length, totalBytes: 0, languages: [], manifests: [] },
    sandbox: input.workspace.sandbox,
    config: input.config,
    signal: input.signal ?? new AbortController().signal,
    logger,
    emit: (event) => events.push(event),
  };
  const of = <K extends RunEventDraft['kind']>(kind: K) => events.filter((event): event is Extract<RunEventDraft, { kind: K }> => event.kind === kind);
  return {
    context,
    events,
    thinkingLog,
    of,
    thinking: (topic) => of('thinking').filter((event) => topic === undefined || event.topic === topic),
  };
}

/** Everything the stand-in was sent, as one string: for "this never reached the model" assertions. */
export function everythingSent(standIn: LlmStandIn): string {
  return standIn.requests.map((request) => `${JSON.stringify(request.headers)}\n${request.rawBody}`).join('\n');
}
