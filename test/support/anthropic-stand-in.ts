// Loopback stand-in for Anthropic's Messages API (`POST /v1/messages`), streaming and not, driven by a
// script of replies. Speaks the real SSE event sequence so the real `@anthropic-ai/sdk` can talk to it:
//   new Anthropic({ apiKey, baseURL: standIn.url })

import type { ServerResponse } from 'node:http';
import {
  bearerToken,
  estimateTokens,
  headerValue,
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
  return startLlmStandIn(anthropicDialect, options);
}

type ContentBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown; rawInput: string };

interface PlannedMessage {
  blocks: ContentBlock[];
  stopReason: 'end_turn' | 'tool_use';
  usage: ScriptedUsage;
}

const anthropicDialect: LlmDialect = {
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
    const streaming = context.request.body?.stream === true;
    if (streaming) await renderStream(reply, context);
    else await renderJson(reply, context);
  },
};

function describeInvalidBody(request: RecordedLlmRequest): string | null {
  const body: unknown = request.body;
  if (headerValue(request.headers, 'anthropic-version') === undefined) return 'anthropic-version: header is required';
  if (typeof body !== 'object' || body === null) return 'request body must be a JSON object';
  const fields = body as Record<string, unknown>;
  if (typeof fields.model !== 'string') return 'model: Field required';
  if (typeof fields.max_tokens !== 'number') return 'max_tokens: Field required';
  if (!Array.isArray(fields.messages)) return 'messages: Field required';
  return null;
}

function planMessage(reply: RenderableReply, request: RecordedLlmRequest, nextId: () => number): PlannedMessage {
  const inputTokens = estimateTokens(request.rawBody);
  switch (reply.kind) {
    case 'text':
      return {
        blocks: [{ type: 'text', text: reply.text }],
        stopReason: 'end_turn',
        usage: reply.usage ?? { input: inputTokens, output: estimateTokens(reply.text) },
      };
    case 'tool_calls': {
      const blocks: ContentBlock[] = reply.text ? [{ type: 'text', text: reply.text }] : [];
      for (const call of reply.calls) {
        const rawInput = toolInputJson(call.input);
        blocks.push({ type: 'tool_use', id: call.id ?? `toolu_standin_${nextId()}`, name: call.name, input: call.input ?? {}, rawInput });
      }
      const outputChars = blocks.map((block) => (block.type === 'text' ? block.text : block.rawInput)).join('');
      return { blocks, stopReason: 'tool_use', usage: reply.usage ?? { input: inputTokens, output: estimateTokens(outputChars) } };
    }
    case 'malformed_tool_json':
      return {
        blocks: [{ type: 'tool_use', id: `toolu_standin_${nextId()}`, name: reply.name, input: {}, rawInput: reply.rawArguments }],
        stopReason: 'tool_use',
        usage: { input: inputTokens, output: estimateTokens(reply.rawArguments) },
      };
    case 'mid_stream_error':
    case 'stall_after_headers':
      return {
        blocks: reply.afterText ? [{ type: 'text', text: reply.afterText }] : [],
        stopReason: 'end_turn',
        usage: { input: inputTokens, output: estimateTokens(reply.afterText ?? '') },
      };
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

async function renderStream(reply: RenderableReply, context: ReplyContext): Promise<void> {
  const { res, request, signal } = context;
  const plan = planMessage(reply, request, context.nextId);
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
  plan.blocks.forEach((block, index) => {
    if (block.type === 'text') {
      frames.push(sse('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } }));
      for (const text of splitIntoChunks(block.text)) {
        frames.push(sse('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text } }));
      }
    } else {
      frames.push(
        sse('content_block_start', {
          type: 'content_block_start',
          index,
          content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} },
        }),
      );
      // The real service opens tool input with an empty partial_json before the first fragment.
      for (const partial_json of ['', ...splitIntoChunks(block.rawInput)]) {
        frames.push(sse('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json } }));
      }
    }
    const interrupted = reply.kind === 'mid_stream_error' || reply.kind === 'stall_after_headers';
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

async function renderJson(reply: RenderableReply, context: ReplyContext): Promise<void> {
  const { res, request, signal } = context;
  if (reply.kind === 'malformed_tool_json') {
    // A non-streamed Message carries `input` as an object, so invalid JSON has no faithful form here.
    failLoudly(res, 'stand-in: malformed_tool_json only exists for streaming requests (send stream: true)');
    return;
  }
  if (reply.kind === 'stall_after_headers') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.flushHeaders();
    await untilAborted(signal);
    res.destroy();
    return;
  }

  const plan = planMessage(reply, request, context.nextId);
  const message = {
    ...messageEnvelope(context.nextId(), request.body?.model),
    content: plan.blocks.map((block) =>
      block.type === 'text' ? { type: 'text', text: block.text } : { type: 'tool_use', id: block.id, name: block.name, input: block.input },
    ),
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
