import { TinyBackspaceError } from '../../errors/tiny-backspace-error';
import type { RunContext } from '../run-context';
import type { RunState } from '../run-state';
import { requireState } from './require-state';

/** Step 5: the agent stages its edits in the workspace's change set. */
export async function agentStep(context: RunContext, state: RunState): Promise<void> {
  const workspace = requireState(state.workspace, 'workspace');
  const agent = context.deps.createAgent({ config: context.deps.config, secrets: state.secrets, logger: context.deps.logger });
  const result = await agent.run({
    prompt: context.request.prompt,
    workspace,
    summary: requireState(state.summary, 'summary'),
    sandbox: requireState(state.sandbox, 'sandbox'),
    config: context.deps.config,
    signal: context.signal,
    logger: context.deps.logger,
    emit: (event) => context.emit(event),
  });
  state.agentResult = result;
  if (workspace.changes.size === 0) {
    throw new TinyBackspaceError('no_changes', `The agent (${result.agent}) finished without changing any file, so there is nothing to propose.`, {
      remedy: 'Rephrase the prompt with the file or text to change.',
    });
  }
  context.emit({
    kind: 'thinking',
    type: 'thinking',
    topic: 'plan',
    step: 'agent',
    provider: result.agent,
    message: `${result.agent} staged ${workspace.changes.size} file change(s): ${result.summary}`,
  });
}
