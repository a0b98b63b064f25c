import type { AgentResult } from '../../agent/agent';
import { AgentSession } from '../../agent/chain/agent-session';
import { TinyBackspaceError } from '../../errors/tiny-backspace-error';
import type { RunContext } from '../run-context';
import { runConfig } from '../run-config';
import type { RunState } from '../run-state';
import { followUpTaskPrompt, untrustedPullRequestContext } from '../follow-up/untrusted-context';
import { requireState } from './require-state';

/** One agent session per run: every pass (the first and each repair) shares its budget and conversation. */
const sessions = new WeakMap<RunState, AgentSession>();

/** A repair pass that cannot continue the conversation (another provider) still sees the change so far. */
const PATCH_CHARS = 12_000;

function currentChange(state: RunState): string {
  const patch = state.patch ?? '';
  if (patch === '') return '';
  const clipped = patch.length > PATCH_CHARS ? `${patch.slice(0, PATCH_CHARS)}\n… (${patch.length - PATCH_CHARS} more characters of the diff)` : patch;
  return `\n\nThe change made so far (already staged; fix it, do not start over):\n\`\`\`diff\n${clipped}\n\`\`\``;
}

/**
 * Runs the agent over the run's workspace. The first call creates the run's session; a repair pass
 * (`repairFeedback` set) reuses it, so `maxTurns`, `maxTokens`, `maxCostUsd` and the agent's time bound the
 * whole run, and the provider that finished continues its own conversation with the check output.
 */
export async function runAgent(context: RunContext, state: RunState, prompt: string, repairFeedback?: string): Promise<AgentResult> {
  const config = runConfig(context.deps.config, context.options);
  let session = sessions.get(state);
  if (session === undefined) {
    session = new AgentSession(config.budget);
    sessions.set(state, session);
  }
  const agent = context.deps.createAgent({ config, secrets: state.secrets, logger: context.deps.logger });
  const git = requireState(state.git, 'git');
  const gitDir = requireState(state.gitDir, 'gitDir');
  const baseSha = requireState(state.baseSha, 'baseSha');
  return agent.run({
    prompt: repairFeedback === undefined ? prompt : `${prompt}${currentChange(state)}`,
    ...(state.followUp ? { untrustedContext: untrustedPullRequestContext(state.followUp) } : {}), // issue 15
    workspace: requireState(state.workspace, 'workspace'),
    summary: requireState(state.summary, 'summary'),
    sandbox: requireState(state.sandbox, 'sandbox'),
    config,
    signal: context.signal,
    logger: context.deps.logger,
    // Commands the agent runs share the checkout with the baseline checks: they wait for them.
    ...(state.baseline ? { baselineSettled: state.baseline.then(() => undefined, () => undefined) } : {}),
    readBaseFile: async (file, signal) => {
      const result = await git.run(['--git-dir', gitDir, 'cat-file', 'blob', `${baseSha}:${file}`], { signal, allowFailure: true });
      return result.exitCode === 0 ? result.stdout : null;
    },
    emit: (event) => context.emit(event),
    session,
    ...(repairFeedback === undefined ? {} : { repairFeedback }),
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
