import type { HealthFactor, HealthStatus, StepStats } from '../../protocol/health-report';
import type { StepName } from '../../protocol/run-events';

/**
 * The health score, 0 to 100: a weighted sum of four factors, each scored from 0 (worst) to 1 (best).
 *
 * | factor               | weight | score                                                                  |
 * |----------------------|--------|------------------------------------------------------------------------|
 * | completion_rate      | 60     | completed / (completed + failed); cancelled runs are not counted       |
 * | error_frequency      | 15     | 1 - min(1, other errors / max(runs, 5))                                |
 * | slow_steps           | 10     | mean over steps with data of min(1, step budget / step p95)            |
 * | provider_reliability | 15     | 1 - fallbacks / attempts, over the AI providers                        |
 *
 * Each failure counts once. A failed run counts in completion_rate only: its errors.log lines and the
 * provider failure that ended it are not counted again. error_frequency counts the errors that did
 * not fail a run (recovered errors, errors outside any run), per analysed run, with at least 5 runs in
 * the denominator so one stray error on a quiet host does not read as degraded. provider_reliability
 * counts the provider failures the chain recovered from (fallbacks). "Attempts" and "fallbacks" are
 * counted per run (see provider-stats); the deterministic offline agent is left out.
 * A factor without data (no finished runs, no steps, no provider attempts) scores 1: absence of
 * evidence is not a problem, and the status says `no_data` when there is nothing at all.
 * Status: `healthy` from 80, `degraded` from 50, `unhealthy` below.
 */
export const HEALTH_WEIGHTS = {
  // Whether runs finish is what users feel: it dominates, so half the runs failing reads degraded and
  // all of them failing reads unhealthy, whatever the other factors say.
  completion_rate: 60,
  error_frequency: 15,
  slow_steps: 10,
  provider_reliability: 15,
} as const;

/** The p95 each step should stay under on a normal repository; above it the step counts as slow. */
export const STEP_BUDGET_MS: Readonly<Record<StepName, number>> = {
  validate: 10_000,
  sandbox: 30_000,
  clone: 60_000,
  analyze: 20_000,
  agent: 300_000,
  apply: 5_000,
  validate_changes: 300_000,
  pull_request: 30_000,
};
export const DEFAULT_STEP_BUDGET_MS = 60_000;

/** error_frequency never divides by fewer runs than this. */
export const MIN_RUNS_FOR_ERROR_RATE = 5;

export function stepBudget(step: string): number {
  return (STEP_BUDGET_MS as Readonly<Record<string, number>>)[step] ?? DEFAULT_STEP_BUDGET_MS;
}

export interface HealthInputs {
  readonly completed: number;
  readonly failed: number;
  /** Runs analysed (any status). */
  readonly runs: number;
  /** errors.log lines that do not belong to a failed run (those count in completion_rate already). */
  readonly errors: number;
  readonly steps: readonly Pick<StepStats, 'step' | 'p95_ms' | 'budget_ms' | 'count'>[];
  readonly providerAttempts: number;
  readonly providerFallbacks: number;
  /** Shown in the detail; not scored, since the run they failed counts in completion_rate. */
  readonly providerFailures: number;
  /** False when neither runs nor log lines were found. */
  readonly hasData: boolean;
}

export interface HealthScore {
  readonly value: number;
  readonly status: HealthStatus;
  readonly factors: HealthFactor[];
}

const clamp01 = (value: number) => Math.min(1, Math.max(0, value));
const round3 = (value: number) => Math.round(value * 1000) / 1000;
const percent = (value: number) => `${Math.round(value * 100)}%`;

function factor(name: HealthFactor['name'], score: number, detail: string): HealthFactor {
  const weight = HEALTH_WEIGHTS[name];
  const clamped = round3(clamp01(score));
  return { name, weight, score: clamped, points: Math.round(weight * clamped * 10) / 10, detail };
}

export function healthStatus(value: number, hasData: boolean): HealthStatus {
  if (!hasData) return 'no_data';
  if (value >= 80) return 'healthy';
  if (value >= 50) return 'degraded';
  return 'unhealthy';
}

export function computeHealthScore(inputs: HealthInputs): HealthScore {
  const finished = inputs.completed + inputs.failed;
  const completion = finished === 0
    ? factor('completion_rate', 1, 'No finished runs yet.')
    : factor('completion_rate', inputs.completed / finished, `${inputs.completed} of ${finished} finished runs completed (${percent(inputs.completed / finished)}).`);

  const errorsPerRun = inputs.errors / Math.max(inputs.runs, MIN_RUNS_FOR_ERROR_RATE);
  const errors = factor(
    'error_frequency',
    1 - Math.min(1, errorsPerRun),
    inputs.errors === 0
      ? 'No errors outside failed runs.'
      : `${inputs.errors} error(s) outside failed runs, over ${inputs.runs} run(s).`,
  );

  const measured = inputs.steps.filter((step) => step.count > 0 && step.p95_ms > 0);
  const ratios = measured.map((step) => Math.min(1, step.budget_ms / step.p95_ms));
  const slowNames = measured.filter((step) => step.p95_ms > step.budget_ms).map((step) => step.step);
  const slow = factor(
    'slow_steps',
    ratios.length === 0 ? 1 : ratios.reduce((sum, value) => sum + value, 0) / ratios.length,
    ratios.length === 0 ? 'No step timings yet.' : slowNames.length === 0 ? 'Every step is within its p95 budget.' : `Over budget at p95: ${slowNames.join(', ')}.`,
  );

  const reliability = inputs.providerAttempts === 0
    ? factor('provider_reliability', 1, 'No AI provider attempts yet.')
    : factor(
        'provider_reliability',
        1 - Math.min(1, inputs.providerFallbacks / inputs.providerAttempts),
        `${inputs.providerFallbacks} of ${inputs.providerAttempts} provider attempt(s) fell back to the next provider; ${inputs.providerFailures} failed their run (counted under completion_rate).`,
      );

  const factors = [completion, errors, slow, reliability];
  const value = Math.round(factors.reduce((sum, item) => sum + HEALTH_WEIGHTS[item.name] * item.score, 0));
  return { value, status: healthStatus(value, inputs.hasData), factors };
}
