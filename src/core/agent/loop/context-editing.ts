import type { ToolCall, ToolResult } from '../model/model-client';
import type { Conversation } from './conversation';

/**
 * Context editing: the rule that keeps a long conversation from growing without bound.
 *
 * The newest `keep` tool results always stay in full. Once the tool results held in full add up to more
 * than `triggerTokens` (characters / 4), every result older than the newest `keep` is replaced by a
 * one-line note naming the call and how to get its output again (the shape of Anthropic's
 * `clear_tool_uses` context editing, with its `trigger` and `keep`). Clearing rarely and in bulk, not one
 * result per turn, matters for cost: each clearing changes the conversation's prefix, so the prompt cache
 * is written again from there (1.25x the input price on Anthropic), while a cached read costs 0.1x.
 *
 * Short results (under MIN_CLEARABLE_CHARS: "Edited x at line 3", errors) are kept: they cost little and
 * the model's record of what it did stays intact. Tool calls themselves (the model's own edits) are kept.
 */
export const MIN_CLEARABLE_CHARS = 600;
export const CLEARED_PREFIX = '[cleared to save context]';

/** Tool-result tokens held in full that trigger a clearing (default of the rule). */
export const DEFAULT_TRIGGER_TOKENS = 40_000;

export interface ContextEditingRule {
  /** Results kept in full; `Infinity` turns clearing off. */
  readonly keep: number;
  readonly triggerTokens?: number;
}

function describeCall(call: ToolCall | undefined): string {
  if (!call) return 'this tool call';
  const input = (call.input ?? {}) as Record<string, unknown>;
  const detail = ['path', 'query', 'command', 'from'].map((key) => input[key]).find((value): value is string => typeof value === 'string');
  return detail === undefined ? call.name : `${call.name} ${JSON.stringify(detail.length > 200 ? `${detail.slice(0, 200)}…` : detail)}`;
}

export function clearedNote(call: ToolCall | undefined, chars: number): string {
  return `${CLEARED_PREFIX} The output of ${describeCall(call)} (${chars.toLocaleString('en-US')} characters) was removed because it is old. Call the tool again if you still need it; files may have changed since.`;
}

/** Applies the rule to `conversation` in place; returns how many results it cleared now. */
export function clearOldToolResults(conversation: Conversation, rule: ContextEditingRule): number {
  if (!Number.isFinite(rule.keep)) return 0;
  const trigger = rule.triggerTokens ?? DEFAULT_TRIGGER_TOKENS;
  const full: ToolResult[] = [];
  let fullChars = 0;
  for (const message of conversation.messages) {
    if (message.role !== 'user') continue;
    for (const result of message.toolResults ?? []) {
      if (!isClearable(result)) continue;
      full.push(result);
      fullChars += result.content.length;
    }
  }
  if (full.length <= rule.keep || fullChars / 4 <= trigger) return 0;
  const toClear = new Set(full.slice(0, full.length - rule.keep).map((result) => result.callId));
  conversation.rewriteResults((result, call) => (toClear.has(result.callId) ? { ...result, content: clearedNote(call, result.content.length) } : result));
  return toClear.size;
}

function isClearable(result: ToolResult): boolean {
  return !result.content.startsWith(CLEARED_PREFIX) && result.content.length >= MIN_CLEARABLE_CHARS;
}
