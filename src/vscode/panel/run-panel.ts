import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { Logger } from '../../core/logging/logger';
import type { RunRegistry } from '../../core/runs/run-registry';
import { PANEL_VIEW_TYPE, parsePanelToHostMessage, type HostToPanelMessage, type PanelToHostMessage, type RunSnapshot } from '../../protocol/webview-messages';
import type { ReviewController } from '../review/review-controller';
import type { RunHistory } from '../runs/run-history';
import { followUpOf, rerunOf, type ContinueRun } from '../runs/run-pull-request';
import { panelHtml } from './panel-html';

export interface RunPanelDeps {
  readonly extensionUri: vscode.Uri;
  readonly registry: RunRegistry;
  readonly history: RunHistory;
  readonly reviews: ReviewController;
  readonly logger: Logger;
}

/** Only what the page loads: the bundled script and codicons (dist/webview) and the stylesheet (media). */
export function panelWebviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

/**
 * One webview panel showing runs live, and the history of recent runs. Owns its disposables; the page
 * says `ready` before anything is posted, and every message from it is validated.
 */
export class RunPanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;
  private selectOnReady: string | undefined;
  private composeOnReady: { prompt: string; repoUrl?: string } | undefined;
  private disposed = false;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly deps: RunPanelDeps,
    private readonly onDisposed: () => void,
  ) {
    const webview = panel.webview;
    webview.options = panelWebviewOptions(deps.extensionUri);
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'panel-icon.svg');
    this.disposables.push(
      webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      panel.onDidDispose(() => this.dispose()),
      panel.onDidChangeViewState(() => {
        // A hidden webview's page is torn down; it says `ready` again when shown and gets a fresh snapshot.
        if (!panel.visible) this.ready = false;
      }),
      this.deps.registry.subscribe((event) => this.post({ type: 'event', requestId: event.request_id, event })),
      this.deps.reviews.pending.onDidChange((requestId, pending) => this.post({ type: 'review_state', requestId, pending })),
    );
    webview.html = this.html();
  }

  reveal(preserveFocus: boolean): void {
    this.panel.reveal(this.panel.viewColumn ?? vscode.ViewColumn.Beside, preserveFocus);
  }

  select(requestId: string): void {
    if (this.ready) this.post({ type: 'select_run', requestId });
    else this.selectOnReady = requestId;
  }

  /** Opens the page's multi-line prompt form with this text (kept until the page is ready). */
  compose(prompt: string, repoUrl?: string): void {
    const message = { prompt, ...(repoUrl ? { repoUrl } : {}) };
    if (this.ready) this.post({ type: 'compose', ...message });
    else this.composeOnReady = message;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.ready = false;
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
    this.panel.dispose();
    this.onDisposed();
  }

  private html(): string {
    const webview = this.panel.webview;
    const asset = (...segments: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(this.deps.extensionUri, ...segments)).toString();
    return panelHtml({
      cspSource: webview.cspSource,
      nonce: randomBytes(18).toString('base64'),
      scriptUri: asset('dist', 'webview', 'panel.js'),
      styleUri: asset('media', 'panel.css'),
      codiconUri: asset('dist', 'webview', 'codicons', 'codicon.css'),
    });
  }

  private post(message: HostToPanelMessage): void {
    if (!this.ready || this.disposed) return;
    void this.panel.webview.postMessage(message).then(undefined, (error: unknown) => this.deps.logger.warn('posting to the panel failed', { reason: String(error) }));
  }

  private sendSnapshot(): void {
    const selectedRunId = this.selectOnReady;
    this.selectOnReady = undefined;
    this.post({
      type: 'snapshot',
      runs: this.deps.history.snapshot(),
      pendingReviews: this.deps.reviews.pending.ids(),
      ...(selectedRunId ? { selectedRunId } : {}),
    });
  }

  private receive(raw: unknown): void {
    const parsed = parsePanelToHostMessage(raw);
    if (!parsed.ok) {
      this.deps.logger.warn('the panel sent a message that does not fit the protocol', { problem: parsed.error });
      return;
    }
    void this.handle(parsed.message).catch((error: unknown) => this.deps.logger.error('handling a panel message failed', error, { type: parsed.message.type }));
  }

  private run(requestId: string): RunSnapshot | undefined {
    return this.deps.history.snapshot().find((candidate) => candidate.requestId === requestId);
  }

  /** Re-run, Follow Up, Address Review Comments: through the same commands as the palette, with the run's repository and PR. */
  private async continueRun(next: ContinueRun): Promise<void> {
    if ('problem' in next) {
      void vscode.window.showInformationMessage(`Tiny Backspace: ${next.problem}`);
      return;
    }
    await vscode.commands.executeCommand(next.command, next.args);
  }

  private async handle(message: PanelToHostMessage): Promise<void> {
    switch (message.type) {
      case 'ready': {
        this.ready = true;
        this.sendSnapshot();
        const draft = this.composeOnReady;
        this.composeOnReady = undefined;
        if (draft) this.post({ type: 'compose', ...draft });
        return;
      }
      case 'new_run':
        await vscode.commands.executeCommand('tinyBackspace.runPrompt');
        return;
      case 'run_prompt':
        await vscode.commands.executeCommand('tinyBackspace.runPrompt', { prompt: message.prompt, ...(message.repoUrl ? { repoUrl: message.repoUrl } : {}) });
        return;
      case 'rerun':
        await this.continueRun(rerunOf(this.run(message.requestId)));
        return;
      case 'follow_up':
        await this.continueRun(followUpOf(this.run(message.requestId), message.action));
        return;
      case 'cancel_run':
        this.deps.registry.cancel(message.requestId, 'Cancelled from the Tiny Backspace panel.');
        return;
      case 'review_decision':
        if (!this.deps.reviews.decide(message.requestId, message.decision)) {
          // Answered elsewhere already (notification, command) or the run ended: correct the page.
          this.post({ type: 'review_state', requestId: message.requestId, pending: false });
        }
        return;
      case 'open_diff':
        if (!(await this.deps.reviews.openDiff(message.requestId, message.path))) {
          void vscode.window.showInformationMessage('Tiny Backspace: the changes of that run are no longer available (they are kept for the last few runs of this window).');
        }
        return;
      case 'open_external':
        // Validated as http(s) without credentials by the message schema.
        await vscode.env.openExternal(vscode.Uri.parse(message.url, true));
        return;
      case 'open_logs':
        await vscode.commands.executeCommand('tinyBackspace.openLogs');
        return;
      case 'set_api_key':
        await vscode.commands.executeCommand('tinyBackspace.setApiKey');
        return;
      case 'clear_history':
        this.deps.history.clearFinished();
        this.sendSnapshot();
        return;
    }
  }
}

export function createRunPanelWebview(): vscode.WebviewPanel {
  return vscode.window.createWebviewPanel(
    PANEL_VIEW_TYPE,
    'Tiny Backspace',
    { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
    { enableFindWidget: true },
  );
}
