// Loopback stand-in for OpenAI's Responses API (`POST /v1/responses`, streamed), driven by the same
// scripts as the other stand-ins. Speaks the real event sequence (response.created, output_item.added /
// .done, output_text.delta, function_call_arguments.delta, response.completed / .incomplete), so the real
// `openai` SDK's `client.responses.create({ stream: true })` can talk to it:
//   new OpenAI({ apiKey, baseURL: standIn.url + '/v1' })
// Reasoning models (gpt-5*, o*) get a reasoning item with encrypted content when the request includes
// `reasoning.encrypted_content`; a request that sends it back altered is refused, as the real API does.

import { createHmac } from 'node:crypto';
import { responsesInputProblem } from './llm/responses-rules';
import { AutomaticPromptCache } from './llm/prompt-cache';
import { openaiErrorBody } from './openai-stand-in';
import {
  bearerToken,
  outputTokensOf,
  splitIntoChunks,
  startEventStream,
  startLlmStandIn,
  toolInputJson,
  untilAborted,
  writeFrame,
  type LlmDialect,
  type LlmStandIn,
  type RenderableReply,
  type ReplyContext,
  type StandInOptions,
} from './llm-script';

export type { LlmStandIn } from './llm-script';

export function startOpenAIResponsesStandIn(options: StandInOptions): Promise<LlmStandIn> {
  return startLlmStandIn(responsesDialect(), options);
}

type OutputItem =
  | { type: 'reasoning'; id: string; summary: unknown[]; encrypted_content?: string }
  | { type: 'message'; id: string; status: string; role: 'assistant'; content: Array<{ type: 'output_text'; text: string; annotations: unknown[] } | { type: 'refusal'; refusal: string }> }
  | { type: 'function_call'; id: string; call_id: string; name: string; arguments: string; status: string };

function responsesDialect(): LlmDialect {
  const issued = new Map<string, string>();
  const cache = new AutomaticPromptCache();
  return {
    endpoint: '/v1/responses',
    responseHeaders: (id) => ({ 'x-request-id': `req_standin_${id}` }),
    authenticate(request, apiKey) {
      const presented = bearerToken(request.headers);
      if (presented === apiKey) return null;
      return { status: 401, body: openaiErrorBody('Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key') };
    },
    validate(request) {
      const body = request.body;
      if (typeof body !== 'object' || body === null) return openaiErrorBody('We could not parse the JSON body of your request.', 'invalid_request_error');
      if (body.stream !== true) return openaiErrorBody('stand-in: only streamed Responses requests are supported (stream: true)', 'invalid_request_error');
      const problem = responsesInputProblem(body, issued);
      return problem === null ? null : openaiErrorBody(problem.message, 'invalid_request_error', null, problem.param);
    },
    errorBody: (status, message) => openaiErrorBody(message, status === 404 ? 'invalid_request_error' : 'server_error'),
    async render(reply, context) {
      const body = context.request.body;
      const derived = cache.usage(body.model, [body.tools ?? [], body.instructions ?? '', ...(Array.isArray(body.input) ? body.input : [body.input])]);
      await renderStream(reply, context, issued, { input: derived.input, cached: derived.cacheRead });
    },
  };
}

function wantsReasoning(body: any): boolean {
  return /^(gpt-5|o\d)/.test(String(body.model)) && Array.isArray(body.include) && body.include.includes('reasoning.encrypted_content');
}

async function renderStream(reply: RenderableReply, context: ReplyContext, issued: Map<string, string>, prompt: { input: number; cached: number }): Promise<void> {
  const { res, request, signal } = context;
  const body = request.body;
  startEventStream(res);
  let sequence = 0;
  const send = (type: string, data: Record<string, unknown>): Promise<boolean> => writeFrame(res, `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...data })}\n\n`);
  const responseId = `resp_standin_${context.nextId()}`;
  const envelope = (status: string, output: OutputItem[], extra: Record<string, unknown> = {}) => ({
    id: responseId,
    object: 'response',
    created_at: 1_750_000_000,
    status,
    model: String(body.model),
    output,
    error: null,
    incomplete_details: null,
    instructions: body.instructions ?? null,
    tools: body.tools ?? [],
    parallel_tool_calls: true,
    ...extra,
  });
  if (!(await send('response.created', { response: envelope('in_progress', []) }))) return;
  if (reply.kind === 'stall_after_headers') {
    await untilAborted(signal);
    res.destroy();
    return;
  }

  const output: OutputItem[] = [];
  if (wantsReasoning(body) && reply.kind !== 'empty') {
    const id = `rs_standin_${context.nextId()}`;
    const thinking = (reply.kind === 'text' || reply.kind === 'tool_calls' ? reply.thinking : undefined) ?? 'considered the next step';
    const encrypted = createHmac('sha256', 'responses-stand-in').update(`${id}:${thinking}`).digest('base64');
    issued.set(id, encrypted);
    const item: OutputItem = { type: 'reasoning', id, summary: [], encrypted_content: encrypted };
    await send('response.output_item.added', { output_index: output.length, item: { type: 'reasoning', id, summary: [] } });
    await send('response.output_item.done', { output_index: output.length, item });
    output.push(item);
  }

  const text = reply.kind === 'text' || reply.kind === 'tool_calls' || reply.kind === 'cut_off' ? reply.text : reply.kind === 'mid_stream_error' ? reply.afterText : undefined;
  if (text) {
    const index = output.length;
    const id = `msg_standin_${context.nextId()}`;
    await send('response.output_item.added', { output_index: index, item: { type: 'message', id, status: 'in_progress', role: 'assistant', content: [] } });
    await send('response.content_part.added', { output_index: index, item_id: id, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } });
    for (const delta of splitIntoChunks(text)) await send('response.output_text.delta', { output_index: index, item_id: id, content_index: 0, delta, logprobs: [] });
    if (reply.kind === 'mid_stream_error') {
      await send('error', { code: 'server_error', message: reply.error?.message ?? 'The server had an error while processing your request.', param: null });
      res.end();
      return;
    }
    const done: OutputItem = { type: 'message', id, status: reply.kind === 'cut_off' && !reply.partialCall ? 'incomplete' : 'completed', role: 'assistant', content: [{ type: 'output_text', text, annotations: [] }] };
    await send('response.output_text.done', { output_index: index, item_id: id, content_index: 0, text, logprobs: [] });
    await send('response.output_item.done', { output_index: index, item: done });
    output.push(done);
  }
  if (reply.kind === 'refusal') {
    const id = `msg_standin_${context.nextId()}`;
    const refusal = reply.text ?? "I'm sorry, I can't help with that.";
    await send('response.output_item.added', { output_index: output.length, item: { type: 'message', id, status: 'in_progress', role: 'assistant', content: [] } });
    await send('response.refusal.delta', { output_index: output.length, item_id: id, content_index: 0, delta: refusal });
    const done: OutputItem = { type: 'message', id, status: 'completed', role: 'assistant', content: [{ type: 'refusal', refusal }] };
    await send('response.output_item.done', { output_index: output.length, item: done });
    output.push(done);
  }

  const calls = reply.kind === 'tool_calls' ? reply.calls.map((call) => ({ name: call.name, args: toolInputJson(call.input), callId: call.id })) : reply.kind === 'malformed_tool_json' ? [{ name: reply.name, args: reply.rawArguments, callId: undefined }] : [];
  for (const call of calls) {
    const index = output.length;
    const id = `fc_standin_${context.nextId()}`;
    const callId = call.callId ?? `call_standin_${context.nextId()}`;
    await send('response.output_item.added', { output_index: index, item: { type: 'function_call', id, call_id: callId, name: call.name, arguments: '', status: 'in_progress' } });
    for (const delta of splitIntoChunks(call.args)) await send('response.function_call_arguments.delta', { output_index: index, item_id: id, delta });
    await send('response.function_call_arguments.done', { output_index: index, item_id: id, arguments: call.args });
    const done: OutputItem = { type: 'function_call', id, call_id: callId, name: call.name, arguments: call.args, status: 'completed' };
    await send('response.output_item.done', { output_index: index, item: done });
    output.push(done);
  }
  if (reply.kind === 'cut_off' && reply.partialCall) {
    const index = output.length;
    const id = `fc_standin_${context.nextId()}`;
    await send('response.output_item.added', { output_index: index, item: { type: 'function_call', id, call_id: `call_standin_${context.nextId()}`, name: reply.partialCall.name, arguments: '', status: 'in_progress' } });
    for (const delta of splitIntoChunks(reply.partialCall.rawArguments)) await send('response.function_call_arguments.delta', { output_index: index, item_id: id, delta });
  }

  const outputTokens = outputTokensOf(reply, body.max_output_tokens);
  const usage = {
    input_tokens: prompt.input,
    input_tokens_details: { cached_tokens: prompt.cached },
    output_tokens: outputTokens,
    output_tokens_details: { reasoning_tokens: output.some((item) => item.type === 'reasoning') ? Math.min(64, outputTokens) : 0 },
    total_tokens: prompt.input + outputTokens,
  };
  if (reply.kind === 'cut_off') {
    await send('response.incomplete', { response: envelope('incomplete', output, { incomplete_details: { reason: 'max_output_tokens' }, usage }) });
  } else {
    await send('response.completed', { response: envelope('completed', output, { usage }) });
  }
  res.end();
}
