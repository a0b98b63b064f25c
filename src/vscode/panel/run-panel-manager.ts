import * as vscode from 'vscode';
import { PANEL_VIEW_TYPE } from '../../protocol/webview-messages';
import { directRegistrar, type HostRegistrar } from '../host/host-registrar';
import { RunPanel, createRunPanelWebview, panelWebviewOptions, type RunPanelDeps } from './run-panel';

export interface ShowPanelOptions {
  readonly selectRunId?: string;
  readonly preserveFocus?: boolean;
}

/** Keeps at most one run panel, and brings it back after a window reload (the serializer). */
export class RunPanelManager implements vscode.Disposable {
  private current: RunPanel | undefined;
  private readonly serializer: vscode.Disposable;

  constructor(
    private readonly deps: RunPanelDeps,
    registrar: HostRegistrar = directRegistrar,
  ) {
    this.serializer = registrar.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => {
        // The page keeps its own choice of run in its state; the history comes from workspaceState.
        panel.webview.options = panelWebviewOptions(deps.extensionUri);
        this.adopt(panel);
      },
    });
  }

  show(options: ShowPanelOptions = {}): RunPanel {
    const panel = this.current ?? this.adopt(createRunPanelWebview());
    panel.reveal(options.preserveFocus ?? false);
    if (options.selectRunId) panel.select(options.selectRunId);
    return panel;
  }

  /** Shows the panel with its multi-line prompt form holding `prompt` (focus goes to the form). */
  compose(prompt: string, repoUrl?: string): void {
    this.show({ preserveFocus: false }).compose(prompt, repoUrl);
  }

  /** The editor column the panel is in, if it is open. */
  column(): vscode.ViewColumn | undefined {
    return this.current?.panel.viewColumn;
  }

  dispose(): void {
    this.serializer.dispose();
    this.current?.dispose();
    this.current = undefined;
  }

  private adopt(webviewPanel: vscode.WebviewPanel): RunPanel {
    this.current?.dispose();
    const panel: RunPanel = new RunPanel(webviewPanel, this.deps, () => {
      if (this.current === panel) this.current = undefined;
    });
    this.current = panel;
    return panel;
  }
}
