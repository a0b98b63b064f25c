import type Anthropic from '@anthropic-ai/sdk';
import type { ConversationMessage } from './model-client';

type MessageParam = Anthropic.Messages.MessageParam;
type ContentBlockParam = Anthropic.Messages.ContentBlockParam;

export const EPHEMERAL = { type: 'ephemeral' } as const;

/**
 * Messages API shape of the conversation. Thinking blocks go back first in their assistant message,
 * exactly as received (the signature covers their text). Tool results come first in a user message.
 *
 * Prompt-cache breakpoints (the API allows 4): the last tool and the system prompt (which holds the
 * repository map) are set by the caller; here, the newest message and the newest message of the previous
 * request. The second one guarantees that the next request reads the whole previous prompt from the cache
 * even when one turn added more blocks than the API's 20-block lookback.
 */
export function toAnthropicMessages(messages: readonly ConversationMessage[]): MessageParam[] {
  const converted = messages.map((message): MessageParam => {
    if (message.role === 'assistant') {
      const content: ContentBlockParam[] = [];
      if (message.opaque?.format === 'anthropic-thinking') content.push(...(message.opaque.items as ContentBlockParam[]));
      if (message.text.trim() !== '') content.push({ type: 'text', text: message.text.trimEnd() });
      for (const call of message.toolCalls) content.push({ type: 'tool_use', id: call.id, name: call.name, input: call.input ?? {} });
      if (content.length === 0) content.push({ type: 'text', text: '(no reply)' });
      return { role: 'assistant', content };
    }
    const content: ContentBlockParam[] = [];
    for (const result of message.toolResults ?? []) {
      content.push({ type: 'tool_result', tool_use_id: result.callId, content: result.content.trim() === '' ? '(empty)' : result.content, ...(result.isError ? { is_error: true } : {}) });
    }
    if (message.text !== undefined && message.text.trim() !== '') content.push({ type: 'text', text: message.text });
    if (content.length === 0) content.push({ type: 'text', text: '(continue)' });
    return { role: 'user', content };
  });
  const userIndexes = converted.flatMap((message, index) => (message.role === 'user' ? [index] : []));
  for (const index of userIndexes.slice(-2)) markLastBlock(converted[index]);
  return converted;
}

function markLastBlock(message: MessageParam | undefined): void {
  if (!message || !Array.isArray(message.content)) return;
  const blocks = message.content as ContentBlockParam[];
  const final = blocks[blocks.length - 1];
  if (final && (final.type === 'text' || final.type === 'tool_result')) blocks[blocks.length - 1] = { ...final, cache_control: EPHEMERAL };
}
