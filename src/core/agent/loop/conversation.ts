import type { ConversationMessage, OpaqueTurn, ToolCall, ToolResult } from '../model/model-client';

/**
 * The messages of one provider conversation, kept in the shape every vendor accepts: it starts with a
 * user message, roles alternate (two user messages in a row are merged into one), an assistant message is
 * never empty, and every tool call is answered by a result in the next user message.
 *
 * It outlives one pass: when the repository's checks fail after `finish`, the repair pass continues the
 * same conversation (see chain/agent-session.ts), so the model fixes its change instead of starting over.
 */
export class Conversation {
  private readonly list: ConversationMessage[] = [];
  /** Results of the last assistant turn that are not sent yet (the `finish` call's, after a pass ended). */
  private pending: ToolResult[] = [];

  constructor(prompt: string) {
    this.list.push({ role: 'user', text: prompt });
  }

  get messages(): readonly ConversationMessage[] {
    return this.list;
  }

  /** The assistant's turn; an empty one (no text, no calls) is not kept, since no vendor accepts it back. */
  assistant(text: string, toolCalls: readonly ToolCall[], opaque?: OpaqueTurn): boolean {
    if (text.trim() === '' && toolCalls.length === 0 && opaque === undefined) return false;
    this.flushPending();
    this.list.push({ role: 'assistant', text: text.trim() === '' ? '' : text, toolCalls, ...(opaque ? { opaque } : {}) });
    return true;
  }

  /** A user message: tool results first, then text; merged into the previous user message if there is one. */
  user(input: { toolResults?: readonly ToolResult[]; text?: string }): void {
    const results = [...this.pending, ...(input.toolResults ?? [])];
    this.pending = [];
    const last = this.list[this.list.length - 1];
    if (last?.role === 'user') {
      const texts = [last.text, input.text].filter((text): text is string => text !== undefined && text.trim() !== '');
      this.list[this.list.length - 1] = { role: 'user', toolResults: [...(last.toolResults ?? []), ...results], ...(texts.length > 0 ? { text: texts.join('\n\n') } : {}) };
      return;
    }
    this.list.push({ role: 'user', ...(results.length > 0 ? { toolResults: results } : {}), ...(input.text !== undefined && input.text.trim() !== '' ? { text: input.text } : {}) });
  }

  /** Results to send with the next user message (a pass ended on `finish`; a repair pass sends them). */
  holdResults(results: readonly ToolResult[]): void {
    this.pending.push(...results);
  }

  /** Replaces the content of earlier tool results in place (context editing); ids and order stay. */
  rewriteResults(rewrite: (result: ToolResult, call: ToolCall | undefined) => ToolResult): void {
    const calls = new Map<string, ToolCall>();
    for (const [index, message] of this.list.entries()) {
      if (message.role === 'assistant') {
        for (const call of message.toolCalls) calls.set(call.id, call);
        continue;
      }
      if (!message.toolResults) continue;
      this.list[index] = { ...message, toolResults: message.toolResults.map((result) => rewrite(result, calls.get(result.callId))) };
    }
  }

  private flushPending(): void {
    if (this.pending.length > 0) this.user({});
  }
}
