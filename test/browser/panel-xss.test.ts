import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ORIGIN, RUN_STARTED, scriptedRun, startPanelFixture, type PanelFixture } from './panel-harness';

// Text a hostile repository or model could produce: it must show up as text, run nothing, load nothing.
const EVIL_FILE = '<img src=x onerror="window.__pwned=1;fetch(\'https://evil.example/f\')">.md';
const EVIL_MODEL_TEXT = '<script>window.__pwned=2</script><img src="https://evil.example/leak.png"><a href="javascript:window.__pwned=3">click</a>';
const EVIL_PROMPT = '<iframe src="https://evil.example/frame"></iframe><style>body{background:url(https://evil.example/bg)}</style>';

describe('run panel against hostile text', () => {
  let fixture: PanelFixture;
  before(async () => {
    fixture = await startPanelFixture();
  });
  after(async () => {
    await fixture?.dispose();
  });

  it('renders filenames, prompts and model text as text, with zero network requests beyond its own files', async () => {
    const panel = await fixture.open();
    const { page } = panel;
    try {
      const run = scriptedRun('run-evil');
      await panel.post({ type: 'snapshot', runs: [], pendingReviews: [] });
      await panel.post(run.emit(RUN_STARTED(EVIL_PROMPT)));
      await panel.post(run.emit({ kind: 'step_started', type: 'info', step: 'agent', message: '' }));
      await panel.post(run.emit({ kind: 'thinking', type: 'thinking', step: 'agent', topic: 'plan', message: EVIL_MODEL_TEXT, reason: EVIL_MODEL_TEXT }));
      await panel.post(run.emit({ kind: 'tool', type: 'tool', step: 'agent', tool: 'Edit', filepath: EVIL_FILE, old_str: EVIL_MODEL_TEXT, new_str: EVIL_FILE, message: 'edit' }));
      await panel.post(run.emit({ kind: 'tool', type: 'tool', step: 'agent', tool: 'Bash', command: EVIL_MODEL_TEXT, output: EVIL_MODEL_TEXT, exit_code: 1, message: 'bash' }));
      await panel.post(run.emit({ kind: 'ai_message', type: 'ai_message', step: 'agent', provider: 'anthropic', message: EVIL_MODEL_TEXT }));
      await panel.post(run.emit({ kind: 'step_progress', type: 'warning', step: 'agent', message: EVIL_FILE }));
      await panel.post(run.emit({ kind: 'checks', type: 'info', step: 'validate_changes', message: 'checks', checks: [{ name: EVIL_FILE, command: EVIL_MODEL_TEXT, after: 'failed', duration_ms: 3, detail: EVIL_MODEL_TEXT }] }));
      await panel.post(run.emit({ kind: 'review_required', type: 'info', step: 'pull_request', message: 'review', changed_files: [{ path: EVIL_FILE, status: 'added', additions: 1, deletions: 0 }] }));
      await panel.post({ type: 'review_state', requestId: 'run-evil', pending: true });
      await page.getByTestId('review-file').waitFor();

      assert.equal(await page.getByTestId('run-prompt').textContent(), EVIL_PROMPT);
      assert.equal(await page.getByTestId('tool-path').first().textContent(), EVIL_FILE);
      assert.equal(await page.getByTestId('activity-ai').locator('.ai-text').textContent(), EVIL_MODEL_TEXT);
      assert.equal(await page.getByTestId('review-file').getAttribute('data-path'), EVIL_FILE);
      assert.ok((await page.getByTestId('review-file').textContent())?.includes(EVIL_FILE));

      // Nothing became markup: the only img/script/iframe/style/a elements are none, or our own script.
      const injected = await page.evaluate(() => ({
        images: document.querySelectorAll('img').length,
        iframes: document.querySelectorAll('iframe').length,
        anchors: document.querySelectorAll('a').length,
        styles: document.querySelectorAll('style').length,
        scripts: [...document.querySelectorAll('script')].map((script) => script.getAttribute('src')),
        handlers: [...document.querySelectorAll('*')].flatMap((element) => [...element.attributes].filter((attribute) => attribute.name.startsWith('on')).map((attribute) => attribute.name)),
        pwned: (window as unknown as { __pwned?: number }).__pwned,
      }));
      assert.deepEqual(injected, { images: 0, iframes: 0, anchors: 0, styles: 0, scripts: [`${ORIGIN}/dist/webview/panel.js`], handlers: [], pwned: undefined });

      // A hostile "PR URL" is not offered to the host to open.
      await panel.post(run.emit({ kind: 'completed', type: 'success', message: 'done', pr_url: 'javascript:window.__pwned=4', changed_files: [], agent: 'offline', summary: EVIL_MODEL_TEXT, duration_ms: 1, dry_run: false }));
      await page.getByTestId('pr-link').click();
      assert.equal(await page.getByTestId('run-summary').textContent(), EVIL_MODEL_TEXT);
      assert.ok(!(await panel.posted()).some((message) => (message as { type?: string }).type === 'open_external'));

      assert.deepEqual(panel.foreignRequests, [], 'no request left the panel');
      assert.deepEqual(
        [...new Set(panel.requests.map((url) => new URL(url).pathname))].sort(),
        ['/dist/webview/codicons/codicon.css', '/dist/webview/codicons/codicon.ttf', '/dist/webview/panel.js', '/index.html', '/media/panel.css'],
      );
      assert.deepEqual(await panel.cspViolations(), [], 'the CSP never had to block anything: nothing tried to load');
      assert.deepEqual(panel.pageErrors, []);
    } finally {
      await panel.close();
    }
  });

  it('enforces its CSP: an injected inline script would not run', async () => {
    const panel = await fixture.open();
    try {
      // The renderer never does this; the test does it to prove the policy is live, not just declared.
      const ran = await panel.page.evaluate(async () => {
        const script = document.createElement('script');
        script.textContent = 'window.__inline = true';
        document.body.appendChild(script);
        await new Promise((resolve) => setTimeout(resolve, 50));
        return (window as unknown as { __inline?: boolean }).__inline === true;
      });
      assert.equal(ran, false);
      assert.ok((await panel.cspViolations()).some((violation) => violation.startsWith('script-src')));
    } finally {
      await panel.close();
    }
  });
});
