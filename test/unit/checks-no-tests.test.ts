// What counts as "no tests collected", from the runners' real summary lines; a failure stays a failure.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { noTestsCollected } from '../../src/core/checks/no-tests-collected';
import { isRegression } from '../../src/core/checks/regression-feedback';

describe('no tests collected', () => {
  const none: ReadonlyArray<readonly [string, string, number]> = [
    ['node --test, TAP', '# tests 0\n# pass 0\n# fail 0\n', 0],
    ['node --test, spec', 'ℹ tests 0\nℹ pass 0\n', 0],
    ['node 20, a file without tests', 'TAP version 13\n# Subtest: /tmp/x/a.test.js\nok 1 - /tmp/x/a.test.js\n1..1\n# tests 1\n# pass 1\n', 0],
    ['node --test, all skipped', 'TAP version 13\nok 1 - greets # SKIP\n# tests 1\n# pass 0\n# fail 0\n# skipped 1\n', 0],
    ['jest', 'No tests found, exiting with code 1\nRun with `--passWithNoTests` to exit with code 0\n', 1],
    ['vitest', 'No test files found, exiting with code 1\n', 1],
    ['mocha', '\n  0 passing (1ms)\n\n', 0],
    ['cargo', 'running 0 tests\n\ntest result: ok. 0 passed\n\nrunning 0 tests\n', 0],
    ['go', '?   \texample.com/m\t[no test files]\n', 0],
  ];
  for (const [runner, output, exitCode] of none) test(runner, () => assert.ok(noTestsCollected(output, exitCode), output));

  const some: ReadonlyArray<readonly [string, string, number]> = [
    ['node --test with tests', 'TAP version 13\nok 1 - greets\n# tests 1\n# pass 1\n', 0],
    ['mocha with tests', '  3 passing (4ms)\n', 0],
    ['a failing run that mentions no tests', '# tests 0\n', 1],
    ['jest no tests but another exit code', 'No tests found, exiting with code 1\n', 2],
    ['cargo with tests', 'running 0 tests\nrunning 3 tests\n', 0],
    ['go with results', 'ok  \texample.com/m\t0.01s\n?   \texample.com/m/x\t[no test files]\n', 0],
  ];
  for (const [what, output, exitCode] of some) test(`not: ${what}`, () => assert.equal(noTestsCollected(output, exitCode), undefined));
});

describe('the regression rule', () => {
  const check = (before: 'passed' | 'failed' | undefined, after: 'passed' | 'failed' | 'skipped' | 'timed_out' | 'missing' | 'error') => ({ name: 'n', command: 'c', ...(before ? { before } : {}), after, duration_ms: 0 });
  test('anything but passing after a pass is a regression', () => {
    for (const after of ['failed', 'skipped', 'timed_out', 'missing', 'error'] as const) assert.equal(isRegression(check('passed', after)), true, after);
    assert.equal(isRegression(check('passed', 'passed')), false);
  });
  test('a check that did not pass before regresses only by failing', () => {
    assert.equal(isRegression(check('failed', 'timed_out')), false);
    assert.equal(isRegression(check('failed', 'failed')), false);
    assert.equal(isRegression(check(undefined, 'failed')), true);
    assert.equal(isRegression(check(undefined, 'skipped')), false);
  });
});
