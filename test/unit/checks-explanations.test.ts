import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideInstall, installCommandsFor } from '../../src/core/checks/dependency-install';
import { explainCheckFailure } from '../../src/core/checks/explain-check-failure';
import { regressedChecks, regressionFeedback, repairAttemptsFrom } from '../../src/core/checks/regression-feedback';
import { tailOf } from '../../src/core/checks/run-check';
import { BUBBLEWRAP_ISOLATION } from '../../src/core/sandbox/bubblewrap';
import { E2B_ISOLATION } from '../../src/core/sandbox/e2b-sandbox';
import { NO_ISOLATION, UNISOLATED } from '../../src/core/sandbox/local-sandbox';
import type { CheckResult } from '../../src/protocol/run-events';

function names(files: Record<string, string>) {
  return { names: new Set(Object.keys(files)), packageJson: files['package.json'] };
}

describe('dependency installs', () => {
  it('auto installs only in E2B; never and always mean what they say; without isolation nothing installs', () => {
    assert.equal(decideInstall(undefined, E2B_ISOLATION).install, true);
    assert.equal(decideInstall('always', NO_ISOLATION).install, false);
    assert.match(decideInstall('always', NO_ISOLATION).reason, /no sandbox isolation/);
    assert.equal(decideInstall('auto', UNISOLATED).install, false);
    assert.match(decideInstall('auto', UNISOLATED).reason, /not isolated/);
    assert.equal(decideInstall('auto', BUBBLEWRAP_ISOLATION).install, false);
    assert.match(decideInstall('auto', BUBBLEWRAP_ISOLATION).reason, /no network/);
    assert.equal(decideInstall('auto', NO_ISOLATION).install, false);
    assert.equal(decideInstall('always', BUBBLEWRAP_ISOLATION).install, true);
    // With its registry proxy, the bubblewrap sandbox installs too (only the registries are reachable).
    assert.equal(decideInstall('auto', { ...BUBBLEWRAP_ISOLATION, registryNetwork: true }).install, true);
    assert.equal(decideInstall('never', E2B_ISOLATION).install, false);
  });

  it('uses npm ci with a lockfile, npm install without, pip for requirements.txt, nothing without dependencies', () => {
    const withDeps = JSON.stringify({ dependencies: { lodash: '4' } });
    assert.deepEqual(installCommandsFor(names({ 'package.json': withDeps, 'package-lock.json': '{}' })).map((c) => c.command), ['npm ci --no-audit --no-fund']);
    assert.deepEqual(installCommandsFor(names({ 'package.json': withDeps })).map((c) => c.command), ['npm install --no-audit --no-fund']);
    assert.deepEqual(installCommandsFor(names({ 'package.json': JSON.stringify({ scripts: { test: 'node t.js' } }) })), []);
    assert.deepEqual(installCommandsFor(names({ 'requirements.txt': 'pytest\n' })).map((c) => c.command), ['python3 -m pip install -r requirements.txt']);
  });
});

describe('explaining a failed check', () => {
  const offline = { isolation: BUBBLEWRAP_ISOLATION, install: decideInstall('auto', BUBBLEWRAP_ISOLATION) };

  it('blames the missing network when the output shows a lookup failure in the isolated sandbox', () => {
    assert.match(explainCheckFailure('Error: getaddrinfo EAI_AGAIN registry.npmjs.org', offline) ?? '', /checks get none in this sandbox \(bubblewrap/);
    // E2B checks get no network either (installs may reach the registries), and the advice says how to allow it.
    assert.match(explainCheckFailure('Error: getaddrinfo EAI_AGAIN registry.npmjs.org', { isolation: E2B_ISOLATION, install: decideInstall('auto', E2B_ISOLATION) }) ?? '', /TINY_BACKSPACE_COMMAND_NETWORK/);
    const openE2b = { ...E2B_ISOLATION, network: true };
    assert.equal(explainCheckFailure('Error: getaddrinfo EAI_AGAIN registry.npmjs.org', { isolation: openE2b, install: decideInstall('auto', openE2b) }), undefined);
  });

  it('blames uninstalled dependencies, or a failed install, when a module is missing', () => {
    assert.match(explainCheckFailure("Error: Cannot find module 'left-pad'", offline) ?? '', /dependencies are not installed/);
    assert.match(explainCheckFailure('ModuleNotFoundError: No module named requests', { ...offline, installFailed: true }) ?? '', /installing dependencies failed/);
  });

  it('says nothing when the failure looks like a real test failure', () => {
    assert.equal(explainCheckFailure('AssertionError: expected 2 to equal 3', offline), undefined);
  });

  it('keeps the end of long output, where runners print their summary', () => {
    const tail = tailOf(`${'x'.repeat(100)}SUMMARY`, 10);
    assert.match(tail, /^\[… 97 earlier characters omitted\]\n/);
    assert.ok(tail.endsWith('xxxSUMMARY'));
    assert.equal(tailOf('short', 10), 'short');
  });
});

describe('regressions and the repair hook', () => {
  const checks: CheckResult[] = [
    { name: 'npm test', command: 'npm test', before: 'passed', after: 'failed', duration_ms: 10, detail: 'Exit code 1.\nLast output:\nAssertionError' },
    { name: 'npm run lint', command: 'npm run lint', before: 'failed', after: 'failed', duration_ms: 5 },
    { name: 'make test', command: 'make test', after: 'failed', duration_ms: 5 },
    { name: 'go test', command: 'go test ./...', before: 'passed', after: 'passed', duration_ms: 5 },
  ];

  it('a regression passed (or did not exist) before and fails after; already failing checks are not one', () => {
    assert.deepEqual(regressedChecks(checks).map((check) => check.name), ['npm test', 'make test']);
  });

  it('feeds the agent the broken commands and their output', () => {
    const feedback = regressionFeedback(checks) ?? '';
    assert.match(feedback, /Your change breaks these checks/);
    assert.match(feedback, /### npm test\nCommand: `npm test`\nExit code 1\.\nLast output:\nAssertionError/);
    assert.match(feedback, /### make test/);
    assert.doesNotMatch(feedback, /npm run lint|go test/);
    assert.match(feedback, /Do not delete, skip or weaken the tests/);
    assert.equal(regressionFeedback(checks.slice(1, 2)), undefined);
  });

  it('bounds the number of repair attempts', () => {
    assert.equal(repairAttemptsFrom({}), 2);
    assert.equal(repairAttemptsFrom({ repairAttempts: 0 }), 0);
    assert.equal(repairAttemptsFrom({ repairAttempts: 99 }), 5);
    assert.equal(repairAttemptsFrom({ repairAttempts: -3 }), 0);
  });
});
