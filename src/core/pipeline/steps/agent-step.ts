import type { AgentResult } from '../../agent/agent';
import { TinyBackspaceError } from '../../errors/tiny-backspace-error';
import type { RunContext } from '../run-context';
import { runConfig } from '../run-config';
import type { RunState } from '../run-state';
import { followUpTaskPrompt, untrustedPullRequestContext } from '../follow-up/untrusted-context';
import { requireState } from './require-state';

/** Runs a fresh agent (with a fresh budget) over the run's workspace; the repair loop reuses it with feedback. */
export async function runAgent(context: RunContext, state: RunState, prompt: string): Promise<AgentResult> {
  const config = runConfig(context.deps.config, context.options);
  const agent = context.deps.createAgent({ config, secrets: state.secrets, logger: context.deps.logger });
  return agent.run({
    prompt,
    ...(state.followUp ? { untrustedContext: untrustedPullRequestContext(state.followUp) } : {}), // issue 15
    workspace: requireState(state.workspace, 'workspace'),
    summary: requireState(state.summary, 'summary'),
    sandbox: requireState(state.sandbox, 'sandbox'),
    config,
    signal: context.signal,
    logger: context.deps.logger,
    emit: (event) => context.emit(event),
  });
}

/** Step 5: the agent stages its edits in the workspace's change set. */
export async function agentStep(context: RunContext, state: RunState): Promise<void> {
  const workspace = requireState(state.workspace, 'workspace');
  const prompt = state.followUp ? followUpTaskPrompt(context.request.prompt, state.followUp, context.request.addressReview ? undefined : context.request.prompt) : context.request.prompt;
  state.agentPrompt = prompt;
  const result = await runAgent(context, state, prompt);
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
