import type { ChangedFile, CheckResult } from '../../../protocol/run-events';
import { treeFromChanges } from '../../git/commit-from-changes';
import { TinyBackspaceError } from '../../errors/tiny-backspace-error';
import { changeStatus } from '../../workspace/change-set';
import type { RunContext } from '../run-context';
import type { RunState } from '../run-state';
import { requireState } from './require-state';

function parseNumstat(output: string): Map<string, { additions: number; deletions: number }> {
  const stats = new Map<string, { additions: number; deletions: number }>();
  for (const record of output.split('\0')) {
    const match = /^(\d+|-)\t(\d+|-)\t(.+)$/s.exec(record);
    if (!match) continue;
    stats.set(match[3] ?? '', { additions: Number(match[1]) || 0, deletions: Number(match[2]) || 0 });
  }
  return stats;
}

export function regressions(checks: readonly CheckResult[]): CheckResult[] {
  return checks.filter((check) => check.after === 'failed' && check.before !== 'failed');
}

/** Step 7: the change as a git tree, its diff, and the repository's own checks before and after. */
export async function validateChangesStep(context: RunContext, state: RunState): Promise<void> {
  const git = requireState(state.git, 'git');
  const gitDir = requireState(state.gitDir, 'gitDir');
  const baseSha = requireState(state.baseSha, 'baseSha');
  const changes = requireState(state.workspace, 'workspace').changes.list();
  state.treeSha = await treeFromChanges(git, gitDir, requireState(state.runDir, 'runDir'), baseSha, changes, context.signal);
  const diffArgs = ['--git-dir', gitDir, 'diff', '--no-ext-diff', '--no-textconv', '--no-color'];
  const numstat = parseNumstat(await git.output([...diffArgs, '--numstat', '-z', baseSha, state.treeSha], { signal: context.signal }));
  state.patch = await git.output([...diffArgs, baseSha, state.treeSha], { signal: context.signal });
  state.changedFiles = changes.map((change): ChangedFile => {
    const stat = numstat.get(change.path) ?? { additions: 0, deletions: 0 };
    return { path: change.path, status: changeStatus(change), additions: stat.additions, deletions: stat.deletions };
  });
  const added = state.changedFiles.reduce((sum, file) => sum + file.additions, 0);
  const removed = state.changedFiles.reduce((sum, file) => sum + file.deletions, 0);
  context.emit({ kind: 'step_progress', type: 'info', step: 'validate_changes', message: `${changes.length} file(s) changed, +${added} -${removed}` });

  const validator = context.deps.validator;
  if (!validator || !state.sandbox || !state.target || !state.summary) return;
  const baseline = state.baseline ? await state.baseline.catch(() => [] as CheckResult[]) : [];
  const checks = await validator.afterChange(
    { sandbox: state.sandbox, summary: state.summary, target: state.target, config: context.deps.config, signal: context.signal, emit: (event) => context.emit(event) },
    baseline,
  );
  state.checks = checks;
  if (checks.length > 0) {
    context.emit({ kind: 'checks', type: regressions(checks).length > 0 ? 'warning' : 'success', step: 'validate_changes', message: describeChecks(checks), checks: [...checks] });
  }
  const broken = regressions(checks);
  if (broken.length > 0 && !context.options.allowFailingChecks) {
    throw new TinyBackspaceError('checks_failed', `The change breaks ${broken.map((check) => check.name).join(', ')}, which passed before it; no pull request was opened.`, {
      remedy: 'Look at the check output above, refine the prompt, or allow failing checks to open the PR anyway.',
    });
  }
}

function describeChecks(checks: readonly CheckResult[]): string {
  return `Checks: ${checks.map((check) => `${check.name} ${check.before ?? '?'} -> ${check.after}`).join(', ')}`;
}
