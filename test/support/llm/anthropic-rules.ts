// What the real Messages API refuses with 400 invalid_request_error, checked on every request the
// Anthropic stand-in receives. Messages follow the real ones closely enough to recognise them.

import { createHmac } from 'node:crypto';

const SIGNING_KEY = 'anthropic-stand-in-thinking';
const MAX_BREAKPOINTS = 4;

/** The signature the stand-in puts on a thinking block; a block sent back with other text fails it. */
export function signThinking(thinking: string): string {
  return createHmac('sha256', SIGNING_KEY).update(thinking).digest('base64');
}

type Block = Record<string, any>;

function blocksOf(content: unknown): Block[] | null {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return Array.isArray(content) ? (content as Block[]) : null;
}

function countBreakpoints(body: any): number {
  let count = 0;
  const visit = (block: unknown): void => {
    if (block !== null && typeof block === 'object' && (block as Block).cache_control != null) count += 1;
  };
  for (const tool of Array.isArray(body.tools) ? body.tools : []) visit(tool);
  for (const block of Array.isArray(body.system) ? body.system : []) visit(block);
  for (const message of body.messages) for (const block of Array.isArray(message?.content) ? message.content : []) visit(block);
  return count;
}

function thinkingProblem(body: any): string | null {
  const thinking = body.thinking;
  if (thinking == null || thinking.type !== 'enabled') return null;
  if (typeof thinking.budget_tokens !== 'number' || thinking.budget_tokens < 1024) return 'thinking.enabled.budget_tokens: Input should be greater than or equal to 1024';
  if (body.max_tokens <= thinking.budget_tokens) return '`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size';
  if (body.temperature !== undefined && body.temperature !== 1) return '`temperature` may only be set to 1 when thinking is enabled.';
  const messages: any[] = body.messages;
  for (const [index, message] of messages.entries()) {
    if (message.role !== 'assistant') continue;
    for (const [blockIndex, block] of (blocksOf(message.content) ?? []).entries()) {
      if (block.type === 'thinking' && block.signature !== signThinking(String(block.thinking ?? ''))) {
        return `messages.${index}.content.${blockIndex}: Invalid \`signature\` in \`thinking\` block`;
      }
    }
  }
  // In a tool-use loop (the last user message carries tool results), the assistant turn that made those
  // calls must start with its thinking block, as it was returned.
  const last = messages[messages.length - 1];
  const lastHasResults = last?.role === 'user' && (blocksOf(last.content) ?? []).some((block) => block.type === 'tool_result');
  const assistantIndex = messages.length - 2;
  const assistant = messages[assistantIndex];
  if (lastHasResults && assistant?.role === 'assistant') {
    const first = (blocksOf(assistant.content) ?? [])[0];
    if (first && first.type !== 'thinking' && first.type !== 'redacted_thinking') {
      return `messages.${assistantIndex}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${String(first.type)}\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block (preceeding the lastmost set of \`tool_use\` and \`tool_result\` blocks). We recommend you include thinking blocks from previous turns. To avoid this requirement, disable \`thinking\`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking`;
    }
  }
  return null;
}

/** `null` when the Messages API would accept the body, else its error message. */
export function anthropicRequestProblem(body: any): string | null {
  const messages: unknown = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) return 'messages: at least one message is required';
  const breakpoints = countBreakpoints(body);
  if (breakpoints > MAX_BREAKPOINTS) return `A maximum of ${MAX_BREAKPOINTS} blocks with cache_control may be provided. Found ${breakpoints}.`;
  for (const block of Array.isArray(body.system) ? body.system : []) {
    if (block?.type === 'text' && String(block.text ?? '').trim() === '') return 'system: text content blocks must contain non-whitespace text';
  }
  if (messages[0]?.role !== 'user') return 'messages: first message must use the "user" role';
  for (const [index, message] of (messages as any[]).entries()) {
    if (message?.role !== 'user' && message?.role !== 'assistant') return `messages.${index}.role: Input should be 'user' or 'assistant'`;
    const previous = (messages as any[])[index - 1];
    if (previous && previous.role === message.role) return `messages: roles must alternate between "user" and "assistant", but found multiple "${message.role}" roles in a row`;
    const blocks = blocksOf(message.content);
    const isFinalAssistant = index === messages.length - 1 && message.role === 'assistant';
    if (blocks === null || (blocks.length === 0 && !isFinalAssistant)) return `messages.${index}: all messages must have non-empty content except for the optional final assistant message`;
    let seenOther = false;
    for (const [blockIndex, block] of blocks.entries()) {
      if (block.type === 'text' && String(block.text ?? '').trim() === '') return `messages.${index}.content.${blockIndex}: text content blocks must contain non-whitespace text`;
      if (block.type === 'tool_result') {
        if (message.role !== 'user') return `messages.${index}.content.${blockIndex}: tool_result blocks are only allowed in user messages`;
        if (seenOther) return `messages.${index}: tool_result blocks must come first in the content of a user message, before any other block`;
      } else seenOther = true;
      if (block.type === 'tool_use' && message.role !== 'assistant') return `messages.${index}.content.${blockIndex}: tool_use blocks are only allowed in assistant messages`;
    }
    if (isFinalAssistant && blocks.length > 0) {
      const final = blocks[blocks.length - 1];
      if (final?.type === 'text' && /\s$/.test(String(final.text))) return 'messages: final assistant content cannot end with trailing whitespace';
    }
    // Pairing: every tool_use answered in the very next message, every tool_result answering one.
    if (message.role === 'assistant') {
      const ids = blocks.filter((block) => block.type === 'tool_use').map((block) => String(block.id));
      if (ids.length === 0) continue;
      const next = (messages as any[])[index + 1];
      const answered = new Set((blocksOf(next?.content) ?? []).filter((block) => block.type === 'tool_result').map((block) => String(block.tool_use_id)));
      const missing = ids.filter((id) => !answered.has(id));
      if (missing.length > 0) {
        return `messages.${index + 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
      }
    } else {
      const asked = new Set((blocksOf(previous?.content) ?? []).filter((block) => block.type === 'tool_use').map((block) => String(block.id)));
      const stray = blocks.filter((block) => block.type === 'tool_result' && !asked.has(String(block.tool_use_id)));
      if (stray.length > 0) {
        return `messages.${index}.content.0: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${stray.map((block) => String(block.tool_use_id)).join(', ')}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
      }
    }
  }
  return thinkingProblem(body);
}
