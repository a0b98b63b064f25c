// What real models do, through the real SDKs against the strict stand-ins (issue 10): replies cut off at
// the output limit, empty `length` turns, refusals, a full context window, extended thinking, reasoning
// items through the Responses API, slow first tokens, and recovery from failed edits.

import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { describe, test } from 'node:test';
import { createAgentChain } from '../../src/core/agent/create-agent-chain';
import type { EngineConfig } from '../../src/core/config/engine-config';
import { startOpenAIResponsesStandIn } from '../support/openai-responses-stand-in';
import type { LlmStandIn, ScriptedReply } from '../support/llm-script';
import { ANTHROPIC_KEY, OPENAI_KEY, anthropicStandIn, openaiStandIn, recordingContext, testConfig, testWorkspace, type FileTree } from './agent-support';

const FILES: FileTree = {
  'README.md': '# Shop\n',
  'src/signup.ts': 'export function signup(email: string) {\n  return save(email);\n}\n\nfunction save(email: string) {\n  return { ok: true, email };\n}\n',
};
const PROMPT = 'Add a module src/catalog.ts listing every product.';
const finish = (summary: string): ScriptedReply => ({ kind: 'tool_calls', calls: [{ name: 'finish', input: { summary } }] });
const read = (path: string): ScriptedReply => ({ kind: 'tool_calls', calls: [{ name: 'read_file', input: { path } }] });

const PART_ONE = Array.from({ length: 40 }, (_, index) => `export const product${index} = 'item ${index}';`).join('\n') + '\n';
const PART_TWO = Array.from({ length: 40 }, (_, index) => `export const product${index + 40} = 'item ${index + 40}';`).join('\n') + '\n';
const LAST_LINE_ONE = `export const product39 = 'item 39';\n`;

/** A create_file whose JSON stops mid-content, as a reply cut off at max_tokens does. */
function cutOffCreate(): ScriptedReply {
  const whole = JSON.stringify({ path: 'src/catalog.ts', content: PART_ONE + PART_TWO });
  return { kind: 'cut_off', text: 'Writing the catalog.', partialCall: { name: 'create_file', rawArguments: whole.slice(0, Math.floor(whole.length * 0.6)) } };
}

function recoverInParts(): ScriptedReply[] {
  return [
    { kind: 'tool_calls', calls: [{ name: 'create_file', input: { path: 'src/catalog.ts', content: PART_ONE } }] },
    { kind: 'tool_calls', calls: [{ name: 'edit_file', input: { path: 'src/catalog.ts', old_str: LAST_LINE_ONE, new_str: LAST_LINE_ONE + PART_TWO } }] },
    finish('Added src/catalog.ts.'),
  ];
}

async function runChain(t: TestContext, config: EngineConfig, files: FileTree = FILES, prompt = PROMPT) {
  const ws = await testWorkspace(t, files);
  const run = recordingContext({ workspace: ws, prompt, config });
  const outcome = await createAgentChain({ config, secrets: { anthropicApiKey: ANTHROPIC_KEY, openaiApiKey: OPENAI_KEY }, logger: run.context.logger })
    .run(run.context)
    .then(
      (result) => ({ result }),
      (error: unknown) => ({ error }),
    );
  return { ws, run, outcome };
}

function lastUserBlocks(standIn: LlmStandIn, index: number): any[] {
  return standIn.requests[index]?.body.messages.at(-1).content;
}

describe('a reply cut off at the output limit', () => {
  test('Claude: a cut-off create_file is named as such, with a way forward, and the file is written in parts', async (t) => {
    const anthropic = await anthropicStandIn(t, [cutOffCreate(), ...recoverInParts()]);
    const { ws, run, outcome } = await runChain(t, testConfig({ anthropic, providers: ['anthropic'] }));
    assert.ok('result' in outcome, String((outcome as { error?: unknown }).error));
    assert.equal(ws.workspace.changes.list()[0]?.after, PART_ONE + PART_TWO, 'the whole file is written');
    const result = lastUserBlocks(anthropic, 1)[0];
    assert.equal(result.type, 'tool_result');
    assert.equal(result.is_error, true);
    assert.match(result.content, /reached the output limit \(32,000 output tokens\) while it was still writing the arguments of create_file for src\/catalog\.ts/);
    assert.match(result.content, /Write it in parts/);
    assert.doesNotMatch(result.content, /Send the call again/);
    assert.ok(run.thinking('tool_decision').some((event) => /reached the output limit/.test(event.message)));
  });

  test('Chat Completions: the same through finish_reason length', async (t) => {
    const openai = await openaiStandIn(t, [cutOffCreate(), ...recoverInParts()]);
    const { ws, outcome } = await runChain(t, testConfig({ openai, providers: ['openai'] }));
    assert.ok('result' in outcome, String((outcome as { error?: unknown }).error));
    assert.equal(ws.workspace.changes.list()[0]?.after, PART_ONE + PART_TWO);
    const tool = openai.requests[1]?.body.messages.find((message: any) => message.role === 'tool');
    assert.match(tool.content, /Write it in parts/);
  });

  test('Chat Completions: an empty length turn is never sent back as content null', async (t) => {
    const openai = await openaiStandIn(t, [read('src/signup.ts'), { kind: 'cut_off' }, { kind: 'tool_calls', calls: [{ name: 'create_file', input: { path: 'src/catalog.ts', content: PART_ONE } }] }, finish('Added it.')]);
    const { outcome } = await runChain(t, testConfig({ openai, providers: ['openai'] }));
    assert.ok('result' in outcome, String((outcome as { error?: unknown }).error));
    for (const request of openai.requests) {
      for (const message of request.body.messages) assert.ok(!(message.role === 'assistant' && message.content === null && !message.tool_calls), 'no null assistant message');
    }
    assert.match(JSON.stringify(openai.requests[2]?.body.messages.at(-1)), /reached the output limit/);
  });

  test('the stand-ins refuse the null assistant message the old code sent', async (t) => {
    const openai = await openaiStandIn(t, [finish('x')]);
    const response = await fetch(`${openai.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${OPENAI_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: null }, { role: 'user', content: 'go on' }] }),
    });
    assert.equal(response.status, 400);
    const body = (await response.json()) as { error: { type: string; message: string; param: string } };
    assert.equal(body.error.type, 'invalid_request_error');
    assert.equal(body.error.message, "Invalid value for 'content': expected a string, got null.");
    assert.equal(body.error.param, 'messages.[1].content');
  });
});

describe('stop reasons that are not success', () => {
  test('a refusal ends the pass as a failure with a clear reason, and the next provider takes over', async (t) => {
    const anthropic = await anthropicStandIn(t, [{ kind: 'refusal', text: 'I cannot help with that.' }]);
    const openai = await openaiStandIn(t, [{ kind: 'tool_calls', calls: [{ name: 'create_file', input: { path: 'src/catalog.ts', content: PART_ONE } }] }, finish('Added.')]);
    const { outcome, run } = await runChain(t, testConfig({ anthropic, openai }));
    assert.ok('result' in outcome);
    assert.equal(outcome.result.agent, 'openai (gpt-4.1-mini)');
    assert.match(run.thinking('fallback').at(-1)?.message ?? '', /Anthropic: the model declined the request \(stop reason refusal\)/);
  });

  test('an OpenAI refusal is not a finished answer either', async (t) => {
    const openai = await openaiStandIn(t, [{ kind: 'refusal' }]);
    const { outcome, ws, run } = await runChain(t, testConfig({ openai, providers: ['openai'] }));
    // The offline agent cannot do a free-form prompt: the run fails, it never reports the refusal as success.
    assert.ok('error' in outcome, 'not a success');
    assert.match(run.thinking('fallback').at(-1)?.message ?? '', /declined the request \(stop reason refusal\)/);
    assert.equal(ws.workspace.changes.size, 0);
  });

  test('Chat Completions finish_reason content_filter is a refusal too', async (t) => {
    const openai = await openaiStandIn(t, [{ kind: 'text', text: 'Here is', stopReason: 'content_filter' }]);
    const { outcome, run } = await runChain(t, testConfig({ openai, providers: ['openai'] }));
    assert.ok('error' in outcome, 'not a success');
    assert.match(run.thinking('fallback').at(-1)?.message ?? '', /declined the request \(stop reason content_filter\)/);
  });

  test('a full context window ends the pass honestly', async (t) => {
    const anthropic = await anthropicStandIn(t, [{ kind: 'text', text: 'Partial', stopReason: 'model_context_window_exceeded' }]);
    const { outcome, run } = await runChain(t, testConfig({ anthropic, providers: ['anthropic'] }));
    assert.ok('error' in outcome, 'not a success');
    assert.match(run.thinking('fallback').at(-1)?.message ?? '', /filled the model's context window \(stop reason model_context_window_exceeded\)/);
  });

  test('a 400 "prompt is too long" is named as a full context window, not retried', async (t) => {
    const anthropic = await anthropicStandIn(t, [
      { kind: 'http_error', status: 400, body: { type: 'error', error: { type: 'invalid_request_error', message: 'prompt is too long: 210000 tokens > 200000 maximum' } } },
    ]);
    const { run } = await runChain(t, testConfig({ anthropic, providers: ['anthropic'] }));
    assert.equal(anthropic.requests.length, 1);
    assert.match(run.thinking('fallback').at(-1)?.message ?? '', /Anthropic: the prompt no longer fits the model's context window \(400 invalid_request_error\) \(not retried\)/);
  });
});

describe('extended thinking and reasoning items', () => {
  test('Claude with thinking on: thinking blocks go back unchanged, signatures included, across tool calls', async (t) => {
    const anthropic = await anthropicStandIn(t, [
      { kind: 'tool_calls', thinking: 'First I should read signup.', calls: [{ name: 'read_file', input: { path: 'src/signup.ts' } }] },
      { kind: 'tool_calls', thinking: 'Now create the file.', calls: [{ name: 'create_file', input: { path: 'src/catalog.ts', content: PART_ONE } }] },
      { kind: 'tool_calls', calls: [{ name: 'finish', input: { summary: 'Added.' } }] },
    ]);
    const base = testConfig({ anthropic, providers: ['anthropic'] });
    const { outcome } = await runChain(t, { ...base, anthropic: { ...base.anthropic, thinkingBudgetTokens: 4_000 } });
    assert.ok('result' in outcome, String((outcome as { error?: unknown }).error));
    const second = anthropic.requests[1]?.body;
    assert.deepEqual(second.thinking, { type: 'enabled', budget_tokens: 4_000 });
    assert.ok(second.max_tokens > 4_000);
    const assistant = second.messages.at(-2);
    assert.equal(assistant.content[0].type, 'thinking');
    assert.equal(assistant.content[0].thinking, 'First I should read signup.');
    assert.equal(anthropic.requests.length, 3, 'every request was accepted by the strict stand-in');
  });

  test('the stand-in refuses a thinking block whose text was changed, and one left out', async (t) => {
    const anthropic = await anthropicStandIn(t, [finish('x')]);
    const send = (messages: unknown[]) =>
      fetch(`${anthropic.url}/v1/messages`, {
        method: 'POST',
        headers: { 'x-api-key': ANTHROPIC_KEY, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'claude-sonnet-4-6', max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 2048 }, messages }),
      });
    const toolTurn = (first: unknown[]) => [
      { role: 'user', content: 'go' },
      { role: 'assistant', content: [...first, { type: 'tool_use', id: 'toolu_1', name: 'read_file', input: {} }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'x' }] },
    ];
    const altered = await send(toolTurn([{ type: 'thinking', thinking: 'edited', signature: 'bogus' }]));
    assert.equal(altered.status, 400);
    assert.match(((await altered.json()) as { error: { message: string } }).error.message, /Invalid `signature` in `thinking` block/);
    const stripped = await send(toolTurn([]));
    assert.equal(stripped.status, 400);
    assert.match(((await stripped.json()) as { error: { message: string } }).error.message, /must start with a thinking block/);
  });

  test('OpenAI through the Responses API keeps reasoning items between tool calls', async (t) => {
    const responses = await startOpenAIResponsesStandIn({
      apiKey: OPENAI_KEY,
      script: [read('src/signup.ts'), { kind: 'tool_calls', calls: [{ name: 'create_file', input: { path: 'src/catalog.ts', content: PART_ONE } }] }, finish('Added.')],
    });
    t.after(() => responses.close());
    const base = testConfig({ providers: ['openai'] });
    const { outcome, ws } = await runChain(t, { ...base, openai: { model: 'gpt-5.1', baseUrl: `${responses.url}/v1`, api: 'responses' } });
    assert.ok('result' in outcome, String((outcome as { error?: unknown }).error));
    assert.equal(ws.workspace.changes.size, 1);
    const second = responses.requests[1]?.body;
    assert.equal(second.store, false);
    assert.deepEqual(second.include, ['reasoning.encrypted_content']);
    const types = second.input.map((item: any) => item.type ?? item.role);
    assert.deepEqual(types.slice(0, 4), ['user', 'reasoning', 'function_call', 'function_call_output']);
    assert.match(second.input[1].encrypted_content, /\S{20,}/);
  });

  test('a cut-off create_file through the Responses API is recovered from too', async (t) => {
    const responses = await startOpenAIResponsesStandIn({ apiKey: OPENAI_KEY, script: [cutOffCreate(), ...recoverInParts()] });
    t.after(() => responses.close());
    const base = testConfig({ providers: ['openai'] });
    const { outcome, ws } = await runChain(t, { ...base, openai: { model: 'gpt-5.1', baseUrl: `${responses.url}/v1`, api: 'responses' } });
    assert.ok('result' in outcome, String((outcome as { error?: unknown }).error));
    assert.equal(ws.workspace.changes.list()[0]?.after, PART_ONE + PART_TWO);
  });
});

describe('slow first tokens and recovery', () => {
  test('a reasoning model that is silent before its first token is given the first-token allowance', async (t) => {
    const anthropic = await anthropicStandIn(t, [{ kind: 'delay', ms: 600, then: { kind: 'tool_calls', calls: [{ name: 'create_file', input: { path: 'src/catalog.ts', content: PART_ONE } }] } }, finish('Added.')]);
    const base = testConfig({ anthropic, providers: ['anthropic'] });
    const { outcome } = await runChain(t, { ...base, agent: { ...base.agent, idleTimeoutMs: 200, firstTokenTimeoutMs: 5_000, attemptsPerTurn: 1 } });
    assert.ok('result' in outcome, String((outcome as { error?: unknown }).error));
    assert.equal(outcome.result.agent, 'anthropic (claude-sonnet-4-6)');
  });

  test('read, failed edit, read, another failed edit, read is progress, not loop_detected', async (t) => {
    const badEdit = (oldStr: string): ScriptedReply => ({ kind: 'tool_calls', calls: [{ name: 'edit_file', input: { path: 'src/signup.ts', old_str: oldStr, new_str: 'x' } }] });
    const anthropic = await anthropicStandIn(t, [
      read('src/signup.ts'),
      badEdit('return saev(email);'),
      read('src/signup.ts'),
      badEdit('retrun save(email)'),
      read('src/signup.ts'),
      { kind: 'tool_calls', calls: [{ name: 'edit_file', input: { path: 'src/signup.ts', old_str: '  return save(email);', new_str: "  if (!email.includes('@')) throw new Error('invalid');\n  return save(email);" } }] },
      finish('Validated the email.'),
    ]);
    const { outcome, ws } = await runChain(t, testConfig({ anthropic, providers: ['anthropic'] }), FILES, 'Validate the email in signup.');
    assert.ok('result' in outcome, String((outcome as { error?: unknown }).error));
    assert.match(ws.workspace.changes.list()[0]?.after ?? '', /invalid/);
  });
});
