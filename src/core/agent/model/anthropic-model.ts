import Anthropic from '@anthropic-ai/sdk';
import { EPHEMERAL, toAnthropicMessages } from './anthropic-messages';
import { IncompleteStreamError, StreamAbortedError, parseToolArguments, type ModelClient, type ModelStreamEvent, type TurnRequest, type TurnUsage } from './model-client';
import { modelOutputCap } from './output-caps';

type ContentBlockParam = Anthropic.Messages.ContentBlockParam;

export interface AnthropicModelOptions {
  readonly apiKey: string;
  readonly model: string;
  /** From config (ANTHROPIC_BASE_URL); unset means the public API, never an env lookup by the SDK. */
  readonly baseUrl?: string;
  /** Wait for response headers; the idle watchdog covers the rest of the stream. */
  readonly timeoutMs: number;
  /** Extended thinking with this budget per turn (at least 1,024); off when unset. */
  readonly thinkingBudgetTokens?: number;
}

const MIN_THINKING_BUDGET = 1_024;

/**
 * Claude through `@anthropic-ai/sdk`. The SDK's own retries are off (`maxRetries: 0`): they would retry a
 * quota 429 and sleep any retry-after without a cap, and the agent's retry loop classifies instead.
 * Prompt caching: breakpoints on the last tool, the system prompt and the two newest user messages (see
 * anthropic-messages.ts). With extended thinking on, each turn's thinking blocks are kept and sent back
 * unchanged (signatures included), as the API requires across tool calls.
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

  /** max_tokens covers thinking and the reply: the budget on top of the reply's share, within the model's cap. */
  private limits(maxOutputTokens: number): { maxTokens: number; thinking?: { type: 'enabled'; budget_tokens: number } } {
    const budget = this.options.thinkingBudgetTokens;
    if (budget === undefined) return { maxTokens: maxOutputTokens };
    const cap = modelOutputCap(this.model) ?? maxOutputTokens + budget;
    const maxTokens = Math.min(cap, maxOutputTokens + Math.max(MIN_THINKING_BUDGET, budget));
    const budgetTokens = Math.max(MIN_THINKING_BUDGET, Math.min(budget, maxTokens - MIN_THINKING_BUDGET));
    return { maxTokens, thinking: { type: 'enabled', budget_tokens: budgetTokens } };
  }

  async *stream(request: TurnRequest, signal: AbortSignal): AsyncGenerator<ModelStreamEvent> {
    const tools = request.tools.map((tool, index) => ({
      name: tool.name,
      description: tool.description,
      input_schema: { ...tool.inputSchema, type: 'object' as const },
      ...(index === request.tools.length - 1 ? { cache_control: EPHEMERAL } : {}),
    }));
    const { maxTokens, thinking } = this.limits(request.maxOutputTokens);
    const stream = await this.client.messages.create(
      {
        model: this.model,
        max_tokens: maxTokens,
        system: [{ type: 'text', text: request.system, cache_control: EPHEMERAL }],
        messages: toAnthropicMessages(request.messages),
        ...(tools.length > 0 ? { tools } : {}),
        ...(thinking ? { thinking } : {}),
        stream: true,
      },
      { signal, timeout: this.options.timeoutMs },
    );

    const usage = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
    const toolBlocks = new Map<number, { id: string; name: string; json: string }>();
    const thinkingBlocks = new Map<number, ContentBlockParam>();
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
        case 'content_block_start': {
          const block = event.content_block;
          if (block.type === 'tool_use') toolBlocks.set(event.index, { id: block.id, name: block.name, json: '' });
          else if (block.type === 'thinking') thinkingBlocks.set(event.index, { type: 'thinking', thinking: block.thinking, signature: block.signature });
          else if (block.type === 'redacted_thinking') thinkingBlocks.set(event.index, { type: 'redacted_thinking', data: block.data });
          if (block.type !== 'text') yield { type: 'content' };
          break;
        }
        case 'content_block_delta': {
          const delta = event.delta;
          if (delta.type === 'text_delta') yield { type: 'text', text: delta.text };
          else if (delta.type === 'input_json_delta') {
            const block = toolBlocks.get(event.index);
            if (block) block.json += delta.partial_json;
            yield { type: 'content' };
          } else if (delta.type === 'thinking_delta' || delta.type === 'signature_delta') {
            const block = thinkingBlocks.get(event.index);
            if (block?.type === 'thinking') {
              if (delta.type === 'thinking_delta') block.thinking += delta.thinking;
              else block.signature += delta.signature;
            }
            yield { type: 'content' };
          }
          break;
        }
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
    // A block still open at the end was cut off (max_tokens): hand it over as the partial call it is.
    for (const block of toolBlocks.values()) yield { type: 'tool_call', call: parseToolArguments(block.id, block.name, block.json) };
    const turnUsage: TurnUsage = {
      // Anthropic's input_tokens is the uncached part only; the whole prompt is the three together.
      inputTokens: usage.input + usage.cacheRead + usage.cacheWrite,
      outputTokens: usage.output,
      cacheReadTokens: usage.cacheRead,
      cacheWriteTokens: usage.cacheWrite,
    };
    const thoughts = [...thinkingBlocks.entries()].sort((a, b) => a[0] - b[0]).map(([, block]) => block);
    yield { type: 'end', stopReason, usage: turnUsage, ...(thoughts.length > 0 ? { opaque: { format: 'anthropic-thinking', items: thoughts } } : {}) };
  }
}
