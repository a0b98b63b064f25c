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

/**
 * Vendor items the loop does not read but must send back unchanged on the next request: Anthropic
 * `thinking`/`redacted_thinking` blocks (with their signatures), or a Responses API turn's whole output
 * (reasoning items with encrypted content, function calls, messages). Tagged so a different client ignores them.
 */
export interface OpaqueTurn {
  readonly format: 'anthropic-thinking' | 'openai-responses';
  readonly items: readonly unknown[];
}

export type ConversationMessage =
  | { readonly role: 'user'; readonly text?: string; readonly toolResults?: readonly ToolResult[] }
  | { readonly role: 'assistant'; readonly text: string; readonly toolCalls: readonly ToolCall[]; readonly opaque?: OpaqueTurn };

export interface TurnRequest {
  readonly system: string;
  readonly messages: readonly ConversationMessage[];
  /** Empty for plain-text models. */
  readonly tools: readonly ToolSpec[];
  readonly maxOutputTokens: number;
}

/**
 * One turn's tokens as the provider bills them. `inputTokens` is the whole prompt; of it,
 * `cacheReadTokens` were read from the prompt cache (about 0.1x the input price) and `cacheWriteTokens`
 * written to it (Anthropic: 1.25x); the rest is uncached input at the full price.
 */
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
  | { readonly type: 'end'; readonly stopReason: string; readonly usage: TurnUsage; readonly opaque?: OpaqueTurn }
  /** Model output that is not shown arrived (thinking, reasoning, tool arguments): the first token is in. */
  | { readonly type: 'content' };

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

/**
 * Stop reasons normalised across vendors. `cut_off`: the output limit was reached (Anthropic `max_tokens`,
 * OpenAI `length`, Responses `incomplete: max_output_tokens`); `refused`: the model declined (Anthropic
 * `refusal`, OpenAI `content_filter` or a refusal part); `context_full`: the prompt filled the context window.
 */
export type StopKind = 'done' | 'tool_use' | 'cut_off' | 'refused' | 'context_full' | 'other';

export function stopKindOf(stopReason: string): StopKind {
  switch (stopReason) {
    case 'end_turn':
    case 'stop':
    case 'stop_sequence':
    case 'completed':
      return 'done';
    case 'tool_use':
    case 'tool_calls':
    case 'function_call':
      return 'tool_use';
    case 'max_tokens':
    case 'length':
    case 'max_output_tokens':
      return 'cut_off';
    case 'refusal':
    case 'content_filter':
      return 'refused';
    case 'model_context_window_exceeded':
    case 'context_length_exceeded':
      return 'context_full';
    default:
      return 'other';
  }
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
