// `node --import tsx test/vscode-host/run-extension-tests.ts [--grep TEXT] [--no-build]`
// Runs the extension-host suite (test/extension) inside code-server, prints mocha's results and a final
// `N passed, N failed` line, and exits non-zero when anything failed or the suite did not run.
import { parseArgs } from 'node:util';
import { buildExtensionTests, runExtensionHostSuite } from './extension-host-run';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { grep: { type: 'string' }, 'no-build': { type: 'boolean' } } });
  const started = Date.now();
  if (values['no-build'] !== true) await buildExtensionTests('development');
  const [run] = await runExtensionHostSuite(values.grep ? { grep: values.grep } : {});
  const report = run?.report;
  if (run === undefined || report === undefined) {
    console.log(`the extension-host suite wrote no results (exit code ${run?.exitCode ?? 'none'})`);
    console.log('0 passed, 1 failed');
    return 1;
  }
  for (const test of report.tests) {
    const mark = test.state === 'passed' ? '✔' : test.state === 'failed' ? '✘' : '-';
    console.log(`  ${mark} ${test.fullTitle}${test.durationMs !== undefined ? ` (${test.durationMs} ms)` : ''}`);
    if (test.error) console.log(test.error.replace(/^/gm, '      '));
  }
  for (const [name, value] of Object.entries(report.measurements)) console.log(`  measured ${name}: ${value.toFixed(1)}`);
  console.log(`suite ${run.elapsedMs} ms in the extension host, ${Date.now() - started} ms in all (build, code-server, chromium)`);
  console.log(`${report.passed} passed, ${report.failed} failed${report.pending > 0 ? `, ${report.pending} skipped` : ''}`);
  return run.exitCode === 0 && report.failed === 0 && report.passed > 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    console.log('0 passed, 1 failed');
    process.exitCode = 1;
  },
);
