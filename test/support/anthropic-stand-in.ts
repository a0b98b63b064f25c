// Loopback stand-in for Anthropic's Messages API (`POST /v1/messages`), streaming and not, driven by a
// script of replies. Speaks the real SSE event sequence so the real `@anthropic-ai/sdk` can talk to it:
//   new Anthropic({ apiKey, baseURL: standIn.url })
// It refuses (400 invalid_request_error) what the real API refuses (llm/anthropic-rules.ts), and when a
// script gives no usage it reports what the real API would bill: input counted from the request body,
// cache reads and writes from its breakpoints (llm/prompt-cache.ts).

import type { ServerResponse } from 'node:http';
import { anthropicRequestProblem, signThinking } from './llm/anthropic-rules';
import { AnthropicPromptCache } from './llm/prompt-cache';
import {
  bearerToken,
  headerValue,
  outputTokensOf,
  sendJson,
  splitIntoChunks,
  startEventStream,
  startLlmStandIn,
  toolInputJson,
  untilAborted,
  writeFrame,
  type LlmDialect,
  type LlmStandIn,
  type RecordedLlmRequest,
  type RenderableReply,
  type ReplyContext,
  type ScriptedUsage,
  type StandInOptions,
} from './llm-script';

export type { LlmStandIn, RecordedLlmRequest, ScriptedReply } from './llm-script';

/** Anthropic's error body: `{ type: 'error', error: { type, message } }`. */
export function anthropicErrorBody(type: string, message: string): { type: 'error'; error: { type: string; message: string } } {
  return { type: 'error', error: { type, message } };
}

export function startAnthropicStandIn(options: StandInOptions): Promise<LlmStandIn> {
  return startLlmStandIn(anthropicDialect(), options);
}

type ContentBlock =
  | { type: 'text'; text: string }
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown; rawInput: string };

interface PlannedMessage {
  blocks: ContentBlock[];
  stopReason: string;
  usage: ScriptedUsage;
}

function anthropicDialect(): LlmDialect {
  const cache = new AnthropicPromptCache();
  return {
    endpoint: '/v1/messages',
    responseHeaders: (id) => ({ 'request-id': `req_standin_${id}` }),
    authenticate(request, apiKey) {
      const presented = headerValue(request.headers, 'x-api-key') ?? bearerToken(request.headers);
      if (presented === apiKey) return null;
      const message = presented === undefined ? 'x-api-key header is required' : 'invalid x-api-key';
      return { status: 401, body: anthropicErrorBody('authentication_error', message) };
    },
    validate(request) {
      const problem = describeInvalidBody(request);
      return problem === null ? null : anthropicErrorBody('invalid_request_error', problem);
    },
    errorBody: (status, message) => anthropicErrorBody(status === 404 ? 'not_found_error' : 'api_error', message),
    async render(reply, context) {
      const plan = planMessage(reply, context, cache);
      if (context.request.body?.stream === true) await renderStream(reply, plan, context);
      else await renderJson(reply, plan, context);
    },
  };
}

function describeInvalidBody(request: RecordedLlmRequest): string | null {
  const body: unknown = request.body;
  if (headerValue(request.headers, 'anthropic-version') === undefined) return 'anthropic-version: header is required';
  if (typeof body !== 'object' || body === null) return 'request body must be a JSON object';
  const fields = body as Record<string, unknown>;
  if (typeof fields.model !== 'string') return 'model: Field required';
  if (typeof fields.max_tokens !== 'number') return 'max_tokens: Field required';
  if (!Array.isArray(fields.messages)) return 'messages: Field required';
  return anthropicRequestProblem(body);
}

function thinkingBlock(reply: RenderableReply, request: RecordedLlmRequest): ContentBlock[] {
  if (request.body?.thinking?.type !== 'enabled') return [];
  const given = reply.kind === 'text' || reply.kind === 'tool_calls' ? reply.thinking : undefined;
  const thinking = given ?? 'Let me work out which file to look at next.';
  return [{ type: 'thinking', thinking, signature: signThinking(thinking) }];
}

function planMessage(reply: RenderableReply, context: ReplyContext, cache: AnthropicPromptCache): PlannedMessage {
  const { request } = context;
  const scripted = reply.kind === 'text' || reply.kind === 'tool_calls' ? reply.usage : undefined;
  const derived = (): ScriptedUsage => {
    const usage = cache.usage(request.body);
    return { input: usage.input, cacheRead: usage.cacheRead, cacheCreation: usage.cacheCreation, output: outputTokensOf(reply, request.body?.max_tokens) };
  };
  const usage = scripted ?? derived();
  const thinking = thinkingBlock(reply, request);
  switch (reply.kind) {
    case 'text':
      return { blocks: [...thinking, { type: 'text', text: reply.text }], stopReason: reply.stopReason ?? 'end_turn', usage };
    case 'tool_calls': {
      const blocks: ContentBlock[] = [...thinking, ...(reply.text ? [{ type: 'text' as const, text: reply.text }] : [])];
      for (const call of reply.calls) {
        blocks.push({ type: 'tool_use', id: call.id ?? `toolu_standin_${context.nextId()}`, name: call.name, input: call.input ?? {}, rawInput: toolInputJson(call.input) });
      }
      return { blocks, stopReason: 'tool_use', usage };
    }
    case 'malformed_tool_json':
      return { blocks: [{ type: 'tool_use', id: `toolu_standin_${context.nextId()}`, name: reply.name, input: {}, rawInput: reply.rawArguments }], stopReason: 'tool_use', usage };
    case 'cut_off': {
      const blocks: ContentBlock[] = [...thinking, ...(reply.text ? [{ type: 'text' as const, text: reply.text }] : [])];
      if (reply.partialCall) blocks.push({ type: 'tool_use', id: `toolu_standin_${context.nextId()}`, name: reply.partialCall.name, input: {}, rawInput: reply.partialCall.rawArguments });
      return { blocks, stopReason: 'max_tokens', usage };
    }
    case 'refusal':
      return { blocks: reply.text ? [{ type: 'text', text: reply.text }] : [], stopReason: 'refusal', usage };
    case 'empty':
      return { blocks: [], stopReason: 'end_turn', usage };
    case 'mid_stream_error':
    case 'stall_after_headers':
      return { blocks: reply.afterText ? [{ type: 'text', text: reply.afterText }] : [], stopReason: 'end_turn', usage };
  }
}

function usageJson(usage: ScriptedUsage, output: number): Record<string, number> {
  return {
    input_tokens: usage.input,
    output_tokens: output,
    ...(usage.cacheCreation !== undefined ? { cache_creation_input_tokens: usage.cacheCreation } : {}),
    ...(usage.cacheRead !== undefined ? { cache_read_input_tokens: usage.cacheRead } : {}),
  };
}

function messageEnvelope(id: number, model: unknown) {
  return {
    id: `msg_standin_${id}`,
    type: 'message',
    role: 'assistant',
    model: typeof model === 'string' ? model : 'unknown',
    stop_sequence: null,
    stop_details: null,
    container: null,
  };
}

function sse(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

function blockFrames(block: ContentBlock, index: number): string[] {
  const delta = (value: Record<string, unknown>): string => sse('content_block_delta', { type: 'content_block_delta', index, delta: value });
  switch (block.type) {
    case 'text':
      return [sse('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } }), ...splitIntoChunks(block.text).map((text) => delta({ type: 'text_delta', text }))];
    case 'thinking':
      return [
        sse('content_block_start', { type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } }),
        ...splitIntoChunks(block.thinking).map((thinking) => delta({ type: 'thinking_delta', thinking })),
        delta({ type: 'signature_delta', signature: block.signature }),
      ];
    case 'tool_use':
      // The real service opens tool input with an empty partial_json before the first fragment.
      return [
        sse('content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } }),
        ...['', ...splitIntoChunks(block.rawInput)].map((partial_json) => delta({ type: 'input_json_delta', partial_json })),
      ];
  }
}

async function renderStream(reply: RenderableReply, plan: PlannedMessage, context: ReplyContext): Promise<void> {
  const { res, request, signal } = context;
  startEventStream(res);

  // `stall_after_headers` without text: headers only, then silence.
  if (reply.kind === 'stall_after_headers' && !reply.afterText) {
    await untilAborted(signal);
    res.destroy();
    return;
  }

  const frames: string[] = [
    sse('message_start', {
      type: 'message_start',
      message: { ...messageEnvelope(context.nextId(), request.body?.model), content: [], stop_reason: null, usage: usageJson(plan.usage, 1) },
    }),
    sse('ping', { type: 'ping' }),
  ];
  const interrupted = reply.kind === 'mid_stream_error' || reply.kind === 'stall_after_headers';
  plan.blocks.forEach((block, index) => {
    frames.push(...blockFrames(block, index));
    if (!interrupted) frames.push(sse('content_block_stop', { type: 'content_block_stop', index }));
  });

  for (const frame of frames) {
    if (!(await writeFrame(res, frame))) return;
  }

  if (reply.kind === 'stall_after_headers') {
    await untilAborted(signal);
    res.destroy();
    return;
  }
  if (reply.kind === 'mid_stream_error') {
    const error = reply.error ?? { type: 'overloaded_error', message: 'Overloaded' };
    await writeFrame(res, sse('error', anthropicErrorBody(error.type, error.message)));
    res.end();
    return;
  }

  await writeFrame(
    res,
    sse('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: plan.stopReason, stop_sequence: null },
      usage: { output_tokens: plan.usage.output },
    }),
  );
  await writeFrame(res, sse('message_stop', { type: 'message_stop' }));
  res.end();
}

async function renderJson(reply: RenderableReply, plan: PlannedMessage, context: ReplyContext): Promise<void> {
  const { res, request, signal } = context;
  if (reply.kind === 'malformed_tool_json' || (reply.kind === 'cut_off' && reply.partialCall)) {
    // A non-streamed Message carries `input` as an object, so invalid JSON has no faithful form here.
    failLoudly(res, `stand-in: ${reply.kind} with a partial call only exists for streaming requests (send stream: true)`);
    return;
  }
  if (reply.kind === 'stall_after_headers') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.flushHeaders();
    await untilAborted(signal);
    res.destroy();
    return;
  }

  const message = {
    ...messageEnvelope(context.nextId(), request.body?.model),
    content: plan.blocks.map((block) => (block.type === 'tool_use' ? { type: 'tool_use', id: block.id, name: block.name, input: block.input } : block)),
    stop_reason: plan.stopReason,
    usage: usageJson(plan.usage, plan.usage.output),
  };
  const text = JSON.stringify(message);

  if (reply.kind === 'mid_stream_error') {
    // The non-streaming analogue of a failure mid-response: half a body, then a dropped connection.
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
    res.write(text.slice(0, Math.floor(text.length / 2)));
    setImmediate(() => res.destroy());
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}

function failLoudly(res: ServerResponse, message: string): void {
  sendJson(res, 500, anthropicErrorBody('api_error', message), { 'x-should-retry': 'false' });
}
