import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { isSafeRequestId, traceFilePath } from '../../core/logging/log-files';
import type { Logger } from '../../core/logging/logger';
import { buildHealthReport } from '../../core/observability/build-health-report';
import type { RunRegistry } from '../../core/runs/run-registry';
import { HealthViewMessageSchema, type HealthHostMessage } from '../../protocol/health-messages';
import { isTerminalEvent, type RunEvent } from '../../protocol/run-events';
import { HEALTH_VIEW_ID } from '../host/view-ids';
import { healthViewHtml } from './health-view-html';
import { liveRunFromEvents } from './live-runs';

export { HEALTH_VIEW_ID };

export interface HealthViewDeps {
  readonly extensionUri: vscode.Uri;
  readonly registry: RunRegistry;
  readonly logger: Logger;
  readonly logDir: string;
  /** Resolves when every recorded event is in its trace file, so a fresh report includes the run that just ended. */
  readonly flushTraces: () => Promise<void>;
}

/** Live figures at most this often while a run streams; a running step's bar also grows on this beat. */
const LIVE_INTERVAL_MS = 500;
const REPORT_DEBOUNCE_MS = 300;

/**
 * The health webview view: the report (score, waterfall, step percentiles, providers, tokens, errors,
 * recommendations) when the page says `ready` or asks to refresh, a new report when a run ends, and live
 * figures while runs stream. Posts nothing while the view is hidden (its page is gone then).
 */
export class HealthViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private ready = false;
  private viewDisposables: vscode.Disposable[] = [];
  private liveTimer: NodeJS.Timeout | undefined;
  private reportTimer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: HealthViewDeps) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.disposeView();
    this.view = view;
    const webview = view.webview;
    webview.options = {
      enableScripts: true,
      enableCommandUris: false,
      localResourceRoots: [vscode.Uri.joinPath(this.deps.extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(this.deps.extensionUri, 'media')],
    };
    const asset = (...segments: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(this.deps.extensionUri, ...segments)).toString();
    webview.html = healthViewHtml({
      cspSource: webview.cspSource,
      nonce: randomBytes(18).toString('base64'),
      scriptUri: asset('dist', 'webview', 'health.js'),
      styleUri: asset('media', 'health.css'),
    });
    this.viewDisposables.push(
      webview.onDidReceiveMessage((raw: unknown) => void this.receive(raw)),
      view.onDidChangeVisibility(() => {
        // A hidden view's page is torn down; it says `ready` again when shown.
        if (!view.visible) this.ready = false;
      }),
      view.onDidDispose(() => this.disposeView()),
    );
  }

  /** Shows the view (Tiny Backspace: Show Health). */
  async reveal(): Promise<void> {
    await vscode.commands.executeCommand(`${HEALTH_VIEW_ID}.focus`);
  }

  onRunEvent(event: RunEvent): void {
    if (!this.ready) return;
    this.scheduleLive();
    if (isTerminalEvent(event)) this.scheduleReport();
  }

  dispose(): void {
    this.disposeView();
  }

  private async receive(raw: unknown): Promise<void> {
    const parsed = HealthViewMessageSchema.safeParse(raw);
    if (!parsed.success) {
      this.deps.logger.warn('health view sent an invalid message', { issue: parsed.error.issues[0]?.message });
      return;
    }
    const message = parsed.data;
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.postLive();
        await this.postReport();
        break;
      case 'refresh':
        await this.postReport();
        break;
      case 'openTrace':
        await this.openTrace(message.request_id);
        break;
    }
  }

  private async openTrace(requestId: string): Promise<void> {
    if (!isSafeRequestId(requestId)) return;
    try {
      const document = await vscode.workspace.openTextDocument(vscode.Uri.file(traceFilePath(this.deps.logDir, requestId)));
      await vscode.window.showTextDocument(document, { preview: true });
    } catch {
      void vscode.window.showInformationMessage(`Tiny Backspace: no trace is left for request ${requestId} (older traces are pruned).`);
    }
  }

  private post(message: HealthHostMessage): void {
    if (this.ready) void this.view?.webview.postMessage(message);
  }

  private async postReport(): Promise<void> {
    try {
      await this.deps.flushTraces();
      const report = await buildHealthReport({ logDir: this.deps.logDir, registry: this.deps.registry });
      this.post({ type: 'report', report });
    } catch (error) {
      this.deps.logger.error('health report failed', error);
      this.post({ type: 'error', message: 'The health report could not be built; see the Tiny Backspace output channel.' });
    }
  }

  private postLive(): void {
    const { registry } = this.deps;
    const metrics = registry.metrics();
    const now = Date.now();
    const runs = registry
      .list()
      .filter((run) => run.status === 'running')
      .map((run) => liveRunFromEvents(run.requestId, registry.history(run.requestId), now));
    this.post({
      type: 'live',
      metrics: { source: 'registry', active_runs: metrics.activeRuns, requests_per_minute: metrics.requestsPerMinute, errors_per_minute: metrics.errorsPerMinute, total_runs: metrics.totalRuns },
      runs,
    });
    // Keep the running step's bar growing between events; stop ticking once nothing runs.
    if (runs.length > 0) this.scheduleLive();
  }

  private scheduleLive(): void {
    if (this.liveTimer) return;
    this.liveTimer = setTimeout(() => {
      this.liveTimer = undefined;
      if (this.ready) this.postLive();
    }, LIVE_INTERVAL_MS);
  }

  private scheduleReport(): void {
    if (this.reportTimer) clearTimeout(this.reportTimer);
    this.reportTimer = setTimeout(() => {
      this.reportTimer = undefined;
      void this.postReport();
    }, REPORT_DEBOUNCE_MS);
  }

  private disposeView(): void {
    this.ready = false;
    this.view = undefined;
    if (this.liveTimer) clearTimeout(this.liveTimer);
    if (this.reportTimer) clearTimeout(this.reportTimer);
    this.liveTimer = undefined;
    this.reportTimer = undefined;
    for (const disposable of this.viewDisposables.splice(0)) disposable.dispose();
  }
}
