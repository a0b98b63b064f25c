/**
 * The one streaming interface every AI provider implements. The agent loop speaks only these types; each
 * client translates them to its vendor's wire format and back.
 */

export interface ToolSpec {
  readonly name: string;
  readonly description: string;
  /** JSON Schema of the input object. */
  readonly inputSchema: Readonly<Record<string, unknown>>;
}

export interface ToolCall {
  readonly id: string;
  readonly name: string;
  /** Parsed arguments; `{}` when they were not valid JSON (see `malformedJson`). */
  readonly input: unknown;
  /** The raw argument text when it did not parse as a JSON object. */
  readonly malformedJson?: string;
}

export interface ToolResult {
  readonly callId: string;
  readonly content: string;
  readonly isError: boolean;
}

export type ConversationMessage =
  | { readonly role: 'user'; readonly text?: string; readonly toolResults?: readonly ToolResult[] }
  | { readonly role: 'assistant'; readonly text: string; readonly toolCalls: readonly ToolCall[] };

export interface TurnRequest {
  readonly system: string;
  readonly messages: readonly ConversationMessage[];
  /** Empty for plain-text models. */
  readonly tools: readonly ToolSpec[];
  readonly maxOutputTokens: number;
}

export interface TurnUsage {
  /** All prompt tokens, cached ones included. */
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Prompt tokens served from the provider's cache (billed lower). */
  readonly cacheReadTokens: number;
  /** Prompt tokens written to the cache (Anthropic bills them higher). */
  readonly cacheWriteTokens: number;
}

export type ModelStreamEvent =
  /** Any bytes arrived; keeps the idle watchdog quiet while a long tool call streams. */
  | { readonly type: 'activity' }
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'tool_call'; readonly call: ToolCall }
  /** The turn is complete; a stream without this event was cut off. */
  | { readonly type: 'end'; readonly stopReason: string; readonly usage: TurnUsage };

/** `openai` covers api.openai.com and any OpenAI-compatible server. */
export type ProviderKind = 'anthropic' | 'openai';

export interface ModelClient {
  readonly provider: ProviderKind;
  readonly model: string;
  /** How the user and the PR body see it: `anthropic (claude-sonnet-4-6)`. */
  readonly label: string;
  /** Human name for messages: `Anthropic`, `OpenAI`, `the OpenAI-compatible endpoint at 127.0.0.1:11434`. */
  readonly displayName: string;
  /** False for small local models that answer in plain text; the loop then sends no tools. */
  readonly toolUse: boolean;
  /**
   * Streams one assistant turn. Aborting `signal` ends the stream promptly; the generator then throws
   * (it never ends quietly without an `end` event unless the turn really completed).
   */
  stream(request: TurnRequest, signal: AbortSignal): AsyncGenerator<ModelStreamEvent>;
}

/** Thrown by a client when its stream stopped without the vendor's end-of-message marker. */
export class IncompleteStreamError extends Error {
  override readonly name = 'IncompleteStreamError';
}

/** Thrown by a client when its signal was aborted and the SDK simply stopped iterating. */
export class StreamAbortedError extends Error {
  override readonly name = 'StreamAbortedError';
}

/** Parses streamed tool arguments strictly; anything but a JSON object is malformed. */
export function parseToolArguments(id: string, name: string, raw: string): ToolCall {
  const text = raw.trim() === '' ? '{}' : raw;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return { id, name, input: parsed };
  } catch {
    // fall through: malformed
  }
  return { id, name, input: {}, malformedJson: raw };
}
