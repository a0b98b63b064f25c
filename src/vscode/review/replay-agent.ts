// The "agent" of a review restored after a window reload: it re-applies the change the user already saw,
// file by file, to a fresh clone, and refuses when the base moved under a file (the diff the user
// reviewed would no longer be what is pushed). No model, no network.
import type { Agent, AgentContext, AgentResult } from '../../core/agent/agent';
import { throwIfAborted } from '../../core/errors/cancelled-error';
import { TinyBackspaceError } from '../../core/errors/tiny-backspace-error';
import type { FileChange } from '../../core/workspace/change-set';

export const REPLAY_AGENT_NAME = 'restored review';

export class ReplayAgent implements Agent {
  readonly name = REPLAY_AGENT_NAME;

  constructor(
    private readonly changes: readonly FileChange[],
    private readonly originalRequestId: string,
  ) {}

  async run(context: AgentContext): Promise<AgentResult> {
    const { workspace } = context;
    for (const change of this.changes) {
      throwIfAborted(context.signal);
      const current = await workspace.read(change.path);
      if (current !== change.before) {
        throw new TinyBackspaceError('edit_failed', `${change.path} changed on the base branch since the review was saved, so the reviewed change no longer applies as shown.`, {
          remedy: 'Discard this review and run the prompt again (Re-run in the panel).',
        });
      }
      if (change.after === null) await workspace.changes.delete(change.path);
      else await workspace.changes.write(change.path, change.after);
      context.emit({ kind: 'tool', type: 'tool', step: 'agent', tool: change.after === null ? 'Delete' : change.before === null ? 'Create' : 'Edit', filepath: change.path, message: `Restored ${change.path}` });
    }
    return { agent: this.name, summary: `The change reviewed in run ${this.originalRequestId}, restored after a window reload.`, usage: [] };
  }
}
