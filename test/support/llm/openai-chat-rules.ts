// What the real Chat Completions API refuses with 400 invalid_request_error, checked on every request
// the OpenAI stand-in receives. Messages follow the real ones.

export interface ChatProblem {
  message: string;
  param: string | null;
}

/** `null` when Chat Completions would accept the messages, else its error. */
export function chatMessagesProblem(messages: any[]): ChatProblem | null {
  if (messages.length === 0) return { message: "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.", param: 'messages' };
  for (const [index, message] of messages.entries()) {
    const role = message?.role;
    if (!['system', 'developer', 'user', 'assistant', 'tool'].includes(role)) {
      return { message: `Invalid value: '${String(role)}'. Supported values are: 'system', 'assistant', 'user', 'tool', 'function', and 'developer'.`, param: `messages[${index}].role` };
    }
    if (role === 'assistant') {
      const calls: any[] = Array.isArray(message.tool_calls) ? message.tool_calls : [];
      if ((message.content === null || message.content === undefined) && calls.length === 0) {
        return { message: "Invalid value for 'content': expected a string, got null.", param: `messages.[${index}].content` };
      }
      if (calls.length === 0) continue;
      const answered = new Set<string>();
      for (const next of messages.slice(index + 1)) {
        if (next?.role !== 'tool') break;
        answered.add(String(next.tool_call_id));
      }
      const missing = calls.map((call) => String(call?.id)).filter((id) => !answered.has(id));
      if (missing.length > 0) {
        return {
          message: `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${missing.join(', ')}`,
          param: 'messages',
        };
      }
      continue;
    }
    if (role === 'tool') {
      let cursor = index - 1;
      while (cursor >= 0 && messages[cursor]?.role === 'tool') cursor -= 1;
      const asker = messages[cursor];
      const ids = new Set((Array.isArray(asker?.tool_calls) ? asker.tool_calls : []).map((call: any) => String(call?.id)));
      if (asker?.role !== 'assistant' || !ids.has(String(message.tool_call_id))) {
        return { message: "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.", param: `messages.[${index}].role` };
      }
      continue;
    }
    if (typeof message.content !== 'string' && !Array.isArray(message.content)) {
      return { message: `Invalid type for 'messages[${index}].content': expected one of a string or array of objects, but got ${message.content === null ? 'null' : typeof message.content} instead.`, param: `messages[${index}].content` };
    }
  }
  return null;
}
