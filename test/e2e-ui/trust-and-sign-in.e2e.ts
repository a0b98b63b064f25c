// The parts of the UI a user meets before a first run, in a second code-server with workspace trust ON:
// - a folder opened in Restricted Mode: Run Prompt and Start Local Server refuse, saying why;
// - "Sign in to GitHub" through VS Code's authentication API, answered by a small test extension that
//   registers the `github-enterprise` provider with the loopback stand-in's token (the stand-in plays the
//   Enterprise server; VS Code's built-in GitHub Enterprise sign-in registers only when
//   `github-enterprise.uri` is set, which it is not here, and no real GitHub is reachable).
//
// Run: bash .ci/install-code-server.sh && node --import tsx --test test/e2e-ui/trust-and-sign-in.e2e.ts
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { git } from '../extension/support/git';
import { startGitHubStandIn, type GitHubStandIn } from '../support/github-stand-in';
import { launchBrowser, type HeadlessBrowser } from '../vscode-host/browser';
import { startCodeServer, type CodeServer } from '../vscode-host/code-server';
import { installVsix, packageExtension } from '../vscode-host/package-extension';
import { assertHostInstalled, REPO_ROOT } from '../vscode-host/paths';
import { notificationTexts, remoteUri, runCommandFromPalette, waitForWorkbench, workbenchUrl } from '../vscode-host/workbench';

const FAKE_AUTH_EXTENSION = path.join(REPO_ROOT, 'test', 'e2e-ui', 'fixtures', 'fake-github-auth');
const LOGIN = 'e2e-octocat';

let scratch: string;
let standIn: GitHubStandIn;
let server: CodeServer;
let browser: HeadlessBrowser;
let page: Page;

async function waitForNotification(matcher: RegExp, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await notificationTexts(page)).find((text) => matcher.test(text));
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no notification matching ${matcher} (shown: ${JSON.stringify(await notificationTexts(page))})`);
    await page.waitForTimeout(250);
  }
}

before(async () => {
  assertHostInstalled();
  scratch = await mkdtemp('/tmp/tbtrust-');
  const extensionsDir = await installVsix(await packageExtension(scratch), scratch);
  standIn = await startGitHubStandIn({ login: LOGIN });
  await standIn.createRepo('octo', 'untrusted', { files: { 'README.md': 'Hello world\n' } });
  const workspace = path.join(scratch, 'untrusted');
  await git(scratch, ['clone', '-q', `${standIn.url}/octo/untrusted.git`, workspace]);
  server = await startCodeServer({
    extensionsDir,
    workspaceTrust: true,
    env: { TINY_BACKSPACE_GITHUB_URL: standIn.url, TINY_BACKSPACE_PROVIDERS: 'offline', FAKE_GITHUB_TOKEN: standIn.token, FAKE_GITHUB_LOGIN: LOGIN },
  });
  browser = await launchBrowser();
  page = await browser.newPage();
  // The test extension loads next to the installed .vsix, as a development extension.
  await page.goto(workbenchUrl(server, { folder: workspace, payload: [['extensionDevelopmentPath', remoteUri(server, FAKE_AUTH_EXTENSION)]] }));
  await waitForWorkbench(page);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await standIn?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

test('a folder left untrusted runs in Restricted Mode: no prompt, no server, and the reason is shown', { timeout: 120_000 }, async () => {
  // VS Code asks on open; the user declines.
  const decline = page.getByRole('button', { name: /No, I don.t trust the authors/ });
  await decline.waitFor({ state: 'visible', timeout: 30_000 });
  await decline.click();
  await page.locator('.statusbar', { hasText: 'Restricted Mode' }).waitFor({ timeout: 15_000 });

  await runCommandFromPalette(page, 'Tiny Backspace: Run Prompt on Current Repository');
  assert.match(await waitForNotification(/restricted in this untrusted workspace/), /does not run prompts until you trust this workspace/);
  assert.equal(await page.locator('.quick-input-widget input.input').isVisible(), false, 'a prompt box opened in Restricted Mode');
  await runCommandFromPalette(page, 'Notifications: Clear All Notifications');

  await runCommandFromPalette(page, 'Tiny Backspace: Start Local Server');
  assert.match(await waitForNotification(/restricted in this untrusted workspace/), /does not start the local server/);
  assert.equal(standIn.pulls('octo', 'untrusted').length, 0);
});

test('Sign in to GitHub goes through VS Code authentication, here a test provider with the stand-in token', { timeout: 120_000 }, async () => {
  await runCommandFromPalette(page, 'Notifications: Clear All Notifications');
  await runCommandFromPalette(page, 'Tiny Backspace: Sign in to GitHub');
  // With an Enterprise URL set (the stand-in), the command asks which GitHub: the Enterprise one.
  const pick = page.locator('.quick-input-widget .monaco-list-row', { hasText: 'GitHub Enterprise' });
  await pick.waitFor({ state: 'visible', timeout: 15_000 });
  await pick.click();
  // VS Code asks the user to allow the extension to sign in with the provider.
  const allow = page.getByRole('button', { name: /^Allow$/ });
  if (await allow.waitFor({ state: 'visible', timeout: 15_000 }).then(() => true, () => false)) await allow.click();
  const host = new URL(standIn.url).host;
  assert.equal(await waitForNotification(/signed in to/), `Tiny Backspace: signed in to ${host} as ${LOGIN}.`);
});
