// What the real Responses API refuses with 400 invalid_request_error (stateless use, `store: false`).

export interface ResponsesProblem {
  message: string;
  param: string | null;
}

/** Reasoning items the stand-in issued: id -> encrypted content. */
export type IssuedReasoning = ReadonlyMap<string, string>;

export function responsesInputProblem(body: any, issued: IssuedReasoning): ResponsesProblem | null {
  if (typeof body.model !== 'string') return { message: "Missing required parameter: 'model'.", param: 'model' };
  if (body.max_output_tokens !== undefined && (typeof body.max_output_tokens !== 'number' || body.max_output_tokens < 16)) {
    return { message: `Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 16, but got ${String(body.max_output_tokens)} instead.`, param: 'max_output_tokens' };
  }
  const input: unknown = body.input;
  if (typeof input === 'string') return null;
  if (!Array.isArray(input)) return { message: "Missing required parameter: 'input'.", param: 'input' };
  const calls = new Set<string>();
  const outputs = new Set<string>();
  for (const [index, item] of (input as any[]).entries()) {
    const type = item?.type ?? (item?.role !== undefined ? 'message' : undefined);
    switch (type) {
      case 'message': {
        if (!['user', 'assistant', 'system', 'developer'].includes(item.role)) return { message: `Invalid value: '${String(item.role)}'. Supported values are: 'assistant', 'system', 'developer', and 'user'.`, param: `input[${index}].role` };
        if (typeof item.content !== 'string' && !Array.isArray(item.content)) {
          return { message: `Invalid type for 'input[${index}].content': expected one of a string or array of input items, but got ${item.content === null ? 'null' : typeof item.content} instead.`, param: `input[${index}].content` };
        }
        break;
      }
      case 'function_call':
        if (typeof item.call_id !== 'string' || typeof item.name !== 'string' || typeof item.arguments !== 'string') {
          return { message: `Missing required parameter: 'input[${index}].${typeof item.call_id !== 'string' ? 'call_id' : typeof item.name !== 'string' ? 'name' : 'arguments'}'.`, param: `input[${index}]` };
        }
        calls.add(item.call_id);
        break;
      case 'function_call_output':
        if (!calls.has(String(item.call_id))) return { message: `No tool call found for function call output with call_id ${String(item.call_id)}.`, param: 'input' };
        outputs.add(String(item.call_id));
        break;
      case 'reasoning': {
        const expected = issued.get(String(item.id));
        if (typeof item.encrypted_content !== 'string') {
          return {
            message: `Item with id '${String(item.id)}' not found. Items are not persisted when \`store\` is set to false. Try again with \`store\` set to true, or remove this item from your input.`,
            param: 'input',
          };
        }
        if (expected === undefined || expected !== item.encrypted_content) return { message: `The encrypted content for item ${String(item.id)} could not be verified.`, param: 'input' };
        break;
      }
      default:
        return { message: `Invalid value: '${String(type)}'. Supported values are: 'message', 'function_call', 'function_call_output', 'reasoning', and others.`, param: `input[${index}].type` };
    }
  }
  for (const call of calls) if (!outputs.has(call)) return { message: `No tool output found for function call ${call}.`, param: 'input' };
  return null;
}
