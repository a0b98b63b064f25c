// Loopback stand-in for OpenAI's Chat Completions API (`POST /v1/chat/completions`), streaming and not,
// driven by a script of replies. Speaks the real `data:` chunk format so the real `openai` SDK (or any
// client of an OpenAI-compatible server) can talk to it:
//   new OpenAI({ apiKey, baseURL: standIn.url + '/v1' })

import { chatMessagesProblem, type ChatProblem } from './llm/openai-chat-rules';
import { AutomaticPromptCache, type DerivedUsage } from './llm/prompt-cache';
import {
  bearerToken,
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

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** OpenAI's error body: `{ error: { message, type, param, code } }`. */
export function openaiErrorBody(message: string, type: string, code: string | null = null, param: string | null = null): OpenAIErrorBody {
  return { error: { message, type, param, code } };
}

export function startOpenAIStandIn(options: StandInOptions): Promise<LlmStandIn> {
  return startLlmStandIn(openaiDialect(), options);
}

interface PlannedToolCall {
  id: string;
  name: string;
  rawArguments: string;
}

interface PlannedCompletion {
  text: string | null;
  refusal: string | null;
  toolCalls: PlannedToolCall[];
  finishReason: string;
  usage: ScriptedUsage;
}

const CREATED = 1_750_000_000;

function openaiDialect(): LlmDialect {
  const cache = new AutomaticPromptCache();
  return {
    endpoint: '/v1/chat/completions',
    responseHeaders: (id) => ({ 'x-request-id': `req_standin_${id}` }),
    authenticate(request, apiKey) {
      const presented = bearerToken(request.headers);
      if (presented === apiKey) return null;
      const body =
        presented === undefined
          ? openaiErrorBody("You didn't provide an API key.", 'invalid_request_error')
          : openaiErrorBody('Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key');
      return { status: 401, body };
    },
    validate(request) {
      const problem = describeInvalidBody(request);
      return problem === null ? null : openaiErrorBody(problem.message, 'invalid_request_error', null, problem.param);
    },
    errorBody: (status, message) => openaiErrorBody(message, status === 404 ? 'invalid_request_error' : 'server_error'),
    async render(reply, context) {
      const body = context.request.body;
      const plan = planCompletion(reply, context, () => cache.usage(body?.model, [body?.tools ?? [], ...(body?.messages ?? [])]));
      if (body?.stream === true) await renderStream(reply, plan, context);
      else await renderJson(reply, plan, context);
    },
  };
}

function describeInvalidBody(request: RecordedLlmRequest): ChatProblem | null {
  const body: unknown = request.body;
  if (typeof body !== 'object' || body === null) return { message: 'We could not parse the JSON body of your request.', param: null };
  const fields = body as Record<string, unknown>;
  if (typeof fields.model !== 'string') return { message: 'you must provide a model parameter', param: null };
  if (!Array.isArray(fields.messages)) return { message: "Missing required parameter: 'messages'.", param: 'messages' };
  if (fields.stream_options != null && fields.stream !== true) {
    return { message: "The 'stream_options' parameter is only allowed when 'stream' is enabled.", param: 'stream_options' };
  }
  if (fields.max_tokens !== undefined && fields.max_completion_tokens !== undefined) {
    return { message: "max_tokens and max_completion_tokens cannot both be set", param: 'max_tokens' };
  }
  return chatMessagesProblem(fields.messages);
}

function planCompletion(reply: RenderableReply, context: ReplyContext, derive: () => DerivedUsage): PlannedCompletion {
  const { request, nextId } = context;
  const maxTokens = request.body?.max_completion_tokens ?? request.body?.max_tokens;
  const scripted = reply.kind === 'text' || reply.kind === 'tool_calls' ? reply.usage : undefined;
  const usage: ScriptedUsage = scripted ?? (() => {
    const derived = derive();
    return { input: derived.input, cacheRead: derived.cacheRead, output: outputTokensOf(reply, maxTokens) };
  })();
  const none = { refusal: null, toolCalls: [], usage };
  switch (reply.kind) {
    case 'text':
      return { ...none, text: reply.text, finishReason: reply.stopReason ?? 'stop' };
    case 'tool_calls': {
      const toolCalls = reply.calls.map((call) => ({ id: call.id ?? `call_standin_${nextId()}`, name: call.name, rawArguments: toolInputJson(call.input) }));
      return { ...none, text: reply.text ?? null, toolCalls, finishReason: 'tool_calls' };
    }
    case 'malformed_tool_json':
      return { ...none, text: null, toolCalls: [{ id: `call_standin_${nextId()}`, name: reply.name, rawArguments: reply.rawArguments }], finishReason: 'tool_calls' };
    case 'cut_off':
      return {
        ...none,
        text: reply.text ?? null,
        toolCalls: reply.partialCall ? [{ id: `call_standin_${nextId()}`, name: reply.partialCall.name, rawArguments: reply.partialCall.rawArguments }] : [],
        finishReason: 'length',
      };
    case 'refusal':
      return { ...none, text: null, refusal: reply.text ?? "I'm sorry, I can't help with that.", finishReason: 'stop' };
    case 'empty':
      return { ...none, text: null, finishReason: 'stop' };
    case 'mid_stream_error':
    case 'stall_after_headers':
      return { ...none, text: reply.afterText ?? null, finishReason: 'stop' };
  }
}

function usageJson(usage: ScriptedUsage) {
  return {
    prompt_tokens: usage.input,
    completion_tokens: usage.output,
    total_tokens: usage.input + usage.output,
    prompt_tokens_details: { cached_tokens: usage.cacheRead ?? 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

async function renderStream(reply: RenderableReply, plan: PlannedCompletion, context: ReplyContext): Promise<void> {
  const { res, request, signal } = context;
  const includeUsage = request.body?.stream_options?.include_usage === true;
  const base = {
    id: `chatcmpl-standin-${context.nextId()}`,
    object: 'chat.completion.chunk',
    created: CREATED,
    model: String(request.body?.model),
    system_fingerprint: 'fp_standin',
  };
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null): string =>
    `data: ${JSON.stringify({
      ...base,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
      ...(includeUsage ? { usage: null } : {}),
    })}\n\n`;

  startEventStream(res);
  if (reply.kind === 'stall_after_headers' && !reply.afterText) {
    await untilAborted(signal);
    res.destroy();
    return;
  }

  const frames: string[] = [chunk({ role: 'assistant', content: plan.text === null ? null : '', refusal: null })];
  for (const content of splitIntoChunks(plan.text ?? '')) frames.push(chunk({ content }));
  for (const refusal of splitIntoChunks(plan.refusal ?? '')) frames.push(chunk({ refusal }));
  plan.toolCalls.forEach((call, index) => {
    frames.push(chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] }));
    for (const piece of splitIntoChunks(call.rawArguments)) {
      frames.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
    }
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
    const error = reply.error ?? {
      type: 'server_error',
      message: 'The server had an error while processing your request. Sorry about that!',
    };
    await writeFrame(res, `data: ${JSON.stringify(openaiErrorBody(error.message, error.type))}\n\n`);
    res.end();
    return;
  }

  await writeFrame(res, chunk({}, plan.finishReason));
  if (includeUsage) {
    await writeFrame(res, `data: ${JSON.stringify({ ...base, choices: [], usage: usageJson(plan.usage) })}\n\n`);
  }
  await writeFrame(res, 'data: [DONE]\n\n');
  res.end();
}

async function renderJson(reply: RenderableReply, plan: PlannedCompletion, context: ReplyContext): Promise<void> {
  const { res, request, signal } = context;
  if (reply.kind === 'stall_after_headers') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.flushHeaders();
    await untilAborted(signal);
    res.destroy();
    return;
  }

  const completion = {
    id: `chatcmpl-standin-${context.nextId()}`,
    object: 'chat.completion',
    created: CREATED,
    model: String(request.body?.model),
    system_fingerprint: 'fp_standin',
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: plan.text,
          refusal: plan.refusal,
          ...(plan.toolCalls.length > 0
            ? {
                tool_calls: plan.toolCalls.map((call) => ({
                  id: call.id,
                  type: 'function',
                  function: { name: call.name, arguments: call.rawArguments },
                })),
              }
            : {}),
        },
        logprobs: null,
        finish_reason: plan.finishReason,
      },
    ],
    usage: usageJson(plan.usage),
  };
  const text = JSON.stringify(completion);

  if (reply.kind === 'mid_stream_error') {
    // The non-streaming analogue of a failure mid-response: half a body, then a dropped connection.
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
    res.write(text.slice(0, Math.floor(text.length / 2)));
    setImmediate(() => res.destroy());
    return;
  }
  sendJson(res, 200, completion);
}
