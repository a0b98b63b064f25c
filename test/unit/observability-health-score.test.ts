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
  assert.deepEqual(score.factors.map((factor) => factor.points), [35, 25, 20, 20]);
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
  // 35 * 0.8 + 25 * (1 - 0.4) + 20 * mean(0.5, 1) + 20 * (1 - 3/12) = 28 + 15 + 15 + 15 = 73
  assert.deepEqual(score.factors.map((factor) => [factor.name, factor.score, factor.points]), [
    ['completion_rate', 0.8, 28],
    ['error_frequency', 0.6, 15],
    ['slow_steps', 0.75, 15],
    ['provider_reliability', 0.75, 15],
  ]);
  assert.equal(score.value, 73);
  assert.equal(score.status, 'degraded');
  assert.match(score.factors[2]?.detail ?? '', /Over budget at p95: clone\./);
});

test('more errors than runs bottoms error frequency out at 0, and a very unhealthy host is unhealthy', () => {
  const score = computeHealthScore({ ...perfect, completed: 1, failed: 9, errors: 30, providerFallbacks: 10 });
  assert.equal(score.factors[1]?.score, 0);
  assert.equal(score.factors[3]?.score, 0);
  // 35 * 0.1 + 0 + 20 + 0
  assert.equal(score.value, 24);
  assert.equal(score.status, 'unhealthy');
});

test('no data: every factor neutral, status no_data', () => {
  const score = computeHealthScore({ completed: 0, failed: 0, runs: 0, errors: 0, steps: [], providerAttempts: 0, providerFallbacks: 0, providerFailures: 0, hasData: false });
  assert.equal(score.value, 100);
  assert.equal(score.status, 'no_data');
  assert.equal(computeHealthScore({ completed: 0, failed: 0, runs: 0, errors: 3, steps: [], providerAttempts: 0, providerFallbacks: 0, providerFailures: 0, hasData: true }).factors[1]?.score, 0, 'errors with no runs at all count fully');
});

test('status thresholds', () => {
  assert.equal(healthStatus(80, true), 'healthy');
  assert.equal(healthStatus(79, true), 'degraded');
  assert.equal(healthStatus(50, true), 'degraded');
  assert.equal(healthStatus(49, true), 'unhealthy');
  assert.equal(healthStatus(100, false), 'no_data');
});
