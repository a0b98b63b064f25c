import OpenAI from 'openai';
import { IncompleteStreamError, StreamAbortedError, parseToolArguments, type ConversationMessage, type ModelClient, type ModelStreamEvent, type TurnRequest } from './model-client';

type ChatMessage = OpenAI.Chat.Completions.ChatCompletionMessageParam;

export interface OpenAIModelOptions {
  readonly apiKey: string;
  readonly model: string;
  /** From config (OPENAI_BASE_URL), e.g. `http://127.0.0.1:11434/v1` for Ollama; unset means api.openai.com. */
  readonly baseUrl?: string;
  readonly timeoutMs: number;
  /** False for local models without tool calling: no tools are sent and edits come back as plain text. */
  readonly toolUse: boolean;
}

/** `OpenAI`, or `the OpenAI-compatible endpoint at 127.0.0.1:11434` for Ollama and friends. */
export function openaiDisplayName(baseUrl: string | undefined): string {
  if (isOfficialOpenAI(baseUrl)) return 'OpenAI';
  try {
    return `the OpenAI-compatible endpoint at ${new URL(baseUrl ?? '').host}`;
  } catch {
    return 'the OpenAI-compatible endpoint';
  }
}

export function isOfficialOpenAI(baseUrl: string | undefined): boolean {
  if (baseUrl === undefined) return true;
  try {
    return new URL(baseUrl).hostname === 'api.openai.com';
  } catch {
    return false;
  }
}

/**
 * GPT models, and any OpenAI-compatible server (Ollama, llama.cpp, LM Studio), through the `openai` SDK
 * with its retries off (the agent's retry loop classifies; OpenAI's own backoff ignores an abort).
 * OpenAI caches long prompt prefixes by itself; the cached share comes back in the usage chunk.
 */
export class OpenAIModel implements ModelClient {
  readonly provider = 'openai' as const;
  readonly displayName: string;
  readonly model: string;
  readonly label: string;
  readonly toolUse: boolean;
  private readonly client: OpenAI;
  private readonly official: boolean;

  constructor(private readonly options: OpenAIModelOptions) {
    this.official = isOfficialOpenAI(options.baseUrl);
    this.displayName = openaiDisplayName(options.baseUrl);
    this.model = options.model;
    this.label = `openai (${options.model})`;
    this.toolUse = options.toolUse;
    this.client = new OpenAI({
      apiKey: options.apiKey,
      baseURL: options.baseUrl ?? null,
      organization: null,
      project: null,
      maxRetries: 0,
      timeout: options.timeoutMs,
    });
  }

  async *stream(request: TurnRequest, signal: AbortSignal): AsyncGenerator<ModelStreamEvent> {
    const tools = request.tools.map((tool) => ({
      type: 'function' as const,
      function: { name: tool.name, description: tool.description, parameters: { ...tool.inputSchema } },
    }));
    const stream = await this.client.chat.completions.create(
      {
        model: this.model,
        messages: toOpenAIMessages(request.system, request.messages),
        ...(tools.length > 0 ? { tools } : {}),
        // api.openai.com wants max_completion_tokens (reasoning models refuse max_tokens); local servers know max_tokens.
        // Official models normally go through the Responses API (openai-responses-model.ts) instead.
        ...(this.official ? { max_completion_tokens: request.maxOutputTokens } : { max_tokens: request.maxOutputTokens }),
        stream: true,
        stream_options: { include_usage: true },
      },
      { signal, timeout: this.options.timeoutMs },
    );

    const calls = new Map<number, { id: string; name: string; arguments: string }>();
    let finishReason: string | undefined;
    let usage: OpenAI.CompletionUsage | undefined;
    let refused = false;
    for await (const chunk of stream) {
      yield { type: 'activity' };
      if (chunk.usage) usage = chunk.usage;
      const choice = chunk.choices[0];
      if (!choice) continue;
      if (choice.delta.content) yield { type: 'text', text: choice.delta.content };
      // A refusal streams as its own field, with finish_reason `stop`: it must not pass for an answer.
      if (choice.delta.refusal) refused = true;
      for (const delta of choice.delta.tool_calls ?? []) {
        yield { type: 'content' };
        const call = calls.get(delta.index) ?? { id: '', name: '', arguments: '' };
        call.id ||= delta.id ?? '';
        call.name ||= delta.function?.name ?? '';
        call.arguments += delta.function?.arguments ?? '';
        calls.set(delta.index, call);
      }
      if (choice.finish_reason) finishReason = choice.finish_reason;
    }
    // Aborting a raw stream ends the loop without an error: report it, or the turn would look complete.
    if (signal.aborted) throw new StreamAbortedError('The request was aborted.');
    if (finishReason === undefined) throw new IncompleteStreamError('The OpenAI stream ended without a finish_reason.');
    for (const [index, call] of [...calls.entries()].sort((a, b) => a[0] - b[0])) {
      yield { type: 'tool_call', call: parseToolArguments(call.id || `call_${index}`, call.name, call.arguments) };
    }
    const cached = usage?.prompt_tokens_details?.cached_tokens ?? 0;
    yield {
      type: 'end',
      stopReason: refused ? 'refusal' : finishReason,
      usage: { inputTokens: usage?.prompt_tokens ?? 0, outputTokens: usage?.completion_tokens ?? 0, cacheReadTokens: cached, cacheWriteTokens: 0 },
    };
  }
}

/**
 * Chat Completions shape of the conversation. An assistant message without text and without tool calls
 * is left out: the API refuses `{"role":"assistant","content":null}` (an empty `length` turn would
 * otherwise come back that way and fail the next request).
 */
export function toOpenAIMessages(system: string, messages: readonly ConversationMessage[]): ChatMessage[] {
  const converted: ChatMessage[] = [{ role: 'system', content: system }];
  for (const message of messages) {
    if (message.role === 'assistant') {
      const text = message.text.trim() === '' ? null : message.text;
      if (text === null && message.toolCalls.length === 0) continue;
      converted.push({
        role: 'assistant',
        content: text,
        ...(message.toolCalls.length > 0
          ? {
              tool_calls: message.toolCalls.map((call) => ({
                id: call.id,
                type: 'function' as const,
                function: { name: call.name, arguments: JSON.stringify(call.input ?? {}) },
              })),
            }
          : {}),
      });
      continue;
    }
    for (const result of message.toolResults ?? []) converted.push({ role: 'tool', tool_call_id: result.callId, content: result.content });
    if (message.text !== undefined && message.text !== '') converted.push({ role: 'user', content: message.text });
  }
  return converted;
}
