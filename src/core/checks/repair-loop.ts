import type { CheckResult, RunEventDraft } from '../../protocol/run-events';
import { throwIfAborted } from '../errors/cancelled-error';
import { regressedChecks, regressionFeedback } from './regression-feedback';

export interface RepairLoopInput {
  /** The after-change results that may hold regressions. */
  readonly checks: readonly CheckResult[];
  /** From `repairAttemptsFrom(config)`. */
  readonly attempts: number;
  readonly signal: AbortSignal;
  /**
   * Hands the feedback to the agent, which edits the same workspace, then re-applies the change set to the
   * checkout and the sandbox. Resolves false when the agent changed nothing (no point in re-checking).
   */
  repair(feedback: string, attempt: number): Promise<boolean>;
  /** Runs the checks again on the re-applied change: `validator.afterChange(context, baseline)`. */
  recheck(): Promise<readonly CheckResult[]>;
  emit(event: RunEventDraft): void;
}

export interface RepairLoopResult {
  readonly checks: readonly CheckResult[];
  readonly attemptsUsed: number;
}

/**
 * Feeds regressions back to the agent a bounded number of times, re-checking after each fix. Ends early when
 * nothing regresses any more or the agent has nothing to change; the caller decides what a remaining
 * regression means (the pipeline: no PR unless failing checks are allowed).
 */
export async function repairRegressions(input: RepairLoopInput): Promise<RepairLoopResult> {
  let checks = input.checks;
  let attemptsUsed = 0;
  while (attemptsUsed < input.attempts) {
    const feedback = regressionFeedback(checks);
    if (feedback === undefined) break;
    throwIfAborted(input.signal);
    attemptsUsed += 1;
    const broken = regressedChecks(checks).map((check) => check.name).join(', ');
    input.emit({
      kind: 'thinking',
      type: 'thinking',
      topic: 'plan',
      step: 'validate_changes',
      message: `The change breaks ${broken}; asking the agent for a fix (attempt ${attemptsUsed} of ${input.attempts}).`,
    });
    if (!(await input.repair(feedback, attemptsUsed))) {
      input.emit({ kind: 'thinking', type: 'thinking', topic: 'plan', step: 'validate_changes', message: 'The agent made no further change; keeping the checks as they are.' });
      break;
    }
    checks = await input.recheck();
  }
  return { checks, attemptsUsed };
}
