import { isSecretPath } from '../../context/secret-files';
import type { ToolCall } from '../model/model-client';
import { filesInScope } from '../../workspace/glob';
import type { ToolEnv } from './tool-env';
import type { ToolInput } from './tool-definitions';
import { ok, type ToolOutcome } from './tool-outcome';
import { shortenText } from './tool-text';
import { unifiedDiff } from './unified-diff';

const DIFF_CHARS = 50_000;

/** `view_diff`: the staged change set against the base commit, as the pull request will show it. */
export async function viewDiff(env: ToolEnv, call: ToolCall, input: ToolInput<'view_diff'>): Promise<ToolOutcome> {
  const all = env.workspace.changes.list().filter((change) => !isSecretPath(change.path));
  const scope = input.path?.trim();
  const inScope = scope && scope !== '.' ? new Set(filesInScope(all.map((change) => change.path), scope)) : undefined;
  const changes = inScope ? all.filter((change) => inScope.has(change.path)) : all;
  env.event({ tool: 'Read', message: `Tool: Read staged diff${scope ? ` of ${scope}` : ''}`, ...(scope ? { filepath: scope } : {}), output: `${changes.length} changed file(s)` });
  if (changes.length === 0) return ok(call, all.length === 0 ? 'No changes are staged yet.' : `None of the ${all.length} changed file(s) is in ${scope}.`);
  const parts = changes.map((change) => {
    const binary = (change.before ?? '').includes('\0') || (change.after ?? '').includes('\0');
    return binary ? `Binary file ${change.path} changed` : unifiedDiff(change.path, change.before, change.after);
  });
  const summary = `${changes.length} file(s) changed: ${changes.map((change) => `${change.path} (${change.before === null ? 'added' : change.after === null ? 'deleted' : 'modified'})`).join(', ')}`;
  return ok(call, env.scrub(shortenText(`${summary}\n\n${parts.join('\n')}`, DIFF_CHARS, 'middle')));
}
