// The health score: documented weights applied to known inputs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HEALTH_WEIGHTS, computeHealthScore, healthStatus, type HealthInputs } from '../../src/core/observability/health-score';

const perfect: HealthInputs = {
  completed: 10,
  failed: 0,
  runs: 10,
  errors: 0,
  steps: [{ step: 'clone', count: 10, p95_ms: 1000, budget_ms: 60_000 }],
  providerAttempts: 10,
  providerFallbacks: 0,
  providerFailures: 0,
  hasData: true,
};

test('the weights add up to 100', () => {
  assert.equal(Object.values(HEALTH_WEIGHTS).reduce((sum, weight) => sum + weight, 0), 100);
});

test('everything fine scores 100, healthy', () => {
  const score = computeHealthScore(perfect);
  assert.equal(score.value, 100);
  assert.equal(score.status, 'healthy');
  assert.deepEqual(score.factors.map((factor) => factor.points), [60, 15, 10, 15]);
});

test('known inputs: 8 of 10 completed, 4 errors, clone at twice its budget, 3 of 12 provider attempts failed', () => {
  const score = computeHealthScore({
    completed: 8,
    failed: 2,
    runs: 10,
    errors: 4,
    steps: [
      { step: 'clone', count: 10, p95_ms: 120_000, budget_ms: 60_000 },
      { step: 'agent', count: 10, p95_ms: 100_000, budget_ms: 300_000 },
    ],
    providerAttempts: 12,
    providerFallbacks: 2,
    providerFailures: 1,
    hasData: true,
  });
  // 60 * 0.8 + 15 * (1 - 4/10) + 10 * mean(0.5, 1) + 15 * (1 - 2/12) = 48 + 9 + 7.5 + 12.5 = 77
  // (the provider failure that failed a run counts under completion_rate, not again here)
  assert.deepEqual(score.factors.map((factor) => [factor.name, factor.score, factor.points]), [
    ['completion_rate', 0.8, 48],
    ['error_frequency', 0.6, 9],
    ['slow_steps', 0.75, 7.5],
    ['provider_reliability', 0.833, 12.5],
  ]);
  assert.equal(score.value, 77);
  assert.equal(score.status, 'degraded');
  assert.match(score.factors[2]?.detail ?? '', /Over budget at p95: clone\./);
});

test('more errors than runs bottoms error frequency out at 0, and a very unhealthy host is unhealthy', () => {
  const score = computeHealthScore({ ...perfect, completed: 1, failed: 9, errors: 30, providerFallbacks: 10 });
  assert.equal(score.factors[1]?.score, 0);
  assert.equal(score.factors[3]?.score, 0);
  // 60 * 0.1 + 0 + 10 + 0
  assert.equal(score.value, 16);
  assert.equal(score.status, 'unhealthy');
});

test('no data: every factor neutral, status no_data', () => {
  const score = computeHealthScore({ completed: 0, failed: 0, runs: 0, errors: 0, steps: [], providerAttempts: 0, providerFallbacks: 0, providerFailures: 0, hasData: false });
  assert.equal(score.value, 100);
  assert.equal(score.status, 'no_data');
  const strays = computeHealthScore({ completed: 0, failed: 0, runs: 0, errors: 1, steps: [], providerAttempts: 0, providerFallbacks: 0, providerFailures: 0, hasData: true });
  assert.equal(strays.factors[1]?.score, 0.8, 'one stray error with no runs is one of at least five');
  assert.equal(strays.status, 'healthy', 'and does not make a quiet host read degraded');
});

test('status thresholds', () => {
  assert.equal(healthStatus(80, true), 'healthy');
  assert.equal(healthStatus(79, true), 'degraded');
  assert.equal(healthStatus(50, true), 'degraded');
  assert.equal(healthStatus(49, true), 'unhealthy');
  assert.equal(healthStatus(100, false), 'no_data');
});

/** Scenarios a team would recognise, each with the status a person would give it. */
const SCENARIOS: ReadonlyArray<readonly [string, HealthInputs, number, string]> = [
  ['no runs, nothing logged', { completed: 0, failed: 0, runs: 0, errors: 0, steps: [], providerAttempts: 0, providerFallbacks: 0, providerFailures: 0, hasData: false }, 100, 'no_data'],
  ['all five runs cancelled by their users', { ...perfect, completed: 0, failed: 0, runs: 5, providerAttempts: 5 }, 100, 'healthy'],
  ['slow but fine: every step at twice its budget', { ...perfect, steps: [{ step: 'clone', count: 10, p95_ms: 120_000, budget_ms: 60_000 }] }, 95, 'healthy'],
  ['one provider down: every run fell back and completed', { ...perfect, providerAttempts: 20, providerFallbacks: 10 }, 93, 'healthy'],
  ['one failed run of ten, its error and provider failure logged', { ...perfect, completed: 9, failed: 1, errors: 0, providerFailures: 1 }, 94, 'healthy'],
  ['half the runs fail', { ...perfect, completed: 5, failed: 5, providerFailures: 5 }, 70, 'degraded'],
  ['every run fails', { ...perfect, completed: 0, failed: 10, providerFailures: 10 }, 40, 'unhealthy'],
  ['every run fails and errors pile up outside runs', { ...perfect, completed: 0, failed: 10, errors: 20, providerFallbacks: 10, providerFailures: 10 }, 10, 'unhealthy'],
];

for (const [name, inputs, value, status] of SCENARIOS) {
  test(`scenario: ${name} scores ${value}, ${status}`, () => {
    const score = computeHealthScore(inputs);
    assert.equal(score.value, value);
    assert.equal(score.status, status);
  });
}
