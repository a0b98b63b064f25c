import type { ToolCall } from '../model/model-client';
import type { ToolEnv } from './tool-env';
import type { ToolInput } from './tool-definitions';
import { ok, ToolRefusal, type ToolOutcome } from './tool-outcome';

const BOM = '\ufeff';

/**
 * A whole-file write keeps what the file's readers and tools rely on, as the edit ladder does for an
 * edit: CRLF line endings (when the file used them throughout and the new text has none), the byte-order
 * mark and the final newline. A model writing LF into a CRLF file would otherwise rewrite every line.
 */
export function keepFileConventions(current: string, next: string): string {
  let text = next;
  const hadBom = current.startsWith(BOM);
  if (text.startsWith(BOM)) text = text.slice(1);
  const body = hadBom ? current.slice(1) : current;
  const lf = body.split('\n').length - 1;
  const crlf = body.split('\r\n').length - 1;
  if (lf > 0 && crlf === lf && !text.includes('\r')) text = text.replace(/\n/g, '\r\n');
  const eol = crlf > 0 && crlf === lf ? '\r\n' : '\n';
  if (body.endsWith('\n') && text !== '' && !text.endsWith('\n')) text += eol;
  return hadBom ? BOM + text : text;
}

/** `create_file`: a new file; an existing one is refused (edit it instead). */
export async function createFile(env: ToolEnv, call: ToolCall, input: ToolInput<'create_file'>): Promise<ToolOutcome> {
  const filePath = await env.writableTarget(input.path);
  if ((await env.workspace.read(filePath)) !== null) throw new ToolRefusal(`${filePath} already exists; change it with edit_file or write_file.`);
  await env.workspace.changes.write(filePath, input.content);
  env.event({ tool: 'Create', message: `Tool: Create ${filePath}`, filepath: filePath, new_str: input.content });
  return ok(call, `Created ${filePath}.`, { mutated: true });
}

/** `write_file` and a plain-text answer's whole-file fence: replaces (or creates) a file, never emptying one. */
export async function writeFile(env: ToolEnv, call: ToolCall, input: ToolInput<'write_file'>): Promise<ToolOutcome> {
  const filePath = await env.writableTarget(input.path);
  const current = await env.workspace.read(filePath);
  if (current === null) return createFile(env, call, { path: filePath, content: input.content });
  if (current.includes('\0')) throw new ToolRefusal(`${filePath} is a binary file; it cannot be rewritten as text.`);
  if (input.content.trim() === '' && current.trim() !== '') throw new ToolRefusal(`the new content of ${filePath} is empty; a file is never emptied. Delete it instead if that is the intent.`);
  const content = keepFileConventions(current, input.content);
  if (content === current) return ok(call, `${filePath} is unchanged.`);
  await env.workspace.changes.write(filePath, content);
  env.event({ tool: 'Edit', message: `Tool: Edit ${filePath} (whole file)`, filepath: filePath, old_str: current, new_str: content });
  return ok(call, `Rewrote ${filePath}${content === input.content ? '' : ' (kept its line endings, byte-order mark and final newline)'}.`, { mutated: true });
}
