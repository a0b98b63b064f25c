import type { ChangedFile, CheckResult, RunEventDraft } from '../../../protocol/run-events';
import { OFFLINE_AGENT_NAME } from '../../agent/offline/offline-agent';
import { regressedChecks, repairAttemptsFrom } from '../../checks/regression-feedback';
import { repairRegressions } from '../../checks/repair-loop';
import { withCheckTree } from '../../checks/check-trees';
import { treeFromChanges } from '../../git/commit-from-changes';
import { TinyBackspaceError } from '../../errors/tiny-backspace-error';
import { changeStatus } from '../../workspace/change-set';
import type { RunContext } from '../run-context';
import type { RunState } from '../run-state';
import { runAgent } from './agent-step';
import { requireState } from './require-state';

/** One `git diff --numstat -z` record: `<added>\t<deleted>\t<path>` (renames are off, so one path). */
function addNumstat(stats: Map<string, { additions: number; deletions: number }>, record: string): void {
  const match = /^(\d+|-)\t(\d+|-)\t(.+)$/s.exec(record);
  if (match) stats.set(match[3] ?? '', { additions: Number(match[1]) || 0, deletions: Number(match[2]) || 0 });
}

/** The change as a git tree, with per-file line counts and the patch. */
async function describeChange(context: RunContext, state: RunState): Promise<void> {
  const git = requireState(state.git, 'git');
  const gitDir = requireState(state.gitDir, 'gitDir');
  const baseSha = requireState(state.baseSha, 'baseSha');
  const changes = requireState(state.workspace, 'workspace').changes.list();
  if (changes.length === 0) {
    throw new TinyBackspaceError('no_changes', 'After the repair attempts no change is left to propose.', {
      remedy: 'Rephrase the prompt; the agent undid its own change while fixing the checks.',
    });
  }
  state.treeSha = await treeFromChanges(git, gitDir, requireState(state.runDir, 'runDir'), baseSha, changes, context.signal);
  const diffArgs = ['--git-dir', gitDir, 'diff', '--no-ext-diff', '--no-textconv', '--no-color'];
  const numstat = new Map<string, { additions: number; deletions: number }>();
  await git.records([...diffArgs, '--no-renames', '--numstat', '-z', baseSha, state.treeSha], (record) => addNumstat(numstat, record), { signal: context.signal });
  state.patch = await git.output([...diffArgs, baseSha, state.treeSha], { signal: context.signal });
  state.changedFiles = changes.map((change): ChangedFile => {
    const stat = numstat.get(change.path) ?? { additions: 0, deletions: 0 };
    return { path: change.path, status: changeStatus(change), additions: stat.additions, deletions: stat.deletions };
  });
  const added = state.changedFiles.reduce((sum, file) => sum + file.additions, 0);
  const removed = state.changedFiles.reduce((sum, file) => sum + file.deletions, 0);
  context.emit({ kind: 'step_progress', type: 'info', step: 'validate_changes', message: `${changes.length} file(s) changed, +${added} -${removed}` });
}

function fingerprint(state: RunState): string {
  return JSON.stringify(requireState(state.workspace, 'workspace').changes.list().map((change) => [change.path, change.after]));
}

/** Hands a regression back to the agent (the same conversation and budget, see agent-step.ts), then builds a new tree. */
async function repairWith(context: RunContext, state: RunState, feedback: string): Promise<boolean> {
  const before = fingerprint(state);
  const result = await runAgent(context, state, `${state.agentPrompt ?? context.request.prompt}\n\n${feedback}`, feedback); // agentPrompt: issue 15
  const previous = state.agentResult;
  // A repair pass keeps the first pass's PR title unless it gives a new one.
  const title = result.title ?? previous?.title;
  state.agentResult = { ...result, ...(title === undefined ? {} : { title }), summary: previous ? `${previous.summary}; then fixed the checks: ${result.summary}` : result.summary };
  if (fingerprint(state) === before) return false;
  await describeChange(context, state);
  return true;
}

/** Step 7: the change as a git tree, its diff, and the repository's own checks before and after. */
export async function validateChangesStep(context: RunContext, state: RunState): Promise<void> {
  await describeChange(context, state);
  const validator = context.deps.validator;
  if (!validator || !state.sandbox || !state.target || !state.summary) return;
  const baseline = state.baseline ? await state.baseline.catch(() => [] as CheckResult[]) : [];
  state.stopBaseline = undefined;
  const source = { git: requireState(state.git, 'git'), gitDir: requireState(state.gitDir, 'gitDir'), runDir: requireState(state.runDir, 'runDir'), sandbox: state.sandbox };
  const summary = state.summary;
  const target = state.target;
  // Each round runs on a fresh copy of exactly the tree that would be committed (treeSha), never on a
  // working copy; nothing a check writes there can reach the commit.
  const afterChecks = () =>
    withCheckTree(source, requireState(state.treeSha, 'treeSha'), 'after', context.signal, (sandbox) =>
      validator.afterChange({ sandbox, summary, target, config: context.deps.config, signal: context.signal, emit: (event: RunEventDraft) => context.emit(event) }, baseline),
    );
  const firstChecks = await afterChecks();
  // The offline agent only follows instructions; it has nothing to offer when a check breaks.
  const canRepair = state.agentResult !== undefined && state.agentResult.agent !== OFFLINE_AGENT_NAME;
  const repaired = await repairRegressions({
    checks: firstChecks,
    attempts: canRepair ? repairAttemptsFrom(context.deps.config) : 0,
    signal: context.signal,
    emit: (event) => context.emit(event),
    repair: (feedback) => repairWith(context, state, feedback),
    recheck: afterChecks,
  });
  const checks = repaired.checks;
  state.checks = checks;
  const broken = regressedChecks(checks);
  if (checks.length > 0) {
    context.emit({ kind: 'checks', type: broken.length > 0 ? 'warning' : 'success', step: 'validate_changes', message: describeChecks(checks), checks: [...checks] });
  }
  if (broken.length > 0 && !context.options.allowFailingChecks) {
    throw new TinyBackspaceError('checks_failed', `The change breaks ${broken.map((check) => check.name).join(', ')}, which passed before it; no pull request was opened.`, {
      remedy: 'Look at the check output above, refine the prompt, or allow failing checks to open the PR anyway.',
    });
  }
}

function describeChecks(checks: readonly CheckResult[]): string {
  return `Checks: ${checks.map((check) => `${check.name} ${check.before ?? '?'} -> ${check.after}`).join(', ')}`;
}
