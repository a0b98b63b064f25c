// `node --import tsx test/electron/run-electron-tests.ts` — the same extension-host suite (test/extension)
// in a desktop VS Code downloaded by @vscode/test-electron. For machines and CI runners that can reach
// Microsoft's update server (GitHub-hosted runners; wrap in xvfb-run on Linux). Where that server is out of
// reach, use test/vscode-host/run-extension-tests.ts (code-server) instead; it runs the identical suite.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { runTests } from '@vscode/test-electron';
import { RESULTS_FILE_ENV, type ExtensionTestReport } from '../extension/report';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
/** The floor of engines.vscode: the oldest VS Code the extension claims to support. */
const VSCODE_VERSION = process.env.TINY_BACKSPACE_VSCODE_VERSION || '1.100.3';

async function main(): Promise<number> {
  await promisify(execFile)(process.execPath, ['esbuild.js'], { cwd: REPO_ROOT });
  const scratch = await mkdtemp(path.join(tmpdir(), 'tbe-'));
  const resultsFile = path.join(scratch, 'results.json');
  try {
    const workspace = path.join(scratch, 'workspace');
    await mkdir(workspace);
    let exitCode: number;
    try {
      exitCode = await runTests({
        version: VSCODE_VERSION,
        extensionDevelopmentPath: REPO_ROOT,
        extensionTestsPath: path.join(REPO_ROOT, 'out', 'test', 'extension', 'index.js'),
        launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', path.join(scratch, 'user')],
        extensionTestsEnv: {
          [RESULTS_FILE_ENV]: resultsFile,
          // A developer's own GITHUB_TOKEN must not win over the stand-in's token (the suite's PR test).
          GITHUB_TOKEN: undefined,
          GITHUB_PAT: `ghs_test_${randomBytes(20).toString('hex')}`,
        },
      });
    } catch (error) {
      console.error(error instanceof Error ? error.message : String(error));
      exitCode = 1;
    }
    const report = await readFile(resultsFile, 'utf8')
      .then((text) => JSON.parse(text) as ExtensionTestReport)
      .catch(() => undefined);
    if (report === undefined) {
      console.log('0 passed, 1 failed');
      return 1;
    }
    // Mocha's spec reporter already printed each test to this terminal (desktop VS Code forwards it).
    console.log(`${report.passed} passed, ${report.failed} failed${report.pending > 0 ? `, ${report.pending} skipped` : ''}`);
    return exitCode === 0 && report.failed === 0 ? 0 : 1;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    console.log('0 passed, 1 failed');
    process.exitCode = 1;
  },
);
