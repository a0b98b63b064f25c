// Entry point VS Code loads as `extensionTestsPath` (bundled to out/test/extension/index.js, with 'vscode'
// and 'mocha' left external). Runs inside the extension host, the same way under @vscode/test-electron
// (desktop VS Code) and under code-server (test/vscode-host/run-extension-tests.ts).
//
// The suites are bundled into this file, so mocha cannot load them by path: each suite module exports a
// define function, called after mocha has installed describe/it for this run ('pre-require').
import { writeFile } from 'node:fs/promises';
import Mocha from 'mocha';
import { defineActivationSuite } from './activation.suite';
import { defineFirstRunSuite } from './first-run.suite';
import { defineFollowUpSuite } from './follow-up.suite';
import { defineHostileWorkspaceSuite } from './hostile-workspace.suite';
import { allMeasurements } from './measurements';
import { GREP_ENV, RESULTS_FILE_ENV, type ExtensionTestReport, type ExtensionTestResult } from './report';
import { defineRunCommandSuite } from './run-command.suite';
import { defineServerSuite } from './server.suite';
import { defineSettingsSuite } from './settings.suite';

function errorText(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  const grep = process.env[GREP_ENV];
  if (grep !== undefined && grep !== '') mocha.grep(grep);

  mocha.suite.emit('pre-require', globalThis, 'extension-suites', mocha);
  // Activation first: it measures activate() and must find the extension not yet active.
  defineActivationSuite();
  defineSettingsSuite();
  defineRunCommandSuite();
  defineFollowUpSuite();
  defineServerSuite();
  defineHostileWorkspaceSuite();
  defineFirstRunSuite();

  const tests: ExtensionTestResult[] = [];
  const failures = await new Promise<number>((resolve) => {
    const runner = mocha.run(resolve);
    runner.on('pass', (test) => tests.push({ fullTitle: test.fullTitle(), state: 'passed', durationMs: test.duration ?? 0 }));
    runner.on('pending', (test) => tests.push({ fullTitle: test.fullTitle(), state: 'pending' }));
    // Also fires for failed hooks, which then name the hook ("before all" hook ...).
    runner.on('fail', (test, error) => tests.push({ fullTitle: test.fullTitle(), state: 'failed', error: errorText(error) }));
  });

  const report: ExtensionTestReport = {
    tests,
    measurements: allMeasurements(),
    passed: tests.filter((test) => test.state === 'passed').length,
    failed: tests.filter((test) => test.state === 'failed').length,
    pending: tests.filter((test) => test.state === 'pending').length,
  };
  const resultsFile = process.env[RESULTS_FILE_ENV];
  if (resultsFile !== undefined && resultsFile !== '') await writeFile(resultsFile, JSON.stringify(report, null, 2));
  if (failures > 0) throw new Error(`${failures} extension-host test(s) failed`);
  if (report.passed === 0) throw new Error('no extension-host test ran');
}
