import OpenAI from 'openai';
import { IncompleteStreamError, StreamAbortedError, parseToolArguments, type ConversationMessage, type ModelClient, type ModelStreamEvent, type TurnRequest } from './model-client';

type InputItem = OpenAI.Responses.ResponseInputItem;

export interface OpenAIResponsesModelOptions {
  readonly apiKey: string;
  readonly model: string;
  /** Unset: api.openai.com. Tests point it at the loopback stand-in. */
  readonly baseUrl?: string;
  readonly timeoutMs: number;
}

/** Reasoning models return reasoning items that must go back with the next request. */
function isReasoningModel(model: string): boolean {
  return /^(openai\/)?(gpt-5|o\d)/i.test(model);
}

/**
 * Official OpenAI models through the Responses API (`client.responses.create`, streamed). Stateless
 * (`store: false`): every request carries the conversation, and each turn's reasoning items (with their
 * encrypted content) are sent back unchanged before its function calls, so a reasoning model keeps its
 * chain of thought across tool calls. Chat Completions (openai-model.ts) stays for compatible servers.
 */
export class OpenAIResponsesModel implements ModelClient {
  readonly provider = 'openai' as const;
  readonly displayName = 'OpenAI';
  readonly toolUse = true;
  readonly model: string;
  readonly label: string;
  private readonly client: OpenAI;

  constructor(private readonly options: OpenAIResponsesModelOptions) {
    this.model = options.model;
    this.label = `openai (${options.model})`;
    this.client = new OpenAI({ apiKey: options.apiKey, baseURL: options.baseUrl ?? null, organization: null, project: null, maxRetries: 0, timeout: options.timeoutMs });
  }

  async *stream(request: TurnRequest, signal: AbortSignal): AsyncGenerator<ModelStreamEvent> {
    const reasoning = isReasoningModel(this.model);
    const stream = await this.client.responses.create(
      {
        model: this.model,
        instructions: request.system,
        input: toResponsesInput(request.messages),
        ...(request.tools.length > 0
          ? { tools: request.tools.map((tool) => ({ type: 'function' as const, name: tool.name, description: tool.description, parameters: { ...tool.inputSchema }, strict: false })) }
          : {}),
        max_output_tokens: request.maxOutputTokens,
        store: false,
        ...(reasoning ? { include: ['reasoning.encrypted_content' as const] } : {}),
        stream: true,
      },
      { signal, timeout: this.options.timeoutMs },
    );

    const calls = new Map<number, { callId: string; name: string; arguments: string; done: boolean }>();
    const reasoningItems: unknown[] = [];
    let refused = false;
    let final: OpenAI.Responses.Response | undefined;
    let status: string | undefined;
    for await (const event of stream) {
      yield { type: 'activity' };
      switch (event.type) {
        case 'response.output_item.added':
          if (event.item.type === 'function_call') calls.set(event.output_index, { callId: event.item.call_id, name: event.item.name, arguments: '', done: false });
          if (event.item.type !== 'message') yield { type: 'content' };
          break;
        case 'response.output_text.delta':
          yield { type: 'text', text: event.delta };
          break;
        case 'response.refusal.delta':
          refused = true;
          break;
        case 'response.function_call_arguments.delta': {
          const call = calls.get(event.output_index);
          if (call) call.arguments += event.delta;
          yield { type: 'content' };
          break;
        }
        case 'response.reasoning_summary_text.delta':
          yield { type: 'content' };
          break;
        case 'response.output_item.done': {
          const item = event.item;
          if (item.type === 'reasoning') reasoningItems.push({ type: 'reasoning', id: item.id, summary: item.summary, ...(item.encrypted_content ? { encrypted_content: item.encrypted_content } : {}) });
          if (item.type === 'function_call') calls.set(event.output_index, { callId: item.call_id, name: item.name, arguments: item.arguments, done: true });
          if (item.type === 'message' && item.content.some((part) => part.type === 'refusal')) refused = true;
          break;
        }
        case 'response.completed':
        case 'response.incomplete':
        case 'response.failed':
          final = event.response;
          status = event.response.status ?? undefined;
          break;
      }
    }
    if (signal.aborted) throw new StreamAbortedError('The request was aborted.');
    if (final === undefined) throw new IncompleteStreamError('The Responses stream ended without response.completed.');
    if (status === 'failed') {
      const code = final.error?.code ?? 'server_error';
      // A full context window is the model's honest limit, not an outage: say so instead of retrying.
      if (String(code) === 'context_length_exceeded') {
        yield { type: 'end', stopReason: 'context_length_exceeded', usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 } };
        return;
      }
      throw new IncompleteStreamError(`The response failed: ${code}`);
    }
    for (const [, call] of [...calls.entries()].sort((a, b) => a[0] - b[0])) {
      yield { type: 'tool_call', call: parseToolArguments(call.callId, call.name, call.arguments) };
    }
    const incomplete = final.incomplete_details?.reason;
    const stopReason = refused ? 'refusal' : status === 'incomplete' ? (incomplete ?? 'max_output_tokens') : calls.size > 0 ? 'tool_use' : 'completed';
    const usage = final.usage;
    yield {
      type: 'end',
      stopReason,
      usage: { inputTokens: usage?.input_tokens ?? 0, outputTokens: usage?.output_tokens ?? 0, cacheReadTokens: usage?.input_tokens_details?.cached_tokens ?? 0, cacheWriteTokens: 0 },
      ...(reasoningItems.length > 0 ? { opaque: { format: 'openai-responses', items: reasoningItems } } : {}),
    };
  }
}

/**
 * The conversation as Responses input items: user text as messages, tool results as
 * `function_call_output` after their `function_call`, and a turn's reasoning items right before its calls.
 * A turn with neither text nor calls is left out (the API refuses an empty assistant message).
 */
export function toResponsesInput(messages: readonly ConversationMessage[]): InputItem[] {
  const items: InputItem[] = [];
  for (const message of messages) {
    if (message.role === 'assistant') {
      if (message.opaque?.format === 'openai-responses') items.push(...(message.opaque.items as InputItem[]));
      if (message.text.trim() !== '') items.push({ role: 'assistant', content: message.text });
      for (const call of message.toolCalls) items.push({ type: 'function_call', call_id: call.id, name: call.name, arguments: JSON.stringify(call.input ?? {}) });
      continue;
    }
    for (const result of message.toolResults ?? []) items.push({ type: 'function_call_output', call_id: result.callId, output: result.content });
    if (message.text !== undefined && message.text.trim() !== '') items.push({ role: 'user', content: message.text });
  }
  return items;
}
