import { rm } from 'node:fs/promises';
import type { StepName } from '../../../protocol/run-events';
import { writeFileAtomic } from '../../workspace/atomic-write';
import { changeStatus, type FileChange } from '../../workspace/change-set';
import { resolveWriteTarget } from '../../workspace/path-guard';
import type { RunContext } from '../run-context';
import type { RunState } from '../run-state';
import { requireState } from './require-state';

interface Write {
  readonly path: string;
  /** null deletes the file. */
  readonly content: string | null;
  readonly label: string;
}

/** What must change on disk to go from the last applied change set to the current one. */
function pendingWrites(current: readonly FileChange[], applied: ReadonlyMap<string, FileChange>): Write[] {
  const writes: Write[] = [];
  const currentPaths = new Set(current.map((change) => change.path));
  for (const change of current) {
    if (applied.get(change.path)?.after === change.after && applied.has(change.path)) continue;
    writes.push({ path: change.path, content: change.after, label: changeStatus(change) });
  }
  // A later agent pass may have undone an edit: put the base content back.
  for (const [path, change] of applied) {
    if (!currentPaths.has(path)) writes.push({ path, content: change.before, label: 'reverted' });
  }
  return writes;
}

/**
 * Brings the checkout (and a sandbox that holds its own copy) in line with the change set: each file
 * written whole or not at all, every path checked again after resolving symlinks.
 */
export async function applyChangeSet(context: RunContext, state: RunState, step: StepName): Promise<number> {
  const workDir = requireState(state.workDir, 'workDir');
  const sandbox = requireState(state.sandbox, 'sandbox');
  const current = requireState(state.workspace, 'workspace').changes.list();
  const writes = pendingWrites(current, state.applied ?? new Map());
  const targets = await Promise.all(writes.map((write) => resolveWriteTarget(workDir, write.path)));
  for (const [index, write] of writes.entries()) {
    const target = targets[index];
    if (target === undefined) continue;
    if (write.content === null) await rm(target, { force: true });
    else await writeFileAtomic(target, write.content);
    if (sandbox.kind !== 'local') {
      if (write.content === null) await sandbox.removeFile(write.path, context.signal);
      else await sandbox.writeFile(write.path, write.content, context.signal);
    }
    context.emit({ kind: 'step_progress', type: 'info', step, message: `Applied ${write.path} (${write.label})` });
  }
  state.applied = new Map(current.map((change) => [change.path, change]));
  return writes.length;
}

/** Step 6: the staged edits reach the checkout. */
export async function applyStep(context: RunContext, state: RunState): Promise<void> {
  // The baseline checks read the untouched tree; let them finish before it changes.
  if (state.baseline) await state.baseline.catch(() => undefined);
  await applyChangeSet(context, state, 'apply');
}
