// Loads the real run panel page (the HTML and CSP the extension serves, the esbuild bundle of
// src/webview/panel/main.ts, media/panel.css, codicons) into Debian's Chromium via playwright-core. The
// host side is played by the test: `acquireVsCodeApi` records what the page posts, and host messages
// arrive as window messages, as in a VS Code webview. Every request is answered from local files or
// refused and recorded, so a test can assert the page made no other network request.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium';
import { EventStamper } from '../../src/core/pipeline/run-context';
import type { RunEvent, RunEventDraft } from '../../src/protocol/run-events';
import type { HostToPanelMessage } from '../../src/protocol/webview-messages';
import { panelHtml } from '../../src/vscode/panel/panel-html';

export const ORIGIN = 'https://webview.test';
const ROOT = path.resolve(__dirname, '..', '..');

export interface PanelPage {
  readonly page: Page;
  /** Every URL the page asked for. */
  readonly requests: string[];
  /** URLs that were not one of the panel's own files (and were refused). */
  readonly foreignRequests: string[];
  /** Uncaught errors in the page. */
  readonly pageErrors: string[];
  post(message: HostToPanelMessage | unknown): Promise<void>;
  posted(): Promise<unknown[]>;
  cspViolations(): Promise<string[]>;
  close(): Promise<void>;
}

export interface PanelFixture {
  readonly browser: Browser;
  open(options?: { savedState?: unknown }): Promise<PanelPage>;
  dispose(): Promise<void>;
}

async function buildPanelBundle(outdir: string): Promise<string> {
  const outfile = path.join(outdir, 'panel.js');
  await esbuild.build({
    entryPoints: [path.join(ROOT, 'src/webview/panel/main.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    outfile,
    logLevel: 'silent',
  });
  return readFile(outfile, 'utf8');
}

export async function startPanelFixture(): Promise<PanelFixture> {
  const buildDir = await mkdtemp(path.join(tmpdir(), 'tb-panel-'));
  const [script, style, codiconCss, codiconFont] = await Promise.all([
    buildPanelBundle(buildDir),
    readFile(path.join(ROOT, 'media/panel.css'), 'utf8'),
    readFile(path.join(ROOT, 'node_modules/@vscode/codicons/dist/codicon.css'), 'utf8'),
    readFile(path.join(ROOT, 'node_modules/@vscode/codicons/dist/codicon.ttf')),
  ]);
  const browser = await launchChromium();

  async function open(options: { savedState?: unknown } = {}): Promise<PanelPage> {
    const context = await browser.newContext();
    const page = await context.newPage();
    const requests: string[] = [];
    const foreignRequests: string[] = [];
    const pageErrors: string[] = [];
    const html = panelHtml({
      cspSource: ORIGIN,
      nonce: 'dGVzdC1ub25jZS0xMjM0NTY3OA==',
      scriptUri: `${ORIGIN}/dist/webview/panel.js`,
      styleUri: `${ORIGIN}/media/panel.css`,
      codiconUri: `${ORIGIN}/dist/webview/codicons/codicon.css`,
    });
    const files: Record<string, { body: string | Buffer; contentType: string }> = {
      [`${ORIGIN}/index.html`]: { body: html, contentType: 'text/html' },
      [`${ORIGIN}/dist/webview/panel.js`]: { body: script, contentType: 'text/javascript' },
      [`${ORIGIN}/media/panel.css`]: { body: style, contentType: 'text/css' },
      [`${ORIGIN}/dist/webview/codicons/codicon.css`]: { body: codiconCss, contentType: 'text/css' },
    };
    await context.route('**/*', async (route) => {
      const url = route.request().url();
      requests.push(url);
      const known = files[url];
      if (known) return route.fulfill({ status: 200, contentType: known.contentType, body: known.body });
      if (url.startsWith(`${ORIGIN}/dist/webview/codicons/codicon.ttf`)) return route.fulfill({ status: 200, contentType: 'font/ttf', body: codiconFont });
      foreignRequests.push(url);
      return route.abort('blockedbyclient');
    });
    // A string, not a function: tsx's transform would leave helper calls in a serialized function.
    await page.addInitScript(`
      window.__posted = [];
      window.__state = ${JSON.stringify(options.savedState ?? null)} ?? undefined;
      window.__csp = [];
      document.addEventListener('securitypolicyviolation', (event) => window.__csp.push(event.violatedDirective + ' ' + event.blockedURI + (event.lineNumber ? ' at ' + event.sourceFile + ':' + event.lineNumber + ':' + event.columnNumber : '')));
      window.acquireVsCodeApi = () => ({
        postMessage: (message) => window.__posted.push(JSON.parse(JSON.stringify(message))),
        getState: () => window.__state,
        setState: (state) => { window.__state = state; },
      });
    `);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${ORIGIN}/index.html`);
    await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0, undefined, { timeout: 10_000 }).catch((error: unknown) => {
      throw new Error(`The panel never said ready. Page errors: ${pageErrors.join(' | ') || 'none'}`, { cause: error });
    });
    return {
      page,
      requests,
      foreignRequests,
      pageErrors,
      post: (message) => page.evaluate((data) => window.postMessage(data, '*'), message as never),
      posted: () => page.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted),
      cspViolations: () => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp),
      close: () => context.close(),
    };
  }

  return {
    browser,
    open,
    dispose: async () => {
      await browser.close();
      await rm(buildDir, { recursive: true, force: true });
    },
  };
}

/** Real stamped events, as the pipeline emits them. */
export function scriptedRun(requestId: string) {
  const events: RunEvent[] = [];
  let clock = Date.parse('2025-05-01T09:00:00Z');
  const stamper = new EventStamper(requestId, (event) => events.push(event), () => (clock += 250));
  return {
    events,
    emit(draft: RunEventDraft): HostToPanelMessage {
      const event = stamper.emit(draft);
      return { type: 'event', requestId, event };
    },
  };
}

export const RUN_STARTED = (prompt: string): RunEventDraft => ({
  kind: 'run_started',
  type: 'info',
  message: 'Starting run',
  repo: 'https://github.com/octo/app',
  prompt,
  dry_run: false,
});
