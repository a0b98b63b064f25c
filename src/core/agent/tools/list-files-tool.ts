import { isGlob } from '../../workspace/glob';
import type { ToolCall } from '../model/model-client';
import type { ToolEnv } from './tool-env';
import type { ToolInput } from './tool-definitions';
import { ok, type ToolOutcome } from './tool-outcome';

const LIST_LIMIT = 300;

/** `list_files`: the files in a scope; too many, and they are grouped one directory level down. */
export async function listFiles(env: ToolEnv, call: ToolCall, input: ToolInput<'list_files'>): Promise<ToolOutcome> {
  const files = await env.visibleFiles(input.path);
  env.event({ tool: 'List', message: `Tool: List ${input.path ?? '.'}`, ...(input.path ? { filepath: input.path } : {}), output: `${files.length} file(s)` });
  if (files.length <= LIST_LIMIT) return ok(call, files.length === 0 ? 'No files match.' : files.join('\n'));
  const prefix = input.path && !isGlob(input.path) ? `${input.path.replace(/^\.\/|\/+$/g, '')}/` : '';
  const groups = new Map<string, number>();
  for (const file of files) {
    const rest = file.slice(prefix.length);
    const slash = rest.indexOf('/');
    const group = slash < 0 ? rest : `${prefix}${rest.slice(0, slash)}/`;
    groups.set(group, (groups.get(group) ?? 0) + 1);
  }
  const lines = [...groups.entries()].slice(0, LIST_LIMIT).map(([group, count]) => (group.endsWith('/') ? `${group} (${count} files)` : `${prefix}${group}`));
  return ok(call, `${files.length} files; grouped by directory (list a directory to see its files):\n${lines.join('\n')}`);
}
