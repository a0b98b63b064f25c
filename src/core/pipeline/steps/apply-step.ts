import { changeStatus } from '../../workspace/change-set';
import type { RunContext } from '../run-context';
import type { RunState } from '../run-state';
import { requireState } from './require-state';

/**
 * Step 6: the staged edits are settled. Nothing is written to the checkout: the commit is built from the
 * change set as a git tree (validate_changes), and the "after" checks run on a copy made from that
 * tree, so what is checked, what is committed and what the agent read can never drift apart.
 */
export async function applyStep(context: RunContext, state: RunState): Promise<void> {
  for (const change of requireState(state.workspace, 'workspace').changes.list()) {
    const mode = change.mode && change.mode !== '100644' ? `, mode ${change.mode}` : '';
    context.emit({ kind: 'step_progress', type: 'info', step: 'apply', message: `Applied ${change.path} (${changeStatus(change)}${mode})` });
  }
}
