import type { ToolCall } from '../model/model-client';
import type { ToolEnv } from './tool-env';
import type { ToolInput } from './tool-definitions';
import { ok, type ToolOutcome } from './tool-outcome';

const READ_LINE_LIMIT = 400;
const READ_CHAR_LIMIT = 60_000;

/** `read_file`: numbered lines of a tracked text file, staged edits included, in pages. */
export async function readFileTool(env: ToolEnv, call: ToolCall, input: ToolInput<'read_file'>): Promise<ToolOutcome> {
  const filePath = await env.readablePath(input.path);
  const content = await env.readText(filePath);
  const lines = content.split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  const start = Math.min(Math.max(1, input.start_line ?? 1), Math.max(1, lines.length));
  let end = Math.min(lines.length, input.end_line ?? start + READ_LINE_LIMIT - 1, start + READ_LINE_LIMIT - 1);
  let body = '';
  for (let line = start; line <= end; line += 1) {
    const next = `${line}\t${lines[line - 1] ?? ''}\n`;
    if (body.length + next.length > READ_CHAR_LIMIT) {
      end = line - 1;
      break;
    }
    body += next;
  }
  const more = end < lines.length ? `\n(${filePath} has ${lines.length} lines; showing ${start}-${end}. Read further with start_line.)` : '';
  env.event({ tool: 'Read', message: `Tool: Read ${filePath}`, filepath: filePath, output: `lines ${start}-${end} of ${lines.length}` });
  return ok(call, env.scrub(body === '' ? '(empty file)' : body + more));
}
