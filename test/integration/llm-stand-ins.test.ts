// The real Anthropic and OpenAI SDKs against the loopback stand-ins. Besides proving the stand-ins speak
// the wire formats, these tests pin SDK behaviour the agent relies on: which errors are retried, which
// class each failure surfaces as, and how an abort ends a stream.

import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { anthropicErrorBody, startAnthropicStandIn } from '../support/anthropic-stand-in';
import type { LlmScript, LlmStandIn } from '../support/llm-script';
import { openaiErrorBody, startOpenAIStandIn } from '../support/openai-stand-in';

const API_KEY = 'test-key-not-secret';
const CLAUDE_MODEL = 'claude-sonnet-4-6';
const GPT_MODEL = 'gpt-4.1-mini';

async function anthropicStandIn(t: TestContext, script?: LlmScript): Promise<LlmStandIn> {
  const standIn = await startAnthropicStandIn({ apiKey: API_KEY, ...(script ? { script } : {}) });
  t.after(() => standIn.close());
  return standIn;
}

async function openaiStandIn(t: TestContext, script?: LlmScript): Promise<LlmStandIn> {
  const standIn = await startOpenAIStandIn({ apiKey: API_KEY, ...(script ? { script } : {}) });
  t.after(() => standIn.close());
  return standIn;
}

function anthropicClient(standIn: LlmStandIn, options: { maxRetries?: number; apiKey?: string } = {}): Anthropic {
  return new Anthropic({ apiKey: options.apiKey ?? API_KEY, baseURL: standIn.url, maxRetries: options.maxRetries ?? 0 });
}

function openaiClient(standIn: LlmStandIn, options: { maxRetries?: number; apiKey?: string } = {}): OpenAI {
  return new OpenAI({ apiKey: options.apiKey ?? API_KEY, baseURL: `${standIn.url}/v1`, maxRetries: options.maxRetries ?? 0 });
}

const claudeRequest = {
  model: CLAUDE_MODEL,
  max_tokens: 512,
  messages: [{ role: 'user' as const, content: 'Rename foo to bar in src/a.ts' }],
};

const gptRequest = {
  model: GPT_MODEL,
  messages: [{ role: 'user' as const, content: 'Rename foo to bar in src/a.ts' }],
};

const editFileTool = {
  name: 'edit_file',
  description: 'Replace old_str with new_str in a file',
  input_schema: {
    type: 'object' as const,
    properties: { path: { type: 'string' }, old_str: { type: 'string' }, new_str: { type: 'string' } },
    required: ['path', 'old_str', 'new_str'],
  },
};

const editInput = { path: 'src/a.ts', old_str: 'const foo = 1;', new_str: 'const bar = 1;' };

describe('Anthropic stand-in with @anthropic-ai/sdk', () => {
  test('streamed text arrives in several deltas and reassembles, with cache usage reported', async (t) => {
    const text = 'I will rename foo to bar — then run the tests. ✓';
    const standIn = await anthropicStandIn(t, [{ kind: 'text', text, usage: { input: 120, output: 14, cacheRead: 100, cacheCreation: 20 } }]);
    const stream = anthropicClient(standIn).messages.stream({
      ...claudeRequest,
      system: [{ type: 'text', text: 'You are a careful code editor.', cache_control: { type: 'ephemeral' } }],
    });
    const deltas: string[] = [];
    stream.on('text', (delta) => deltas.push(delta));
    const message = await stream.finalMessage();

    assert.ok(deltas.length > 1, `expected several deltas, got ${deltas.length}`);
    assert.equal(deltas.join(''), text);
    assert.deepEqual(message.content, [{ type: 'text', text }]);
    assert.equal(message.stop_reason, 'end_turn');
    assert.equal(message.usage.input_tokens, 120);
    assert.equal(message.usage.output_tokens, 14);
    assert.equal(message.usage.cache_read_input_tokens, 100);
    assert.equal(message.usage.cache_creation_input_tokens, 20);

    const [recorded] = standIn.requests;
    assert.equal(recorded?.path, '/v1/messages');
    assert.equal(recorded?.body.model, CLAUDE_MODEL);
    assert.equal(recorded?.body.stream, true);
    assert.deepEqual(recorded?.body.system[0].cache_control, { type: 'ephemeral' });
    assert.equal(recorded?.headers.authorization, `Bearer ${API_KEY}`);
    assert.equal(standIn.remaining(), 0);
  });

  test('a tool call streams as input_json_delta chunks and finalMessage() parses the input', async (t) => {
    const standIn = await anthropicStandIn(t, [
      { kind: 'tool_calls', text: 'Editing the file.', calls: [{ id: 'toolu_fixed', name: 'edit_file', input: editInput }] },
    ]);
    const stream = anthropicClient(standIn).messages.stream({ ...claudeRequest, tools: [editFileTool] });
    const jsonFragments: string[] = [];
    stream.on('inputJson', (fragment) => jsonFragments.push(fragment));
    const message = await stream.finalMessage();

    assert.ok(jsonFragments.filter((fragment) => fragment !== '').length > 1, 'input JSON should arrive in several chunks');
    assert.equal(message.stop_reason, 'tool_use');
    assert.deepEqual(message.content, [
      { type: 'text', text: 'Editing the file.' },
      { type: 'tool_use', id: 'toolu_fixed', name: 'edit_file', input: editInput },
    ]);
    const [recorded] = standIn.requests;
    assert.deepEqual(recorded?.body.tools, [editFileTool]);
    assert.equal(recorded?.body.model, CLAUDE_MODEL);
  });

  test('a non-streaming request gets a complete Message', async (t) => {
    const standIn = await anthropicStandIn(t, [{ kind: 'tool_calls', calls: [{ name: 'edit_file', input: editInput }] }]);
    const message = await anthropicClient(standIn).messages.create({ ...claudeRequest, tools: [editFileTool] });

    assert.equal(message.type, 'message');
    assert.equal(message.model, CLAUDE_MODEL);
    assert.equal(message.stop_reason, 'tool_use');
    const [block] = message.content;
    assert.equal(block?.type, 'tool_use');
    assert.deepEqual(block?.type === 'tool_use' ? block.input : undefined, editInput);
    assert.match(block?.type === 'tool_use' ? block.id : '', /^toolu_/);
  });

  test('529 overloaded is retried by the SDK and the next reply succeeds', async (t) => {
    const standIn = await anthropicStandIn(t, [
      { kind: 'http_error', status: 529, body: anthropicErrorBody('overloaded_error', 'Overloaded'), headers: { 'retry-after-ms': '10' } },
      { kind: 'text', text: 'second time lucky' },
    ]);
    const message = await anthropicClient(standIn, { maxRetries: 1 }).messages.stream(claudeRequest).finalMessage();

    assert.deepEqual(message.content, [{ type: 'text', text: 'second time lucky' }]);
    assert.equal(standIn.requests.length, 2);
    assert.equal(standIn.requests[1]?.headers['x-stainless-retry-count'], '1');
  });

  test('an error event mid-stream rejects with APIError(type overloaded_error) and is not retried', async (t) => {
    const standIn = await anthropicStandIn(t, [{ kind: 'mid_stream_error', afterText: 'Let me look at' }]);
    const stream = anthropicClient(standIn, { maxRetries: 2 }).messages.stream(claudeRequest);
    const deltas: string[] = [];
    stream.on('text', (delta) => deltas.push(delta));

    await assert.rejects(stream.finalMessage(), (error: unknown) => {
      assert.ok(error instanceof Anthropic.APIError);
      assert.equal(error.status, undefined, 'an in-stream error has no HTTP status');
      assert.equal(error.type, 'overloaded_error');
      return true;
    });
    assert.equal(deltas.join(''), 'Let me look at');
    assert.equal(standIn.requests.length, 1);
  });

  test('a stalled stream ends when the caller aborts, and close() returns promptly', async (t) => {
    const standIn = await anthropicStandIn(t, [
      { kind: 'stall_after_headers', afterText: 'Thinking' },
      { kind: 'stall_after_headers', afterText: 'Thinking' },
    ]);
    const client = anthropicClient(standIn);

    // The MessageStream helper rejects with APIUserAbortError.
    const helperAbort = new AbortController();
    const stream = client.messages.stream(claudeRequest, { signal: helperAbort.signal });
    stream.on('text', () => helperAbort.abort());
    await assert.rejects(stream.finalMessage(), Anthropic.APIUserAbortError);

    // Iterating the raw stream does NOT throw on abort: the loop just ends, so callers must check the signal.
    const rawAbort = new AbortController();
    const raw = await client.messages.create({ ...claudeRequest, stream: true }, { signal: rawAbort.signal });
    const seen: string[] = [];
    for await (const event of raw) {
      seen.push(event.type);
      if (event.type === 'content_block_delta') rawAbort.abort();
    }
    assert.deepEqual(seen, ['message_start', 'content_block_start', 'content_block_delta']);
    assert.ok(rawAbort.signal.aborted);

    // close() must not wait for the open stream: if it did, this would hang until the test timeout.
    await standIn.close();
  });

  test('close() ends a stall the client is still waiting on; the SDK surfaces a bare TypeError', async (t) => {
    const standIn = await anthropicStandIn(t, [{ kind: 'stall_after_headers' }]);
    const raw = await anthropicClient(standIn).messages.create({ ...claudeRequest, stream: true });
    // close() must not wait for the open stream: if it did, this would hang until the test timeout.
    await standIn.close();

    await assert.rejects(
      (async () => {
        for await (const _event of raw) {
          // nothing arrives before the connection drops
        }
      })(),
      (error: unknown) => error instanceof TypeError && !(error instanceof Anthropic.AnthropicError),
    );
  });

  test('a wrong key gets 401 authentication_error; x-api-key is accepted as well as Bearer', async (t) => {
    const standIn = await anthropicStandIn(t, [{ kind: 'text', text: 'hello' }]);
    await assert.rejects(anthropicClient(standIn, { apiKey: 'wrong-key' }).messages.create(claudeRequest), (error: unknown) => {
      assert.ok(error instanceof Anthropic.AuthenticationError);
      assert.equal(error.status, 401);
      assert.equal(error.type, 'authentication_error');
      return true;
    });
    assert.equal(standIn.remaining(), 1, 'a refused request consumes no scripted reply');

    const response = await fetch(`${standIn.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': API_KEY, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify(claudeRequest),
    });
    assert.equal(response.status, 200);
    const body = (await response.json()) as { content: unknown };
    assert.deepEqual(body.content, [{ type: 'text', text: 'hello' }]);
  });

  test('malformed tool JSON: invalid JSON throws AnthropicError, truncated JSON is silently partial', async (t) => {
    const standIn = await anthropicStandIn(t, [
      { kind: 'malformed_tool_json', name: 'edit_file', rawArguments: '{"path": "src/a.ts",, "old_str": }' },
      { kind: 'malformed_tool_json', name: 'edit_file', rawArguments: '{"path": "src/a.ts", "old_st' },
    ]);
    const client = anthropicClient(standIn);

    await assert.rejects(client.messages.stream({ ...claudeRequest, tools: [editFileTool] }).finalMessage(), (error: unknown) => {
      assert.ok(error instanceof Anthropic.AnthropicError);
      assert.ok(!(error instanceof Anthropic.APIError), 'a parse failure is not an APIError');
      return true;
    });

    // The SDK's partial-JSON parser accepts a cut-off object: the agent must validate tool input itself.
    const truncated = await client.messages.stream({ ...claudeRequest, tools: [editFileTool] }).finalMessage();
    const [block] = truncated.content;
    assert.deepEqual(block?.type === 'tool_use' ? block.input : undefined, { path: 'src/a.ts' });
  });

  test('an exhausted script fails loudly with 500 and the SDK does not retry into it', async (t) => {
    const standIn = await anthropicStandIn(t);
    await assert.rejects(anthropicClient(standIn, { maxRetries: 2 }).messages.create(claudeRequest), (error: unknown) => {
      assert.ok(error instanceof Anthropic.InternalServerError);
      assert.match(error.message, /script exhausted/);
      return true;
    });
    assert.equal(standIn.requests.length, 1);
  });

  test('a script function sees each request and its index; delay outlasts the SDK timeout', async (t) => {
    const standIn = await anthropicStandIn(t, (request, index) =>
      index === 0
        ? { kind: 'text', text: `echo: ${String(request.body.messages[0].content)}` }
        : { kind: 'delay', ms: 5_000, then: { kind: 'text', text: 'too late' } },
    );
    const client = anthropicClient(standIn);
    const first = await client.messages.create(claudeRequest);
    assert.deepEqual(first.content, [{ type: 'text', text: 'echo: Rename foo to bar in src/a.ts' }]);
    assert.equal(standIn.remaining(), Number.POSITIVE_INFINITY);

    await assert.rejects(client.messages.create(claudeRequest, { timeout: 100 }), Anthropic.APIConnectionTimeoutError);
    // close() must not wait for the open stream: if it did, this would hang until the test timeout.
    await standIn.close();
  });
});

describe('OpenAI stand-in with openai', () => {
  test('streamed content reassembles and include_usage adds a usage chunk', async (t) => {
    const text = 'Renaming foo to bar now. ✓';
    const standIn = await openaiStandIn(t, [{ kind: 'text', text, usage: { input: 50, output: 9, cacheRead: 32 } }]);
    const stream = await openaiClient(standIn).chat.completions.create({
      ...gptRequest,
      stream: true,
      stream_options: { include_usage: true },
    });
    const deltas: string[] = [];
    const finishReasons: string[] = [];
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      const [choice] = chunk.choices;
      if (choice?.delta.content) deltas.push(choice.delta.content);
      if (choice?.finish_reason) finishReasons.push(choice.finish_reason);
      if (chunk.usage) usage = chunk.usage;
    }

    assert.ok(deltas.length > 1, `expected several deltas, got ${deltas.length}`);
    assert.equal(deltas.join(''), text);
    assert.deepEqual(finishReasons, ['stop']);
    assert.equal(usage?.prompt_tokens, 50);
    assert.equal(usage?.completion_tokens, 9);
    assert.equal(usage?.prompt_tokens_details?.cached_tokens, 32);

    const [recorded] = standIn.requests;
    assert.equal(recorded?.path, '/v1/chat/completions');
    assert.equal(recorded?.body.model, GPT_MODEL);
    assert.deepEqual(recorded?.body.stream_options, { include_usage: true });
    assert.equal(recorded?.headers.authorization, `Bearer ${API_KEY}`);
  });

  test('tool calls arrive as delta.tool_calls split across chunks and accumulate to valid JSON', async (t) => {
    const tools: OpenAI.ChatCompletionTool[] = [
      { type: 'function', function: { name: 'edit_file', parameters: editFileTool.input_schema } },
      { type: 'function', function: { name: 'read_file', parameters: { type: 'object', properties: { path: { type: 'string' } } } } },
    ];
    const standIn = await openaiStandIn(t, [
      {
        kind: 'tool_calls',
        calls: [
          { id: 'call_edit', name: 'edit_file', input: editInput },
          { name: 'read_file', input: { path: 'README.md' } },
        ],
      },
    ]);
    const stream = await openaiClient(standIn).chat.completions.create({ ...gptRequest, stream: true, tools });

    const calls = new Map<number, { id: string; name: string; arguments: string; chunks: number }>();
    let finishReason: string | null = null;
    for await (const chunk of stream) {
      const [choice] = chunk.choices;
      finishReason = choice?.finish_reason ?? finishReason;
      for (const delta of choice?.delta.tool_calls ?? []) {
        const call = calls.get(delta.index) ?? { id: '', name: '', arguments: '', chunks: 0 };
        call.id ||= delta.id ?? '';
        call.name ||= delta.function?.name ?? '';
        call.arguments += delta.function?.arguments ?? '';
        call.chunks += 1;
        calls.set(delta.index, call);
      }
    }

    assert.equal(finishReason, 'tool_calls');
    const edit = calls.get(0);
    const read = calls.get(1);
    assert.equal(edit?.id, 'call_edit');
    assert.equal(edit?.name, 'edit_file');
    assert.deepEqual(JSON.parse(edit?.arguments ?? ''), editInput);
    assert.ok((edit?.chunks ?? 0) > 2, 'arguments should be split across chunks');
    assert.match(read?.id ?? '', /^call_/);
    assert.deepEqual(JSON.parse(read?.arguments ?? ''), { path: 'README.md' });

    const [recorded] = standIn.requests;
    assert.deepEqual(
      recorded?.body.tools.map((tool: OpenAI.ChatCompletionFunctionTool) => tool.function.name),
      ['edit_file', 'read_file'],
    );
  });

  test('a non-streaming request gets a complete chat.completion', async (t) => {
    const standIn = await openaiStandIn(t, [{ kind: 'text', text: 'done', usage: { input: 5, output: 1 } }]);
    const completion = await openaiClient(standIn).chat.completions.create(gptRequest);

    assert.equal(completion.object, 'chat.completion');
    assert.equal(completion.model, GPT_MODEL);
    assert.equal(completion.choices[0]?.message.content, 'done');
    assert.equal(completion.choices[0]?.finish_reason, 'stop');
    assert.equal(completion.usage?.total_tokens, 6);
  });

  test('429 insufficient_quota surfaces as RateLimitError with code insufficient_quota (and the SDK would retry it)', async (t) => {
    const quota = openaiErrorBody('You exceeded your current quota.', 'insufficient_quota', 'insufficient_quota');
    const standIn = await openaiStandIn(t, [
      { kind: 'http_error', status: 429, body: quota },
      { kind: 'http_error', status: 429, body: quota, headers: { 'retry-after-ms': '10' } },
      { kind: 'http_error', status: 429, body: quota },
    ]);
    await assert.rejects(openaiClient(standIn).chat.completions.create(gptRequest), (error: unknown) => {
      assert.ok(error instanceof OpenAI.RateLimitError);
      assert.ok(error instanceof OpenAI.APIError);
      assert.equal(error.status, 429);
      assert.equal(error.code, 'insufficient_quota');
      return true;
    });
    assert.equal(standIn.requests.length, 1);

    // The SDK treats a quota 429 like any 429 and spends its retries on it.
    await assert.rejects(openaiClient(standIn, { maxRetries: 1 }).chat.completions.create(gptRequest), OpenAI.RateLimitError);
    assert.equal(standIn.requests.length, 3);
  });

  test('a rate-limit 429 with retry-after-ms is retried and the next reply succeeds', async (t) => {
    const standIn = await openaiStandIn(t, [
      {
        kind: 'http_error',
        status: 429,
        body: openaiErrorBody('Rate limit reached', 'requests', 'rate_limit_exceeded'),
        headers: { 'retry-after-ms': '10' },
      },
      { kind: 'text', text: 'ok' },
    ]);
    const completion = await openaiClient(standIn, { maxRetries: 1 }).chat.completions.create(gptRequest);
    assert.equal(completion.choices[0]?.message.content, 'ok');
    assert.equal(standIn.requests.length, 2);
  });

  test('an error chunk mid-stream rejects with APIError and no HTTP status', async (t) => {
    const standIn = await openaiStandIn(t, [{ kind: 'mid_stream_error', afterText: 'Working on' }]);
    const stream = await openaiClient(standIn, { maxRetries: 2 }).chat.completions.create({ ...gptRequest, stream: true });
    const deltas: string[] = [];
    await assert.rejects(
      (async () => {
        for await (const chunk of stream) deltas.push(chunk.choices[0]?.delta.content ?? '');
      })(),
      (error: unknown) => {
        assert.ok(error instanceof OpenAI.APIError);
        assert.equal(error.status, undefined);
        assert.equal(error.type, 'server_error');
        return true;
      },
    );
    assert.equal(deltas.join(''), 'Working on');
    assert.equal(standIn.requests.length, 1);
  });

  test('a stalled stream ends when the caller aborts, and close() returns promptly', async (t) => {
    const standIn = await openaiStandIn(t, [
      { kind: 'stall_after_headers', afterText: 'Hmm' },
      { kind: 'stall_after_headers', afterText: 'Hmm' },
    ]);
    const client = openaiClient(standIn);

    // Raw iteration ends quietly on abort (no throw): callers must check the signal afterwards.
    const rawAbort = new AbortController();
    const raw = await client.chat.completions.create({ ...gptRequest, stream: true }, { signal: rawAbort.signal });
    let text = '';
    for await (const chunk of raw) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (text === 'Hmm') rawAbort.abort(); // everything the stall will ever send has arrived
    }
    assert.equal(text, 'Hmm');
    assert.ok(rawAbort.signal.aborted);

    // The ChatCompletionStream helper rejects instead.
    const helperAbort = new AbortController();
    const helper = client.chat.completions.stream({ ...gptRequest, stream: true }, { signal: helperAbort.signal });
    helper.on('content', () => helperAbort.abort());
    await assert.rejects(helper.finalChatCompletion(), OpenAI.APIUserAbortError);

    // close() must not wait for the open stream: if it did, this would hang until the test timeout.
    await standIn.close();
  });

  test('a wrong key gets 401 invalid_api_key', async (t) => {
    const standIn = await openaiStandIn(t, [{ kind: 'text', text: 'unused' }]);
    await assert.rejects(openaiClient(standIn, { apiKey: 'sk-wrong' }).chat.completions.create(gptRequest), (error: unknown) => {
      assert.ok(error instanceof OpenAI.AuthenticationError);
      assert.equal(error.status, 401);
      assert.equal(error.code, 'invalid_api_key');
      return true;
    });
    assert.equal(standIn.remaining(), 1);
  });

  test('malformed tool JSON is delivered verbatim in the arguments', async (t) => {
    const rawArguments = '{"path": "src/a.ts", "old_str": ';
    const standIn = await openaiStandIn(t, [{ kind: 'malformed_tool_json', name: 'edit_file', rawArguments }]);
    const stream = await openaiClient(standIn).chat.completions.create({ ...gptRequest, stream: true });
    let argumentsText = '';
    let name = '';
    for await (const chunk of stream) {
      for (const delta of chunk.choices[0]?.delta.tool_calls ?? []) {
        name ||= delta.function?.name ?? '';
        argumentsText += delta.function?.arguments ?? '';
      }
    }
    assert.equal(name, 'edit_file');
    assert.equal(argumentsText, rawArguments);
    assert.throws(() => JSON.parse(argumentsText), SyntaxError);
  });

  test('stream_options without stream is refused with 400 like the real API', async (t) => {
    const standIn = await openaiStandIn(t, [{ kind: 'text', text: 'unused' }]);
    await assert.rejects(
      openaiClient(standIn).chat.completions.create({ ...gptRequest, stream_options: { include_usage: true } }),
      OpenAI.BadRequestError,
    );
    assert.equal(standIn.remaining(), 1);
  });
});
