import Anthropic from '@anthropic-ai/sdk';
import { IncompleteStreamError, StreamAbortedError, parseToolArguments, type ConversationMessage, type ModelClient, type ModelStreamEvent, type TurnRequest, type TurnUsage } from './model-client';

type MessageParam = Anthropic.Messages.MessageParam;
type ContentBlockParam = Anthropic.Messages.ContentBlockParam;

export interface AnthropicModelOptions {
  readonly apiKey: string;
  readonly model: string;
  /** From config (ANTHROPIC_BASE_URL); unset means the public API, never an env lookup by the SDK. */
  readonly baseUrl?: string;
  /** Wait for response headers; the idle watchdog covers the rest of the stream. */
  readonly timeoutMs: number;
}

const EPHEMERAL = { type: 'ephemeral' } as const;

/**
 * Claude through `@anthropic-ai/sdk`. The SDK's own retries are off (`maxRetries: 0`): they would retry a
 * quota 429 and sleep any retry-after without a cap, and the agent's retry loop classifies instead.
 * Prompt caching: breakpoints on the system prompt, the last tool and the newest message, so each turn
 * reads the previous turns from the cache.
 */
export class AnthropicModel implements ModelClient {
  readonly provider = 'anthropic' as const;
  readonly displayName = 'Anthropic';
  readonly toolUse = true;
  readonly model: string;
  readonly label: string;
  private readonly client: Anthropic;

  constructor(private readonly options: AnthropicModelOptions) {
    this.model = options.model;
    this.label = `anthropic (${options.model})`;
    this.client = new Anthropic({ apiKey: options.apiKey, baseURL: options.baseUrl ?? null, maxRetries: 0, timeout: options.timeoutMs });
  }

  async *stream(request: TurnRequest, signal: AbortSignal): AsyncGenerator<ModelStreamEvent> {
    const tools = request.tools.map((tool, index) => ({
      name: tool.name,
      description: tool.description,
      input_schema: { ...tool.inputSchema, type: 'object' as const },
      ...(index === request.tools.length - 1 ? { cache_control: EPHEMERAL } : {}),
    }));
    const stream = await this.client.messages.create(
      {
        model: this.model,
        max_tokens: request.maxOutputTokens,
        system: [{ type: 'text', text: request.system, cache_control: EPHEMERAL }],
        messages: toAnthropicMessages(request.messages),
        ...(tools.length > 0 ? { tools } : {}),
        stream: true,
      },
      { signal, timeout: this.options.timeoutMs },
    );

    const usage = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
    const toolBlocks = new Map<number, { id: string; name: string; json: string }>();
    let stopReason = '';
    let stopped = false;
    for await (const event of stream) {
      yield { type: 'activity' };
      switch (event.type) {
        case 'message_start': {
          const start = event.message.usage;
          usage.input = start.input_tokens;
          usage.cacheRead = start.cache_read_input_tokens ?? 0;
          usage.cacheWrite = start.cache_creation_input_tokens ?? 0;
          usage.output = start.output_tokens;
          break;
        }
        case 'content_block_start':
          if (event.content_block.type === 'tool_use') toolBlocks.set(event.index, { id: event.content_block.id, name: event.content_block.name, json: '' });
          break;
        case 'content_block_delta':
          if (event.delta.type === 'text_delta') yield { type: 'text', text: event.delta.text };
          else if (event.delta.type === 'input_json_delta') {
            const block = toolBlocks.get(event.index);
            if (block) block.json += event.delta.partial_json;
          }
          break;
        case 'content_block_stop': {
          const block = toolBlocks.get(event.index);
          if (block) {
            toolBlocks.delete(event.index);
            yield { type: 'tool_call', call: parseToolArguments(block.id, block.name, block.json) };
          }
          break;
        }
        case 'message_delta':
          stopReason = event.delta.stop_reason ?? stopReason;
          usage.output = event.usage.output_tokens;
          if (typeof event.usage.input_tokens === 'number') usage.input = event.usage.input_tokens;
          if (typeof event.usage.cache_read_input_tokens === 'number') usage.cacheRead = event.usage.cache_read_input_tokens;
          if (typeof event.usage.cache_creation_input_tokens === 'number') usage.cacheWrite = event.usage.cache_creation_input_tokens;
          break;
        case 'message_stop':
          stopped = true;
          break;
      }
    }
    // An aborted raw stream just stops iterating; say so instead of pretending the turn ended.
    if (signal.aborted) throw new StreamAbortedError('The request was aborted.');
    if (!stopped) throw new IncompleteStreamError('The Anthropic stream ended before message_stop.');
    const turnUsage: TurnUsage = {
      // Anthropic counts cached prompt tokens separately from input_tokens; we report the whole prompt.
      inputTokens: usage.input + usage.cacheRead + usage.cacheWrite,
      outputTokens: usage.output,
      cacheReadTokens: usage.cacheRead,
      cacheWriteTokens: usage.cacheWrite,
    };
    yield { type: 'end', stopReason, usage: turnUsage };
  }
}

function toAnthropicMessages(messages: readonly ConversationMessage[]): MessageParam[] {
  const converted = messages.map((message): MessageParam => {
    if (message.role === 'assistant') {
      const content: ContentBlockParam[] = [];
      if (message.text !== '') content.push({ type: 'text', text: message.text });
      for (const call of message.toolCalls) content.push({ type: 'tool_use', id: call.id, name: call.name, input: call.input ?? {} });
      if (content.length === 0) content.push({ type: 'text', text: '(no reply)' });
      return { role: 'assistant', content };
    }
    const content: ContentBlockParam[] = [];
    for (const result of message.toolResults ?? []) {
      content.push({ type: 'tool_result', tool_use_id: result.callId, content: result.content, ...(result.isError ? { is_error: true } : {}) });
    }
    if (message.text !== undefined && message.text !== '') content.push({ type: 'text', text: message.text });
    if (content.length === 0) content.push({ type: 'text', text: '(continue)' });
    return { role: 'user', content };
  });
  // Cache everything up to the newest message: the next turn then reads this prefix from the cache.
  const last = converted[converted.length - 1];
  if (last && Array.isArray(last.content)) {
    const blocks = last.content as ContentBlockParam[];
    const final = blocks[blocks.length - 1];
    if (final && (final.type === 'text' || final.type === 'tool_result')) blocks[blocks.length - 1] = { ...final, cache_control: EPHEMERAL };
  }
  return converted;
}
