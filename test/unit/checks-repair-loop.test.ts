import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { repairRegressions } from '../../src/core/checks/repair-loop';
import type { CheckResult, RunEventDraft } from '../../src/protocol/run-events';

const broken: CheckResult = { name: 'npm test', command: 'npm test', before: 'passed', after: 'failed', duration_ms: 1, detail: 'AssertionError: 1 !== 2' };
const fixed: CheckResult = { ...broken, after: 'passed', detail: undefined };
const alreadyFailing: CheckResult = { name: 'lint', command: 'npm run lint', before: 'failed', after: 'failed', duration_ms: 1 };

describe('the repair loop', () => {
  it('hands the failure output to the agent and stops once the checks pass', async () => {
    const feedbacks: string[] = [];
    const events: RunEventDraft[] = [];
    const result = await repairRegressions({
      checks: [broken, alreadyFailing],
      attempts: 3,
      signal: new AbortController().signal,
      repair: async (feedback) => {
        feedbacks.push(feedback);
        return true;
      },
      recheck: async () => [fixed, alreadyFailing],
      emit: (event) => events.push(event),
    });
    assert.equal(result.attemptsUsed, 1);
    assert.deepEqual(result.checks.map((check) => check.after), ['passed', 'failed']);
    assert.equal(feedbacks.length, 1);
    assert.match(feedbacks[0] ?? '', /AssertionError: 1 !== 2/);
    assert.doesNotMatch(feedbacks[0] ?? '', /npm run lint/, 'a check that failed before is not the agent’s to fix');
    assert.match(events[0]?.message ?? '', /breaks npm test; asking the agent for a fix \(attempt 1 of 3\)/);
  });

  it('gives up after the bounded number of attempts, or when the agent changes nothing', async () => {
    let rechecks = 0;
    const bounded = await repairRegressions({
      checks: [broken],
      attempts: 2,
      signal: new AbortController().signal,
      repair: async () => true,
      recheck: async () => {
        rechecks += 1;
        return [broken];
      },
      emit: () => undefined,
    });
    assert.equal(bounded.attemptsUsed, 2);
    assert.equal(rechecks, 2);
    assert.equal(bounded.checks[0]?.after, 'failed');

    const idle = await repairRegressions({ checks: [broken], attempts: 2, signal: new AbortController().signal, repair: async () => false, recheck: async () => [fixed], emit: () => undefined });
    assert.equal(idle.attemptsUsed, 1);
    assert.equal(idle.checks[0]?.after, 'failed');
  });

  it('does nothing without regressions or attempts, and stops when cancelled', async () => {
    const untouched = await repairRegressions({ checks: [alreadyFailing], attempts: 2, signal: new AbortController().signal, repair: async () => assert.fail('no repair needed'), recheck: async () => [], emit: () => undefined });
    assert.equal(untouched.attemptsUsed, 0);
    const none = await repairRegressions({ checks: [broken], attempts: 0, signal: new AbortController().signal, repair: async () => assert.fail('no attempts allowed'), recheck: async () => [], emit: () => undefined });
    assert.equal(none.attemptsUsed, 0);
    const controller = new AbortController();
    controller.abort('stop');
    await assert.rejects(repairRegressions({ checks: [broken], attempts: 2, signal: controller.signal, repair: async () => true, recheck: async () => [broken], emit: () => undefined }), { code: 'cancelled' });
  });
});
