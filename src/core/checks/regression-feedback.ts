import type { CheckResult } from '../../protocol/run-events';
import type { EngineConfig } from '../config/engine-config';

export const DEFAULT_REPAIR_ATTEMPTS = 2;
const MAX_REPAIR_ATTEMPTS = 5;

/** Checks that passed (or were not run) before the change and fail after it: the same rule the pipeline uses. */
export function regressedChecks(checks: readonly CheckResult[]): CheckResult[] {
  return checks.filter((check) => check.after === 'failed' && check.before !== 'failed');
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
  const sections = broken.map((check) => [`### ${check.name}`, `Command: \`${check.command}\``, check.detail ?? '(no output)'].join('\n'));
  return [
    `Your change makes ${broken.length === 1 ? 'this check' : 'these checks'} fail, and ${broken.length === 1 ? 'it' : 'they'} passed before it:`,
    ...sections,
    'Fix the change so the checks pass again. Do not delete, skip or weaken the tests.',
  ].join('\n\n');
}
