// The agent's provider chain with the real Anthropic and OpenAI SDKs against the loopback stand-ins:
// a tool-loop edit through each provider, and each classified failure: retry, fallback, no retry, discard.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createAgentChain } from '../../src/core/agent/create-agent-chain';
import { hasCode, isTinyBackspaceError } from '../../src/core/errors/tiny-backspace-error';
import { anthropicErrorBody } from '../support/anthropic-stand-in';
import { openaiErrorBody } from '../support/openai-stand-in';
import {
  ANTHROPIC_KEY,
  OPENAI_KEY,
  anthropicStandIn,
  openaiStandIn,
  recordingContext,
  testConfig,
  testWorkspace,
  type FileTree,
} from './agent-support';

const FILES: FileTree = {
  'README.md': '# Shop\n\nA tiny shop.\n',
  'src/signup.ts': [
    'export function signupHandler(body: { email: string; password: string }) {',
    '  const user = { email: body.email, password: body.password };',
    '  return saveUser(user);',
    '}',
    '',
    'function saveUser(user: { email: string; password: string }) {',
    '  return { ok: true, user };',
    '}',
    '',
  ].join('\n'),
  'src/cart.ts': 'export const cart: string[] = [];\n',
};

const PROMPT = 'Add input validation to the signup handler: reject an email without "@".';
const OLD = '  const user = { email: body.email, password: body.password };';
const NEW = "  if (!body.email.includes('@')) throw new Error('invalid email');\n  const user = { email: body.email, password: body.password };";

/** The scripted model's plan: read, edit, finish. */
const readCall = { name: 'read_file', input: { path: 'src/signup.ts' } };
const editCall = { name: 'edit_file', input: { path: 'src/signup.ts', old_str: OLD, new_str: NEW } };
const finishCall = { name: 'finish', input: { summary: 'Validate the email in signupHandler.' } };

function bothKeys() {
  return { anthropicApiKey: ANTHROPIC_KEY, openaiApiKey: OPENAI_KEY };
}

describe('agent tool loop through each provider', () => {
  test('Claude reads, edits by old/new text and finishes; the stream shows every step and the cost', async (t) => {
    const anthropic = await anthropicStandIn(t, [
      { kind: 'tool_calls', text: 'Let me look at the handler.', calls: [readCall], usage: { input: 1200, output: 40, cacheRead: 0, cacheCreation: 900 } },
      { kind: 'tool_calls', calls: [editCall], usage: { input: 300, output: 80, cacheRead: 1500 } },
      { kind: 'tool_calls', text: 'Done.', calls: [finishCall], usage: { input: 200, output: 20, cacheRead: 1700 } },
    ]);
    const ws = await testWorkspace(t, FILES);
    const run = recordingContext({ workspace: ws, prompt: PROMPT, config: testConfig({ anthropic, providers: ['anthropic', 'openai'] }) });

    const result = await createAgentChain({ config: run.context.config, secrets: { anthropicApiKey: ANTHROPIC_KEY }, logger: run.context.logger }).run(run.context);

    assert.equal(result.agent, `anthropic (claude-sonnet-4-6)`);
    assert.equal(result.summary, 'Validate the email in signupHandler.');
    const [change] = ws.workspace.changes.list();
    assert.equal(change?.path, 'src/signup.ts');
    assert.ok(change?.after?.includes("if (!body.email.includes('@')) throw new Error('invalid email');"));
    assert.equal(ws.workspace.changes.size, 1);

    // The stream: provider choice, the tools with their fields, AI text, usage with cost.
    assert.match(run.thinking('provider').map((event) => event.message).join('\n'), /Using Anthropic \(claude-sonnet-4-6\)/);
    const tools = run.of('tool');
    assert.deepEqual(tools.map((event) => event.tool), ['Read', 'Edit', 'Finish']);
    const edit = tools[1];
    assert.equal(edit?.message, 'Tool: Edit src/signup.ts');
    assert.equal(edit?.filepath, 'src/signup.ts');
    assert.equal(edit?.old_str, OLD);
    assert.equal(edit?.new_str, NEW);
    assert.equal(run.of('ai_message').map((event) => event.message).join(''), 'Let me look at the handler.Done.');
    const usage = run.of('usage');
    assert.equal(usage.length, 3);
    assert.equal(usage[0]?.usage.input_tokens, 2100, 'input + cache writes');
    assert.ok((usage[0]?.usage.cost_usd ?? 0) > 0);
    assert.ok(Math.abs((usage[2]?.total_cost_usd ?? 0) - usage.reduce((sum, event) => sum + event.usage.cost_usd, 0)) < 1e-6);
    assert.deepEqual(result.usage.map((entry) => [entry.provider, entry.model, entry.input_tokens, entry.output_tokens]), [['anthropic', 'claude-sonnet-4-6', 2100 + 1800 + 1900, 140]]);
    const progress = run.events.map((event) => event.progress).filter((value): value is number => value !== undefined);
    assert.ok(progress.every((value) => value >= 32 && value <= 74), `progress ${progress.join(',')}`);

    // What the model was sent: tools, cache breakpoints, the tool result with the file content.
    const [first, second] = anthropic.requests;
    assert.deepEqual(first?.body.tools.map((tool: { name: string }) => tool.name), ['list_files', 'tree', 'read_file', 'search', 'edit_file', 'multi_edit', 'create_file', 'write_file', 'delete_file', 'rename_file', 'view_diff', 'finish']);
    assert.deepEqual(first?.body.system[0].cache_control, { type: 'ephemeral' });
    assert.deepEqual(first?.body.tools.at(-1).cache_control, { type: 'ephemeral' });
    assert.match(first?.body.system[0].text, /Repository map: 3 files/);
    assert.match(first?.body.system[0].text, /src\/signup\.ts\n {2}export function signupHandler/);
    const toolResult = second?.body.messages.at(-1).content[0];
    assert.equal(toolResult.type, 'tool_result');
    assert.match(toolResult.content, /2\t {2}const user = \{ email: body\.email/);
    // The moving breakpoint sits on the newest block: after the results, the per-turn budget note.
    assert.deepEqual(second?.body.messages.at(-1).content.at(-1), { type: 'text', text: second?.body.messages.at(-1).content.at(-1).text, cache_control: { type: 'ephemeral' } });
    assert.match(second?.body.messages.at(-1).content.at(-1).text, /^Budget left: 59 of 60 turns/);
    assert.equal(anthropic.requests[0]?.headers.authorization, `Bearer ${ANTHROPIC_KEY}`);
  });

  test('the same edit through OpenAI tool_calls', async (t) => {
    const openai = await openaiStandIn(t, [
      { kind: 'tool_calls', calls: [readCall] },
      { kind: 'tool_calls', text: 'Adding the check.', calls: [editCall, finishCall], usage: { input: 400, output: 60, cacheRead: 256 } },
    ]);
    const ws = await testWorkspace(t, FILES);
    const run = recordingContext({ workspace: ws, prompt: PROMPT, config: testConfig({ openai, providers: ['openai'] }) });

    const result = await createAgentChain({ config: run.context.config, secrets: { openaiApiKey: OPENAI_KEY }, logger: run.context.logger }).run(run.context);

    assert.equal(result.agent, 'openai (gpt-4.1-mini)');
    assert.match(ws.workspace.changes.list()[0]?.after ?? '', /invalid email/);
    assert.deepEqual(run.of('tool').map((event) => event.message), ['Tool: Read src/signup.ts', 'Tool: Edit src/signup.ts', 'Tool: Finish']);
    assert.equal(run.of('usage')[1]?.usage.cache_read_tokens, 256);
    const second = openai.requests[1]?.body;
    assert.equal(second.messages[0].role, 'system');
    assert.equal(second.messages.at(-2).role, 'tool');
    assert.match(second.messages.at(-2).content, /export function signupHandler/);
    assert.match(second.messages.at(-1).content, /^Budget left:/);
    assert.deepEqual(second.stream_options, { include_usage: true });
    assert.equal(second.max_tokens, 32_000, 'a compatible server gets max_tokens, sized for the model (gpt-4.1-mini allows 32,768)');
  });
});

describe('classified fallback', () => {
  test('529 overloaded is retried, then the run falls back to OpenAI and says why', async (t) => {
    const overloaded = { kind: 'http_error', status: 529, body: anthropicErrorBody('overloaded_error', 'Overloaded'), headers: { 'retry-after-ms': '5' } } as const;
    const anthropic = await anthropicStandIn(t, [overloaded, overloaded]);
    const openai = await openaiStandIn(t, [{ kind: 'tool_calls', calls: [editCall, finishCall] }]);
    const ws = await testWorkspace(t, FILES);
    const run = recordingContext({ workspace: ws, prompt: PROMPT, config: testConfig({ anthropic, openai }) });

    const result = await createAgentChain({ config: run.context.config, secrets: bothKeys(), logger: run.context.logger }).run(run.context);

    assert.equal(anthropic.requests.length, 2, 'one retry within the provider budget');
    assert.equal(result.agent, 'openai (gpt-4.1-mini)');
    const fallback = run.thinking('fallback').map((event) => event.message);
    assert.match(fallback[0] ?? '', /Anthropic: 529 overloaded_error; retrying in 5 ms \(attempt 2 of 2\)/);
    assert.match(fallback[1] ?? '', /Anthropic: 529 overloaded_error, 2 attempts; discarded its edits and falling back to the OpenAI-compatible endpoint at 127\.0\.0\.1:\d+/);
    assert.ok(run.thinkingLog.some((line) => /falling back to the OpenAI-compatible endpoint at 127\.0\.0\.1:\d+/.test(line)), 'the agent_thinking log says the same');
    assert.match(run.thinking('provider').at(-1)?.message ?? '', /Using the OpenAI-compatible endpoint at 127\.0\.0\.1:\d+ \(gpt-4\.1-mini\) because Anthropic: 529/);
    assert.match(ws.workspace.changes.list()[0]?.after ?? '', /invalid email/);
  });

  test('a rate-limit 429 waits the retry-after the server asked for, then succeeds on the same provider', async (t) => {
    const anthropic = await anthropicStandIn(t, [
      { kind: 'http_error', status: 429, body: anthropicErrorBody('rate_limit_error', 'Slow down'), headers: { 'retry-after-ms': '20' } },
      { kind: 'tool_calls', calls: [editCall, finishCall] },
    ]);
    const ws = await testWorkspace(t, FILES);
    const run = recordingContext({ workspace: ws, prompt: PROMPT, config: testConfig({ anthropic }) });

    const result = await createAgentChain({ config: run.context.config, secrets: { anthropicApiKey: ANTHROPIC_KEY }, logger: run.context.logger }).run(run.context);

    assert.equal(result.agent, 'anthropic (claude-sonnet-4-6)');
    assert.match(run.thinking('fallback')[0]?.message ?? '', /^Anthropic: 429 rate_limit_error; retrying in 20 ms \(attempt 2 of 2\)\.$/);
  });

  test('a retry-after beyond the cap is not slept through: the next provider takes over at once', async (t) => {
    const anthropic = await anthropicStandIn(t, [
      { kind: 'http_error', status: 429, body: anthropicErrorBody('rate_limit_error', 'Slow down'), headers: { 'retry-after': '120' } },
    ]);
    const openai = await openaiStandIn(t, [{ kind: 'tool_calls', calls: [editCall, finishCall] }]);
    const ws = await testWorkspace(t, FILES);
    const run = recordingContext({ workspace: ws, prompt: PROMPT, config: testConfig({ anthropic, openai }) });

    const result = await createAgentChain({ config: run.context.config, secrets: bothKeys(), logger: run.context.logger }).run(run.context);

    assert.equal(result.agent, 'openai (gpt-4.1-mini)');
    assert.equal(anthropic.requests.length, 1);
    assert.equal(run.thinking('fallback')[0]?.reason, 'Anthropic: 429 rate_limit_error and asked to wait 120 s, more than the 1.0 s cap');
  });

  test('a quota 429 is not retried: straight to the next provider, with the reason', async (t) => {
    const openai = await openaiStandIn(t, [
      { kind: 'http_error', status: 429, body: openaiErrorBody('You exceeded your current quota.', 'insufficient_quota', 'insufficient_quota'), headers: { 'retry-after-ms': '5' } },
    ]);
    const anthropic = await anthropicStandIn(t, [{ kind: 'tool_calls', calls: [editCall, finishCall] }]);
    const ws = await testWorkspace(t, FILES);
    const run = recordingContext({ workspace: ws, prompt: PROMPT, config: testConfig({ anthropic, openai, providers: ['openai', 'anthropic'] }) });

    const result = await createAgentChain({ config: run.context.config, secrets: bothKeys(), logger: run.context.logger }).run(run.context);

    assert.equal(openai.requests.length, 1);
    assert.equal(result.agent, 'anthropic (claude-sonnet-4-6)');
    const reasons = run.thinking('fallback').map((event) => event.reason ?? '');
    assert.match(reasons.join('|'), /^the OpenAI-compatible endpoint at 127\.0\.0\.1:\d+: 429 insufficient_quota \(not retried\)$/);
  });

  test('a wrong key (401) is not retried and the next provider takes over', async (t) => {
    const anthropic = await anthropicStandIn(t, [{ kind: 'text', text: 'never served' }]);
    const openai = await openaiStandIn(t, [{ kind: 'tool_calls', calls: [editCall, finishCall] }]);
    const ws = await testWorkspace(t, FILES);
    const run = recordingContext({ workspace: ws, prompt: PROMPT, config: testConfig({ anthropic, openai }) });

    const result = await createAgentChain({ config: run.context.config, secrets: { anthropicApiKey: 'sk-ant-wrong-key-000000', openaiApiKey: OPENAI_KEY }, logger: run.context.logger }).run(run.context);

    assert.equal(anthropic.requests.length, 1);
    assert.equal(result.agent, 'openai (gpt-4.1-mini)');
    assert.match(run.thinking('fallback')[0]?.reason ?? '', /^Anthropic: 401 authentication_error \(not retried\)$/);
  });

  test('a mid-stream error discards the partial turn; the retry succeeds without it', async (t) => {
    const anthropic = await anthropicStandIn(t, [
      { kind: 'mid_stream_error', afterText: 'I will now half-' },
      { kind: 'tool_calls', text: 'Editing.', calls: [editCall, finishCall] },
    ]);
    const ws = await testWorkspace(t, FILES);
    const run = recordingContext({ workspace: ws, prompt: PROMPT, config: testConfig({ anthropic }) });

    const result = await createAgentChain({ config: run.context.config, secrets: { anthropicApiKey: ANTHROPIC_KEY }, logger: run.context.logger }).run(run.context);

    assert.equal(result.agent, 'anthropic (claude-sonnet-4-6)');
    assert.equal(anthropic.requests.length, 2);
    const discarded = run.thinking('fallback').map((event) => event.message);
    assert.match(discarded[0] ?? '', /Discarded Anthropic's partial reply after overloaded_error in the middle of the stream/);
    assert.match(discarded[1] ?? '', /retrying/);
    // The retry re-sends the same conversation: the partial text never became part of it.
    assert.deepEqual(anthropic.requests[1]?.body.messages, anthropic.requests[0]?.body.messages);
    assert.equal(run.of('usage').length, 1, 'the failed attempt reported no usage');
  });

  test('a stream that stalls after its headers is caught by the idle watchdog, retried, then falls back', async (t) => {
    const anthropic = await anthropicStandIn(t, [
      { kind: 'stall_after_headers', afterText: 'Thinking' },
      { kind: 'stall_after_headers' },
    ]);
    const openai = await openaiStandIn(t, [{ kind: 'tool_calls', calls: [editCall, finishCall] }]);
    const ws = await testWorkspace(t, FILES);
    const config = testConfig({ anthropic, openai });
    const run = recordingContext({ workspace: ws, prompt: PROMPT, config: { ...config, agent: { ...config.agent, idleTimeoutMs: 150, firstTokenTimeoutMs: 150 } } });

    const result = await createAgentChain({ config: run.context.config, secrets: bothKeys(), logger: run.context.logger }).run(run.context);

    assert.equal(result.agent, 'openai (gpt-4.1-mini)');
    assert.equal(anthropic.requests.length, 2);
    assert.match(run.thinking('fallback').at(-1)?.reason ?? '', /^Anthropic: the stream stalled \(nothing for 150 ms\), 2 attempts$/);
  });

  test('malformed tool JSON is re-asked once; a second malformed turn moves on to the next provider', async (t) => {
    const anthropic = await anthropicStandIn(t, [
      { kind: 'malformed_tool_json', name: 'edit_file', rawArguments: '{"path": "src/signup.ts", "old_st' },
      { kind: 'malformed_tool_json', name: 'edit_file', rawArguments: '{"path": "src/signup.ts",, }' },
    ]);
    const openai = await openaiStandIn(t, [
      { kind: 'malformed_tool_json', name: 'edit_file', rawArguments: '{"path": ' },
      { kind: 'tool_calls', calls: [editCall, finishCall] },
    ]);
    const ws = await testWorkspace(t, FILES);
    const run = recordingContext({ workspace: ws, prompt: PROMPT, config: testConfig({ anthropic, openai }) });

    const result = await createAgentChain({ config: run.context.config, secrets: bothKeys(), logger: run.context.logger }).run(run.context);

    assert.equal(result.agent, 'openai (gpt-4.1-mini)', 'OpenAI recovered after one re-ask');
    const reask = anthropic.requests[1]?.body.messages.at(-1).content[0];
    assert.equal(reask.type, 'tool_result');
    assert.equal(reask.is_error, true);
    assert.match(reask.content, /not valid JSON/);
    assert.match(run.thinking('fallback')[0]?.reason ?? '', /Anthropic: malformed tool calls twice in a row/);
    assert.equal(run.thinking('tool_decision').length, 2, 'each provider was asked again once');
    assert.match(ws.workspace.changes.list()[0]?.after ?? '', /invalid email/);
  });

  test('a provider that fails after staging edits has them discarded before the next one starts', async (t) => {
    const createCall = { name: 'create_file', input: { path: 'src/half-done.ts', content: 'export {};\n' } };
    const anthropic = await anthropicStandIn(t, [
      { kind: 'tool_calls', calls: [createCall] },
      { kind: 'http_error', status: 500, body: anthropicErrorBody('api_error', 'Internal error') },
      { kind: 'http_error', status: 500, body: anthropicErrorBody('api_error', 'Internal error') },
    ]);
    const openai = await openaiStandIn(t, [{ kind: 'tool_calls', calls: [editCall, finishCall] }]);
    const ws = await testWorkspace(t, FILES);
    const run = recordingContext({ workspace: ws, prompt: PROMPT, config: testConfig({ anthropic, openai }) });

    await createAgentChain({ config: run.context.config, secrets: bothKeys(), logger: run.context.logger }).run(run.context);

    assert.deepEqual(ws.workspace.changes.list().map((change) => change.path), ['src/signup.ts']);
    assert.ok(run.of('tool').some((event) => event.tool === 'Create'), 'the discarded edit was shown while it happened');
  });

  test('no keys at all: both providers are skipped, the stream says so, and the offline agent runs', async (t) => {
    const ws = await testWorkspace(t, FILES);
    const run = recordingContext({ workspace: ws, prompt: 'replace "A tiny shop." with "A small shop."', config: testConfig() });

    const result = await createAgentChain({ config: run.context.config, secrets: {}, logger: run.context.logger }).run(run.context);

    assert.equal(result.agent, 'offline');
    const provider = run.thinking('provider');
    assert.deepEqual(provider.slice(0, 2).map((event) => event.reason), ['no ANTHROPIC_API_KEY is set', 'no OPENAI_API_KEY is set']);
    assert.match(provider[2]?.message ?? '', /Using the offline agent/);
    assert.equal(ws.workspace.changes.list()[0]?.after, '# Shop\n\nA small shop.\n');
  });

  test('offline placed first handles a mechanical prompt itself and passes anything else on', async (t) => {
    const anthropic = await anthropicStandIn(t, [{ kind: 'tool_calls', calls: [editCall, finishCall] }]);
    const mechanical = await testWorkspace(t, FILES);
    const first = recordingContext({ workspace: mechanical, prompt: 'replace "A tiny shop." with "A small shop."', config: testConfig({ anthropic, providers: ['offline', 'anthropic'] }) });
    const done = await createAgentChain({ config: first.context.config, secrets: { anthropicApiKey: ANTHROPIC_KEY }, logger: first.context.logger }).run(first.context);
    assert.equal(done.agent, 'offline');
    assert.equal(anthropic.requests.length, 0);

    const ws = await testWorkspace(t, FILES);
    const second = recordingContext({ workspace: ws, prompt: PROMPT, config: testConfig({ anthropic, providers: ['offline', 'anthropic'] }) });
    const result = await createAgentChain({ config: second.context.config, secrets: { anthropicApiKey: ANTHROPIC_KEY }, logger: second.context.logger }).run(second.context);
    assert.equal(result.agent, 'anthropic (claude-sonnet-4-6)');
    assert.match(second.thinking('fallback')[0]?.message ?? '', /The offline agent cannot do this prompt; trying Anthropic/);
  });

  test('a loopback OpenAI-compatible endpoint needs no key', async (t) => {
    const local = await startKeylessOpenAI(t);
    const ws = await testWorkspace(t, FILES);
    const run = recordingContext({ workspace: ws, prompt: PROMPT, config: testConfig({ openai: local, providers: ['openai'] }) });

    const result = await createAgentChain({ config: run.context.config, secrets: {}, logger: run.context.logger }).run(run.context);

    assert.equal(result.agent, 'openai (gpt-4.1-mini)');
    assert.equal(local.requests[0]?.headers.authorization, 'Bearer not-needed');
  });

  test('cancelling during a stalled stream stops at once: no retry, no fallback', async (t) => {
    const anthropic = await anthropicStandIn(t, [{ kind: 'stall_after_headers', afterText: 'Hmm' }]);
    const openai = await openaiStandIn(t, [{ kind: 'tool_calls', calls: [finishCall] }]);
    const ws = await testWorkspace(t, FILES);
    const controller = new AbortController();
    const run = recordingContext({ workspace: ws, prompt: PROMPT, config: testConfig({ anthropic, openai }), signal: controller.signal });
    const original = run.context.emit;
    const context = { ...run.context, emit: (event: Parameters<typeof original>[0]) => {
      original(event);
      if (event.kind === 'ai_message') controller.abort('Cancelled by the test.');
    } };

    await assert.rejects(createAgentChain({ config: context.config, secrets: bothKeys(), logger: context.logger }).run(context), (error: unknown) => {
      assert.ok(isTinyBackspaceError(error) && hasCode(error, 'cancelled'), String(error));
      return true;
    });
    assert.equal(anthropic.requests.length, 1);
    assert.equal(openai.requests.length, 0);
    assert.equal(run.thinking('fallback').length, 0);
  });
});

async function startKeylessOpenAI(t: Parameters<typeof openaiStandIn>[0]) {
  // The stand-in checks for exactly this key, so a request without it would be refused with 401.
  const { startOpenAIStandIn } = await import('../support/openai-stand-in');
  const standIn = await startOpenAIStandIn({ apiKey: 'not-needed', script: [{ kind: 'tool_calls', calls: [editCall, finishCall] }] });
  t.after(() => standIn.close());
  return standIn;
}
