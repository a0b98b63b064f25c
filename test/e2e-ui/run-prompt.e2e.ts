// The UI end to end, as a user does it: the packaged .vsix installed into a clean VS Code (code-server),
// a clone of a repository on the loopback GitHub stand-in opened as the workspace, "Tiny Backspace: Run
// Prompt on Current Repository" from the Command Palette, a prompt typed into the input box, the review
// confirmed in the panel, and the pull request checked on the stand-in.
//
// Run: bash .ci/install-code-server.sh && node --import tsx --test test/e2e-ui/run-prompt.e2e.ts
// Leaves test-artifacts/panel.png (the panel after the pull request) and, on failure, a workbench screenshot.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import type { Page } from 'playwright-core';
import { STEP_NAMES } from '../../src/protocol/run-events';
import { git } from '../extension/support/git';
import { startGitHubStandIn, type GitHubStandIn } from '../support/github-stand-in';
import { launchBrowser, type HeadlessBrowser } from '../vscode-host/browser';
import { startCodeServer, type CodeServer } from '../vscode-host/code-server';
import { installVsix, packageExtension } from '../vscode-host/package-extension';
import { assertHostInstalled, REPO_ROOT } from '../vscode-host/paths';
import { answerInputBox, openWorkbench, runCommandFromPalette, waitForWorkbench, webviewContaining, type WebviewHandle } from '../vscode-host/workbench';

const RUN_COMMAND = 'Tiny Backspace: Run Prompt on Current Repository';
const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts');
/** A run on the offline agent takes seconds; this only bounds a hang. */
const RUN_TIMEOUT_MS = 90_000;

let scratch: string;
let standIn: GitHubStandIn;
let server: CodeServer;
let browser: HeadlessBrowser;
let page: Page;
let workspace: string;

before(async () => {
  const started = Date.now();
  assertHostInstalled();
  scratch = await mkdtemp('/tmp/tbe2e-');
  await mkdir(ARTIFACTS, { recursive: true });
  // Failure pictures of an earlier run would be mistaken for this run's.
  for (const file of await readdir(ARTIFACTS)) if (file.startsWith('failure-')) await rm(path.join(ARTIFACTS, file), { force: true });
  const vsix = await packageExtension(scratch);
  const extensionsDir = await installVsix(vsix, scratch);

  standIn = await startGitHubStandIn();
  await standIn.createRepo('octo', 'widgets', { files: { 'README.md': 'Hello world\n', 'src/index.ts': 'export const answer = 42;\n' } });
  workspace = path.join(scratch, 'widgets');
  await git(scratch, ['clone', '-q', `${standIn.url}/octo/widgets.git`, workspace]);

  server = await startCodeServer({
    extensionsDir,
    env: {
      // How a user outside github.com points the extension at their server, and a token without a
      // VS Code sign-in (code-server drops GITHUB_TOKEN from the environment; GITHUB_PAT passes).
      TINY_BACKSPACE_GITHUB_URL: standIn.url,
      GITHUB_PAT: standIn.token,
      TINY_BACKSPACE_PROVIDERS: 'offline',
    },
  });
  browser = await launchBrowser();
  page = await browser.newPage();
  await openWorkbench(page, server, workspace);
  console.log(`# setup (package, install, stand-in, code-server, chromium, workbench): ${Date.now() - started} ms`);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await standIn?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** On failure, keep what the workbench showed and what code-server said. */
async function withDiagnostics(t: TestContext, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    const shot = path.join(ARTIFACTS, `failure-${t.name.replace(/\W+/g, '-').slice(0, 60)}.png`);
    await page?.screenshot({ path: shot }).catch(() => undefined);
    t.diagnostic(`workbench screenshot: ${shot}`);
    t.diagnostic(`code-server output (tail):\n${server?.output().split('\n').slice(-30).join('\n')}`);
    throw error;
  }
}

async function startRunFromPalette(prompt: string): Promise<WebviewHandle> {
  await runCommandFromPalette(page, RUN_COMMAND);
  await answerInputBox(page, prompt);
  return webviewContaining(page, `[data-testid="run-prompt"]:text-is(${JSON.stringify(prompt)})`, RUN_TIMEOUT_MS);
}

async function stepStates(panel: WebviewHandle): Promise<Record<string, string | null>> {
  const states: Record<string, string | null> = {};
  for (const name of STEP_NAMES) states[name] = await panel.frame.locator(`[data-testid="step-${name}"]`).getAttribute('data-state');
  return states;
}

/** Wall time of each phase, reported as test diagnostics (never asserted). */
function phaseClock(t: TestContext): (phase: string) => void {
  let last = Date.now();
  return (phase) => {
    const now = Date.now();
    t.diagnostic(`${phase}: ${now - last} ms`);
    last = now;
  };
}

test('a prompt from the Command Palette becomes a pull request after the review in the panel', { timeout: 180_000 }, async (t) => {
  await withDiagnostics(t, async () => {
    const phase = phaseClock(t);
    const panel = await startRunFromPalette('replace "Hello" with "Howdy" in README.md');
    phase('palette, prompt and panel');
    // Review is on by default: nothing is pushed until the user confirms in the panel.
    const createPr = panel.frame.locator('[data-testid="create-pr"]');
    await createPr.waitFor({ state: 'visible', timeout: RUN_TIMEOUT_MS });
    phase('run up to the review');
    assert.deepEqual(standIn.pulls('octo', 'widgets'), [], 'a pull request was opened before the review');
    // VS Code's own diff editor opened by itself, beside the panel, with the agent's change on the right.
    const diffTab = page.locator('.tabs-container .tab', { hasText: 'README.md (base ↔ change)' });
    await diffTab.waitFor({ state: 'visible', timeout: 30_000 });
    const modified = page.locator('.monaco-diff-editor .editor.modified .view-lines');
    const original = page.locator('.monaco-diff-editor .editor.original .view-lines');
    await modified.filter({ hasText: 'Howdy world' }).waitFor({ timeout: 15_000 });
    // Monaco renders spaces as no-break spaces.
    assert.match((await original.innerText()).replace(/\u00a0/g, ' '), /Hello world/);
    phase('diff editor shows the change');
    await createPr.click();
    await panel.frame.locator('[data-testid="run-status"][data-state="completed"]').waitFor({ timeout: RUN_TIMEOUT_MS });
    // Deciding closes the run's diff tabs.
    await diffTab.waitFor({ state: 'detached', timeout: 15_000 });
    phase('review confirmed up to completed, diff tab closed');

    const states = await stepStates(panel);
    for (const name of STEP_NAMES) {
      t.diagnostic(`step ${name}: ${states[name]} in ${await panel.frame.locator(`[data-testid="step-${name}-duration"]`).innerText()}`);
      assert.ok(states[name] === 'ok' || states[name] === 'skipped', `step ${name} ended ${String(states[name])}`);
    }
    assert.equal(states.pull_request, 'ok');

    const pulls = standIn.pulls('octo', 'widgets');
    assert.equal(pulls.length, 1, 'the stand-in has no pull request');
    const [pull] = pulls;
    assert.equal(await panel.frame.locator('[data-testid="pr-link"]').getAttribute('data-url'), pull?.htmlUrl);
    const files = await standIn.readBranchFiles('octo', 'widgets', pull?.head ?? '');
    assert.equal(files['README.md'], 'Howdy world\n');
    phase('checks of the panel and the stand-in');

    // The outcome toast would cover part of the panel in the picture.
    await runCommandFromPalette(page, 'Notifications: Clear All Notifications');
    phase('notifications cleared');
    await panel.element.screenshot({ path: path.join(ARTIFACTS, 'panel.png') });
    phase('screenshot');
  });
});

test('the panel comes back with the finished run after a window reload', { timeout: 120_000 }, async (t) => {
  await withDiagnostics(t, async () => {
    const [pull] = standIn.pulls('octo', 'widgets');
    assert.ok(pull, 'needs the pull request of the previous test');
    // Reload the way a user does, through VS Code: its shutdown saves the open editors before the page
    // goes. A bare page.reload() can lose that save in the browser workbench, which made this test flaky.
    const reloaded = page.waitForEvent('load', { timeout: 60_000 });
    await runCommandFromPalette(page, 'Developer: Reload Window');
    await reloaded;
    await waitForWorkbench(page);
    const panel = await webviewContaining(page, '[data-testid="pr-link"]', 60_000);
    assert.equal(await panel.frame.locator('[data-testid="run-status"]').getAttribute('data-state'), 'completed');
    assert.equal(await panel.frame.locator('[data-testid="pr-link"]').getAttribute('data-url'), pull.htmlUrl);
  });
});

test('the health view renders in the real host, with its one status line', { timeout: 60_000 }, async (t) => {
  await withDiagnostics(t, async () => {
    await runCommandFromPalette(page, 'Tiny Backspace: Show Health');
    const health = await webviewContaining(page, '[data-testid="refresh"]', 30_000);
    await health.frame.locator('[data-testid="score-value"]').waitFor({ timeout: 30_000 });
    assert.match(await health.frame.locator('[data-testid="score-value"]').innerText(), /^\d+$/);
    assert.match((await health.frame.locator('[data-testid="status-line"]').textContent()) ?? '', /^Health score \d+ of 100/);
    // Back to the editor area for the next tests.
    await runCommandFromPalette(page, 'View: Close Primary Side Bar');
  });
});

test('with two GitHub remotes the command asks which repository, and the input box names the pick', { timeout: 90_000 }, async (t) => {
  await withDiagnostics(t, async () => {
    await standIn.createRepo('octo', 'gadgets', { files: { 'README.md': 'Hello gadgets\n' } });
    await git(workspace, ['remote', 'add', 'upstream', `${standIn.url}/octo/gadgets.git`]);
    try {
      // The Git extension notices the new remote when it next reads .git/config: retry until the pick shows.
      const picker = page.locator('.quick-input-widget .quick-input-title', { hasText: 'which repository?' });
      const deadline = Date.now() + 45_000;
      for (;;) {
        await runCommandFromPalette(page, RUN_COMMAND);
        const shown = await picker.waitFor({ state: 'visible', timeout: 5_000 }).then(() => true, () => false);
        if (shown) break;
        await page.keyboard.press('Escape');
        if (Date.now() > deadline) throw new Error('the repository quick pick never appeared with two remotes');
        await page.waitForTimeout(1_000);
      }
      const rows = page.locator('.quick-input-widget .monaco-list-row');
      const labels = await rows.allInnerTexts();
      assert.equal(labels.length, 2, `expected two repositories, got ${JSON.stringify(labels)}`);
      assert.ok(labels.some((label) => label.includes('octo/widgets')) && labels.some((label) => label.includes('octo/gadgets')), JSON.stringify(labels));
      await rows.filter({ hasText: 'octo/gadgets' }).first().click();
      const title = page.locator('.quick-input-widget .quick-input-title', { hasText: 'Tiny Backspace: octo/gadgets' });
      await title.waitFor({ state: 'visible', timeout: 15_000 });
      await page.keyboard.press('Escape');
    } finally {
      await git(workspace, ['remote', 'remove', 'upstream']);
      // Until the Git extension has seen the removal, the next run would ask again: wait for the plain input box.
      const inputFor = page.locator('.quick-input-widget .quick-input-title', { hasText: 'Tiny Backspace: octo/widgets' });
      const settleBy = Date.now() + 45_000;
      for (;;) {
        await runCommandFromPalette(page, RUN_COMMAND);
        const single = await inputFor.waitFor({ state: 'visible', timeout: 5_000 }).then(() => true, () => false);
        await page.keyboard.press('Escape');
        if (single || Date.now() > settleBy) break;
        await page.waitForTimeout(1_000);
      }
    }
  });
});

test('Cancel in the panel stops a run waiting for review, and nothing is pushed', { timeout: 180_000 }, async (t) => {
  await withDiagnostics(t, async () => {
    const branchesBefore = await standIn.branches('octo', 'widgets');
    const pullsBefore = standIn.pulls('octo', 'widgets').length;
    const panel = await startRunFromPalette('replace "world" with "there" in README.md');
    await panel.frame.locator('[data-testid="create-pr"]').waitFor({ state: 'visible', timeout: RUN_TIMEOUT_MS });
    // Keyboard only: focus Cancel, press Enter.
    await panel.frame.locator('[data-testid="cancel-run"]').focus();
    await page.keyboard.press('Enter');

    await panel.frame.locator('[data-testid="run-status"][data-state="cancelled"]').waitFor({ timeout: RUN_TIMEOUT_MS });
    assert.equal(await panel.frame.locator('[data-testid="outcome"]').getAttribute('data-state'), 'cancelled');
    const pullRequestStep = await panel.frame.locator('[data-testid="step-pull_request"]').getAttribute('data-state');
    assert.ok(pullRequestStep === 'pending' || pullRequestStep === 'cancelled', `step pull_request ended ${String(pullRequestStep)}`);
    assert.equal(standIn.pulls('octo', 'widgets').length, pullsBefore, 'the cancelled run opened a pull request');
    assert.deepEqual(await standIn.branches('octo', 'widgets'), branchesBefore, 'the cancelled run pushed a branch');
  });
});

test('a review survives a window reload: the panel offers it again and Create Pull Request pushes the reviewed change', { timeout: 180_000 }, async (t) => {
  await withDiagnostics(t, async () => {
    const pullsBefore = standIn.pulls('octo', 'widgets').length;
    const panel = await startRunFromPalette('append "Reviewed before a reload" to README.md');
    await panel.frame.locator('[data-testid="create-pr"]').waitFor({ state: 'visible', timeout: RUN_TIMEOUT_MS });
    const reloaded = page.waitForEvent('load', { timeout: 60_000 });
    await runCommandFromPalette(page, 'Developer: Reload Window');
    await reloaded;
    await waitForWorkbench(page);
    // The panel comes back (serializer), the saved review with it: the same run waits for a decision.
    const restored = await webviewContaining(page, '[data-testid="create-pr"]', 60_000);
    assert.equal(await restored.frame.locator('[data-testid="run-prompt"]').innerText(), 'append "Reviewed before a reload" to README.md');
    assert.equal(standIn.pulls('octo', 'widgets').length, pullsBefore, 'something was pushed before the decision');
    await restored.frame.locator('[data-testid="create-pr"]').click();
    // Create replays the saved change as a new run, which opens the pull request.
    const done = await webviewContaining(page, '[data-testid="pr-link"]', RUN_TIMEOUT_MS);
    await done.frame.locator('[data-testid="run-status"][data-state="completed"]').first().waitFor({ timeout: RUN_TIMEOUT_MS });
    const pulls = standIn.pulls('octo', 'widgets');
    assert.equal(pulls.length, pullsBefore + 1, 'Create on the restored review opened no pull request');
    const files = await standIn.readBranchFiles('octo', 'widgets', pulls[pulls.length - 1]?.head ?? '');
    assert.match(files['README.md'] ?? '', /Reviewed before a reload/);
  });
});

test('Follow Up in the panel adds exactly one commit to the pull request the run opened: no new PR, base untouched', { timeout: 240_000 }, async (t) => {
  await withDiagnostics(t, async () => {
    const phase = phaseClock(t);
    // A run that opens a pull request, the normal way.
    const panel = await startRunFromPalette('replace "world" with "follow-ups" in README.md');
    await panel.frame.locator('[data-testid="create-pr"]').waitFor({ state: 'visible', timeout: RUN_TIMEOUT_MS });
    await panel.frame.locator('[data-testid="create-pr"]').click();
    await panel.frame.locator('[data-testid="run-status"][data-state="completed"]').waitFor({ timeout: RUN_TIMEOUT_MS });
    const prUrl = await panel.frame.locator('[data-testid="pr-link"]').getAttribute('data-url');
    const pull = standIn.pulls('octo', 'widgets').find((candidate) => candidate.htmlUrl === prUrl);
    assert.ok(pull, `the run's pull request ${String(prUrl)} is not on the stand-in`);
    const headBefore = (await standIn.branchSha('octo', 'widgets', pull.head)) ?? '';
    const baseBefore = await standIn.branchSha('octo', 'widgets', 'main');
    const pullsBefore = standIn.pulls('octo', 'widgets').length;
    phase('a run opened the pull request');

    // The button, as a user presses it: the input box asks for the follow-up prompt.
    await runCommandFromPalette(page, 'Notifications: Clear All Notifications');
    await panel.frame.locator('[data-testid="follow-up"]').click();
    await page.locator('.quick-input-widget .quick-input-title', { hasText: `follow up on octo/widgets#${pull.number}` }).waitFor({ state: 'visible', timeout: 30_000 });
    await answerInputBox(page, 'append "Followed up from the panel" to README.md');
    await panel.frame.locator('[data-testid="follow-up-of"]', { hasText: `#${pull.number}` }).waitFor({ timeout: RUN_TIMEOUT_MS });
    // Review is on: nothing is pushed before the user says so, and the button says what it pushes.
    const push = panel.frame.locator('[data-testid="create-pr"]');
    await push.waitFor({ state: 'visible', timeout: RUN_TIMEOUT_MS });
    assert.equal((await push.innerText()).trim(), `Push Commit to #${pull.number}`);
    assert.equal(await standIn.branchSha('octo', 'widgets', pull.head), headBefore, 'pushed before the review');
    phase('Follow Up, prompt, review');
    await push.click();
    const added = panel.frame.locator('[data-testid="follow-up-commit"]');
    await added.waitFor({ timeout: RUN_TIMEOUT_MS });

    const headAfter = (await standIn.branchSha('octo', 'widgets', pull.head)) ?? '';
    const commits = (await git(scratch, ['--git-dir', path.join(standIn.root, 'repos', 'octo', 'widgets.git'), 'rev-list', `${headBefore}..${headAfter}`])).split('\n').filter(Boolean);
    assert.deepEqual(commits, [headAfter], 'not exactly one new commit on the pull request branch');
    assert.equal(await added.getAttribute('data-commit'), headAfter);
    assert.match(await added.innerText(), new RegExp(`Added commit ${headAfter.slice(0, 7)} to #${pull.number}`));
    assert.equal(standIn.pulls('octo', 'widgets').length, pullsBefore, 'a new pull request was opened');
    assert.equal(await standIn.branchSha('octo', 'widgets', 'main'), baseBefore, 'the base branch moved');
    assert.equal((await standIn.readBranchFiles('octo', 'widgets', pull.head))['README.md'], 'Hello follow-ups\nFollowed up from the panel\n');
    // The history links both runs to the pull request.
    const links = await panel.frame.locator('[data-testid="history-pr-link"]').evaluateAll((items) => items.map((item) => (item as HTMLElement).dataset.url));
    assert.ok(links.filter((url) => url === pull.htmlUrl).length >= 2, `history links: ${JSON.stringify(links)}`);
    phase('pushed and checked');
    await runCommandFromPalette(page, 'Notifications: Clear All Notifications');
    await panel.element.screenshot({ path: path.join(ARTIFACTS, 'panel-follow-up.png') });
  });
});
