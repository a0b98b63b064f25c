import type { ToolCall } from '../model/model-client';
import type { ToolEnv } from './tool-env';
import type { ToolInput } from './tool-definitions';
import { ok, type ToolOutcome } from './tool-outcome';

/** `delete_file`. */
export async function deleteFile(env: ToolEnv, call: ToolCall, input: ToolInput<'delete_file'>): Promise<ToolOutcome> {
  const filePath = await env.writableTarget(input.path);
  await env.workspace.changes.delete(filePath);
  env.event({ tool: 'Delete', message: `Tool: Delete ${filePath}`, filepath: filePath });
  return ok(call, `Deleted ${filePath}.`, { mutated: true });
}

/** `rename_file`: both ends pass the write checks. */
export async function renameFile(env: ToolEnv, call: ToolCall, input: ToolInput<'rename_file'>): Promise<ToolOutcome> {
  const from = await env.writableTarget(input.from);
  const to = await env.writableTarget(input.to);
  await env.workspace.changes.rename(from, to);
  env.event({ tool: 'Rename', message: `Tool: Rename ${from} -> ${to}`, filepath: from, new_path: to });
  return ok(call, `Renamed ${from} to ${to}.`, { mutated: true });
}
