// The stand-ins refuse, with the real status and error shape, the request shapes the real services
// refuse (issue 10: the old stand-ins accepted them, which is how the agent's bugs passed the tests).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ANTHROPIC_KEY, OPENAI_KEY, anthropicStandIn, openaiStandIn } from './agent-support';
import { startOpenAIResponsesStandIn } from '../support/openai-responses-stand-in';

const OK_REPLY = { kind: 'text' as const, text: 'fine' };

async function post(url: string, headers: Record<string, string>, body: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: response.status, body: await response.json() };
}

describe('Anthropic Messages stand-in', () => {
  const headers = { 'x-api-key': ANTHROPIC_KEY, 'anthropic-version': '2023-06-01' };
  const cases: Array<[string, unknown[], RegExp, unknown?]> = [
    ['first message from the assistant', [{ role: 'assistant', content: 'hi' }], /first message must use the "user" role/],
    ['two user messages in a row', [{ role: 'user', content: 'a' }, { role: 'user', content: 'b' }], /roles must alternate/],
    ['a whitespace-only text block', [{ role: 'user', content: [{ type: 'text', text: '  \n' }] }], /text content blocks must contain non-whitespace text/],
    [
      'a tool_use without its tool_result',
      [{ role: 'user', content: 'go' }, { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'x', input: {} }] }, { role: 'user', content: 'next' }],
      /`tool_use` ids were found without `tool_result` blocks immediately after: toolu_1/,
    ],
    [
      'a tool_result with an id that was never asked',
      [{ role: 'user', content: 'go' }, { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'x', input: {} }] }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'a' }, { type: 'tool_result', tool_use_id: 'toolu_9', content: 'b' }] }],
      /unexpected `tool_use_id` found in `tool_result` blocks: toolu_9/,
    ],
    [
      'text before the tool results',
      [{ role: 'user', content: 'go' }, { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'x', input: {} }] }, { role: 'user', content: [{ type: 'text', text: 'note' }, { type: 'tool_result', tool_use_id: 'toolu_1', content: 'a' }] }],
      /tool_result blocks must come first/,
    ],
    ['an empty user message', [{ role: 'user', content: [] }], /must have non-empty content/],
  ];
  for (const [name, messages, error] of cases) {
    test(`refuses ${name}`, async (t) => {
      const standIn = await anthropicStandIn(t, [OK_REPLY]);
      const response = await post(`${standIn.url}/v1/messages`, headers, { model: 'claude-sonnet-4-6', max_tokens: 100, messages });
      assert.equal(response.status, 400);
      assert.equal(response.body.type, 'error');
      assert.equal(response.body.error.type, 'invalid_request_error');
      assert.match(response.body.error.message, error);
      assert.equal(standIn.remaining(), 1, 'a refused request consumes no scripted reply');
    });
  }

  test('refuses more than 4 cache_control breakpoints', async (t) => {
    const standIn = await anthropicStandIn(t, [OK_REPLY]);
    const cached = (text: string) => ({ type: 'text', text, cache_control: { type: 'ephemeral' } });
    const response = await post(`${standIn.url}/v1/messages`, headers, {
      model: 'claude-sonnet-4-6',
      max_tokens: 100,
      system: [cached('system')],
      messages: [{ role: 'user', content: [cached('a'), cached('b'), cached('c'), cached('d')] }],
    });
    assert.equal(response.status, 400);
    assert.equal(response.body.error.message, 'A maximum of 4 blocks with cache_control may be provided. Found 5.');
  });

  test('accepts a well-formed conversation and bills it from the request: cache written, then read', async (t) => {
    const standIn = await anthropicStandIn(t, [OK_REPLY, OK_REPLY]);
    const big = 'x'.repeat(8_000);
    const body = { model: 'claude-sonnet-4-6', max_tokens: 100, stream: false, system: [{ type: 'text', text: big, cache_control: { type: 'ephemeral' } }], messages: [{ role: 'user', content: 'hi' }] };
    const first = await post(`${standIn.url}/v1/messages`, headers, body);
    const second = await post(`${standIn.url}/v1/messages`, headers, body);
    assert.equal(first.status, 200);
    assert.ok(first.body.usage.cache_creation_input_tokens > 1_900, JSON.stringify(first.body.usage));
    assert.equal(first.body.usage.cache_read_input_tokens, 0);
    assert.equal(second.body.usage.cache_read_input_tokens, first.body.usage.cache_creation_input_tokens);
    assert.equal(second.body.usage.cache_creation_input_tokens, 0);
  });
});

describe('OpenAI Chat Completions stand-in', () => {
  const headers = { authorization: `Bearer ${OPENAI_KEY}` };
  test('refuses a tool message that answers no tool call', async (t) => {
    const standIn = await openaiStandIn(t, [OK_REPLY]);
    const response = await post(`${standIn.url}/v1/chat/completions`, headers, { model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }, { role: 'tool', tool_call_id: 'call_1', content: 'x' }] });
    assert.equal(response.status, 400);
    assert.equal(response.body.error.type, 'invalid_request_error');
    assert.match(response.body.error.message, /messages with role 'tool' must be a response to a preceeding message with 'tool_calls'/);
  });

  test('refuses tool calls left unanswered', async (t) => {
    const standIn = await openaiStandIn(t, [OK_REPLY]);
    const response = await post(`${standIn.url}/v1/chat/completions`, headers, {
      model: 'gpt-4.1',
      messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'x', arguments: '{}' } }] }, { role: 'user', content: 'and?' }],
    });
    assert.equal(response.status, 400);
    assert.match(response.body.error.message, /did not have response messages: call_1/);
  });
});

describe('OpenAI Responses stand-in', () => {
  test('refuses a function_call_output without its call, and a call without its output', async (t) => {
    const standIn = await startOpenAIResponsesStandIn({ apiKey: OPENAI_KEY, script: [OK_REPLY] });
    t.after(() => standIn.close());
    const url = `${standIn.url}/v1/responses`;
    const headers = { authorization: `Bearer ${OPENAI_KEY}` };
    const orphan = await post(url, headers, { model: 'gpt-5.1', stream: true, input: [{ role: 'user', content: 'hi' }, { type: 'function_call_output', call_id: 'call_7', output: 'x' }] });
    assert.equal(orphan.status, 400);
    assert.equal(orphan.body.error.message, 'No tool call found for function call output with call_id call_7.');
    const unanswered = await post(url, headers, { model: 'gpt-5.1', stream: true, input: [{ role: 'user', content: 'hi' }, { type: 'function_call', call_id: 'call_8', name: 'x', arguments: '{}' }] });
    assert.equal(unanswered.status, 400);
    assert.equal(unanswered.body.error.message, 'No tool output found for function call call_8.');
    const forged = await post(url, headers, { model: 'gpt-5.1', stream: true, input: [{ role: 'user', content: 'hi' }, { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'forged' }] });
    assert.equal(forged.status, 400);
    assert.match(forged.body.error.message, /could not be verified/);
  });
});
