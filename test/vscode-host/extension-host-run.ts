// Runs the extension-host mocha suite (test/extension, bundled to out/test/extension/index.js) inside a
// real VS Code: code-server plus a headless chromium page. code-server's CLI refuses
// --extensionDevelopmentPath, but the workbench takes the same launch parameters from the URL's `payload`,
// then calls window.codeAutomationExit(code) when the suite finishes.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { GREP_ENV, RESULTS_FILE_ENV, type ExtensionTestReport } from '../extension/report';
import { launchBrowser } from './browser';
import { startCodeServer, type CodeServer } from './code-server';
import { assertHostInstalled, EXTENSION_TESTS_BUNDLE, REPO_ROOT } from './paths';
import { remoteUri, workbenchUrl } from './workbench';

const execFileAsync = promisify(execFile);

export interface ExtensionHostRunOptions {
  /** Only tests whose full title matches (mocha grep). */
  readonly grep?: string;
  /** How many fresh extension hosts (page loads) to run the suite in, on one code-server. Default 1. */
  readonly repeat?: number;
  /** Give up on one run after this long. */
  readonly timeoutMs?: number;
  /** Receives progress and diagnostics lines. */
  readonly log?: (line: string) => void;
}

export interface ExtensionHostRun {
  /** The code VS Code reported through codeAutomationExit (0: the suite passed). */
  readonly exitCode: number;
  /** Undefined when the suite never got to write one (crash, timeout, load error). */
  readonly report?: ExtensionTestReport;
  /** Wall time from page load to codeAutomationExit. */
  readonly elapsedMs: number;
}

/** Bundles src and the suite as the project's own build does (non-minified, with source maps). */
export async function buildExtensionTests(mode: 'development' | 'production'): Promise<void> {
  await execFileAsync(process.execPath, ['esbuild.js', ...(mode === 'production' ? ['--production'] : [])], { cwd: REPO_ROOT });
  if (!existsSync(EXTENSION_TESTS_BUNDLE)) throw new Error(`the build did not produce ${EXTENSION_TESTS_BUNDLE}`);
}

interface AutomationExit {
  readonly code: number;
  readonly logs: unknown;
}

async function runOnce(server: CodeServer, workspace: string, resultsFile: string, timeoutMs: number, log: (line: string) => void): Promise<ExtensionHostRun> {
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    const consoleLines: string[] = [];
    page.on('console', (message) => consoleLines.push(`[browser ${message.type()}] ${message.text()}`));
    let onExit: (exit: AutomationExit) => void = () => undefined;
    const exited = new Promise<AutomationExit>((resolve) => {
      onExit = resolve;
    });
    await page.exposeFunction('codeAutomationExit', (code: number, logs: unknown) => onExit({ code, logs }));
    const started = Date.now();
    await page.goto(
      workbenchUrl(server, {
        folder: workspace,
        payload: [
          ['extensionDevelopmentPath', remoteUri(server, REPO_ROOT)],
          ['extensionTestsPath', remoteUri(server, EXTENSION_TESTS_BUNDLE)],
        ],
      }),
    );
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), timeoutMs);
    });
    const exit = await Promise.race([exited, timedOut]);
    clearTimeout(timer);
    const elapsedMs = Date.now() - started;
    const report = await readFile(resultsFile, 'utf8')
      .then((text) => JSON.parse(text) as ExtensionTestReport)
      .catch(() => undefined);
    await rm(resultsFile, { force: true });
    if (exit === undefined) {
      log(`the suite did not finish within ${timeoutMs} ms; browser console:\n${consoleLines.slice(-40).join('\n')}`);
      return { exitCode: 1, elapsedMs, ...(report ? { report } : {}) };
    }
    if (report === undefined || exit.code !== 0) {
      // The suite could not even report: show what the workbench saw (e.g. a load error of index.js).
      log(`browser console (last 40 lines):\n${consoleLines.slice(-40).join('\n')}`);
      log(`code-server output (last 40 lines):\n${server.output().split('\n').slice(-40).join('\n')}`);
    }
    return { exitCode: exit.code, elapsedMs, ...(report ? { report } : {}) };
  } finally {
    await browser.close();
  }
}

/**
 * Starts code-server once and runs the suite `repeat` times, each in a fresh page and so a fresh extension
 * host (what the activation benchmark needs). Stops everything and removes its temp dirs in any case.
 */
export async function runExtensionHostSuite(options: ExtensionHostRunOptions = {}): Promise<ExtensionHostRun[]> {
  assertHostInstalled();
  if (!existsSync(EXTENSION_TESTS_BUNDLE)) throw new Error(`${EXTENSION_TESTS_BUNDLE} is missing: run node esbuild.js first`);
  const log = options.log ?? ((line: string) => console.log(line));
  const scratch = await mkdtemp('/tmp/tbx-');
  const workspace = path.join(scratch, 'workspace');
  const resultsFile = path.join(scratch, 'results.json');
  await mkdir(workspace);
  let server: CodeServer | undefined;
  try {
    server = await startCodeServer({
      env: {
        [RESULTS_FILE_ENV]: resultsFile,
        ...(options.grep ? { [GREP_ENV]: options.grep } : {}),
        // The suite's GitHub stand-in accepts this token; the extension finds it the way a user's
        // VS Code would (code-server drops GITHUB_TOKEN from the environment, GITHUB_PAT passes).
        GITHUB_PAT: `ghs_test_${randomBytes(20).toString('hex')}`,
      },
    });
    const runs: ExtensionHostRun[] = [];
    for (let index = 0; index < (options.repeat ?? 1); index += 1) {
      runs.push(await runOnce(server, workspace, resultsFile, options.timeoutMs ?? 240_000, log));
    }
    return runs;
  } finally {
    await server?.stop();
    await rm(scratch, { recursive: true, force: true });
  }
}
