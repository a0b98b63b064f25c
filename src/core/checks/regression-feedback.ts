import type { CheckResult } from '../../protocol/run-events';
import type { EngineConfig } from '../config/engine-config';

export const DEFAULT_REPAIR_ATTEMPTS = 2;
const MAX_REPAIR_ATTEMPTS = 5;

/**
 * The one rule the pipeline, the repair loop and the PR use. A check that passed before the change must
 * pass after it: failing, timing out (the change makes it hang), checking nothing (every test deleted
 * or skipped) and vanishing (its script or target removed) all count, as does an error running it
 * that the base tree did not have. A check that did not pass before (or is new) regresses only by failing.
 */
export function isRegression(check: CheckResult): boolean {
  if (check.before === 'passed') return check.after !== 'passed';
  return check.after === 'failed' && check.before !== 'failed';
}

export function regressedChecks(checks: readonly CheckResult[]): CheckResult[] {
  return checks.filter(isRegression);
}

function whatHappened(check: CheckResult): string {
  switch (check.after) {
    case 'timed_out':
      return 'It passed before your change and now runs until it is stopped: the change probably makes something hang (an endless loop, a promise that never settles, a server left open).';
    case 'skipped':
      return 'It passed before your change and now checks nothing: no tests were collected or all were skipped.';
    case 'missing':
      return 'It passed before your change and your change removed it.';
    default:
      return '';
  }
}

/** How many fix attempts a run may spend on regressions (config.repairAttempts, bounded). */
export function repairAttemptsFrom(config: Pick<EngineConfig, 'repairAttempts'>): number {
  const wanted = config.repairAttempts ?? DEFAULT_REPAIR_ATTEMPTS;
  return Number.isFinite(wanted) ? Math.max(0, Math.min(MAX_REPAIR_ATTEMPTS, Math.floor(wanted))) : DEFAULT_REPAIR_ATTEMPTS;
}

/**
 * The message that hands a regression back to the agent: which checks broke, how they were run, and the
 * end of their output. Undefined when nothing regressed. `repairRegressions` (repair-loop.ts) drives it.
 */
export function regressionFeedback(checks: readonly CheckResult[]): string | undefined {
  const broken = regressedChecks(checks);
  if (broken.length === 0) return undefined;
  const sections = broken.map((check) => [`### ${check.name}`, `Command: \`${check.command}\``, whatHappened(check), check.detail ?? '(no output)'].filter(Boolean).join('\n'));
  return [
    `Your change breaks ${broken.length === 1 ? 'this check' : 'these checks'}; a check that passed before the change must still pass after it:`,
    ...sections,
    'Fix the change so the checks pass again. Do not delete, skip or weaken the tests, and do not remove the checks.',
  ].join('\n\n');
}
