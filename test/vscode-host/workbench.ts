// Drives the VS Code workbench in the browser the way a person does: open a folder, use the Command
// Palette, answer an input box, look into a webview.
import type { FrameLocator, Locator, Page } from 'playwright-core';
import type { CodeServer } from './code-server';

export interface WorkbenchUrlOptions {
  /** Absolute path of the folder to open on the code-server machine. */
  readonly folder: string;
  /**
   * Extra workbench launch parameters, e.g. extensionDevelopmentPath / extensionTestsPath. code-server's
   * CLI refuses those flags; the workbench accepts them as the URL's `payload` parameter.
   */
  readonly payload?: ReadonlyArray<readonly [string, string]>;
}

export function workbenchUrl(server: CodeServer, options: WorkbenchUrlOptions): string {
  const query = new URLSearchParams({ folder: options.folder });
  if (options.payload !== undefined) query.set('payload', JSON.stringify(options.payload));
  return `${server.url}/?${query.toString()}`;
}

/** `vscode-remote://` URI of a path on the code-server machine, as the workbench payload needs it. */
export function remoteUri(server: CodeServer, absolutePath: string): string {
  return `vscode-remote://${server.remoteAuthority}${absolutePath}`;
}

const WORKBENCH_TIMEOUT_MS = 60_000;

/** Opens the folder and waits until the workbench is laid out (the status bar is the last part drawn). */
export async function openWorkbench(page: Page, server: CodeServer, folder: string): Promise<void> {
  await page.goto(workbenchUrl(server, { folder }));
  await waitForWorkbench(page);
}

export async function waitForWorkbench(page: Page): Promise<void> {
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: WORKBENCH_TIMEOUT_MS });
  await page.locator('.statusbar').waitFor({ state: 'visible', timeout: WORKBENCH_TIMEOUT_MS });
}

const quickInput = (page: Page): Locator => page.locator('.quick-input-widget');
const quickInputBox = (page: Page): Locator => quickInput(page).locator('input.input');

export interface PaletteOptions {
  /** Total time to keep retrying; contributed commands can show up seconds after the workbench. */
  readonly timeoutMs?: number;
}

/**
 * Runs a command by its palette title ("Category: Title"). Retries the whole Escape, F1, type sequence:
 * a command contributed by an extension is missing from the palette until the extension host has
 * registered its contributions (seen ~3 s after the workbench; 3 of 5 runs failed without a retry).
 */
export async function runCommandFromPalette(page: Page, title: string, options: PaletteOptions = {}): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let attempts = 0;
  for (;;) {
    attempts += 1;
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    try {
      // A focused webview can swallow F1 in the browser workbench: the command center opens the same box.
      const opened = await quickInputBox(page).waitFor({ state: 'visible', timeout: 3_000 }).then(() => true, () => false);
      if (!opened) await page.locator('.command-center .command-center-center').first().click({ timeout: 3_000 });
      await quickInputBox(page).waitFor({ state: 'visible', timeout: 5_000 });
      // Bounded: an unbounded fill or click waits out the whole deadline in one attempt.
      await quickInputBox(page).fill(`>${title}`, { timeout: 5_000 });
      const row = quickInput(page).locator('.monaco-list-row', { hasText: title }).first();
      await row.waitFor({ state: 'visible', timeout: 2_000 });
      await row.click({ timeout: 5_000 });
      return;
    } catch (error) {
      if (Date.now() >= deadline) {
        throw new Error(`"${title}" did not appear in the Command Palette after ${attempts} attempts`, { cause: error });
      }
    }
  }
}

/** Waits for a quick input (showInputBox / showQuickPick) and answers it. */
export async function answerInputBox(page: Page, text: string, timeoutMs = 15_000): Promise<void> {
  await quickInputBox(page).waitFor({ state: 'visible', timeout: timeoutMs });
  await quickInputBox(page).fill(text);
  await quickInputBox(page).press('Enter');
}

/** Visible notification toasts' text, newest last (for failure messages and refusal checks). */
export async function notificationTexts(page: Page): Promise<string[]> {
  return page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts();
}

export interface WebviewHandle {
  /** The webview's document (inside both iframes). */
  readonly frame: FrameLocator;
  /** The outer iframe element in the workbench, e.g. for a screenshot of just the webview. */
  readonly element: Locator;
}

/**
 * The webview whose document contains `selector`. A webview sits two iframes deep
 * (`iframe.webview.ready` > `iframe#active-frame`), and several webviews can exist at once (panel,
 * health view), so each is tried until one shows the selector.
 */
export async function webviewContaining(page: Page, selector: string, timeoutMs = 30_000): Promise<WebviewHandle> {
  const deadline = Date.now() + timeoutMs;
  const outer = page.locator('iframe.webview.ready');
  for (;;) {
    const count = await outer.count();
    for (let index = 0; index < count; index += 1) {
      const element = outer.nth(index);
      const frame = element.contentFrame().frameLocator('iframe#active-frame');
      if ((await frame.locator(selector).count().catch(() => 0)) > 0) return { frame, element };
    }
    if (Date.now() >= deadline) throw new Error(`no webview shows ${selector} within ${timeoutMs} ms (${count} webviews open)`);
    await page.waitForTimeout(250);
  }
}
