import { rm } from 'node:fs/promises';
import { writeFileAtomic } from '../../workspace/atomic-write';
import { changeStatus } from '../../workspace/change-set';
import { resolveWriteTarget } from '../../workspace/path-guard';
import type { RunContext } from '../run-context';
import type { RunState } from '../run-state';
import { requireState } from './require-state';

/**
 * Step 6: the staged edits reach the checkout, each file written whole or not at all, every path
 * checked again after resolving symlinks. A sandbox that holds its own copy gets the same edits.
 */
export async function applyStep(context: RunContext, state: RunState): Promise<void> {
  const workDir = requireState(state.workDir, 'workDir');
  const sandbox = requireState(state.sandbox, 'sandbox');
  const changes = requireState(state.workspace, 'workspace').changes.list();
  // The baseline checks read the untouched tree; let them finish before it changes.
  if (state.baseline) await state.baseline.catch(() => undefined);
  const targets = await Promise.all(changes.map((change) => resolveWriteTarget(workDir, change.path)));
  for (const [index, change] of changes.entries()) {
    const target = targets[index];
    if (target === undefined) continue;
    if (change.after === null) await rm(target, { force: true });
    else await writeFileAtomic(target, change.after);
    if (sandbox.kind !== 'local') {
      if (change.after === null) await sandbox.removeFile(change.path, context.signal);
      else await sandbox.writeFile(change.path, change.after, context.signal);
    }
    context.emit({ kind: 'step_progress', type: 'info', step: 'apply', message: `Applied ${change.path} (${changeStatus(change)})` });
  }
}
