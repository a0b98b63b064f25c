import * as vscode from 'vscode';

/**
 * How the extension's features register with VS Code. The light entry (src/extension.ts) hands the
 * engine a registrar that plugs into the proxies it registered at activation, so the heavy bundle loads
 * on first use; `directRegistrar` is the plain VS Code API for everything else.
 */
export interface HostRegistrar {
  registerCommand(id: string, handler: (...args: unknown[]) => unknown): vscode.Disposable;
  registerWebviewPanelSerializer(viewType: string, serializer: vscode.WebviewPanelSerializer): vscode.Disposable;
  registerWebviewViewProvider(viewId: string, provider: vscode.WebviewViewProvider): vscode.Disposable;
}

export const directRegistrar: HostRegistrar = {
  registerCommand: (id, handler) => vscode.commands.registerCommand(id, handler),
  registerWebviewPanelSerializer: (viewType, serializer) => vscode.window.registerWebviewPanelSerializer(viewType, serializer),
  registerWebviewViewProvider: (viewId, provider) => vscode.window.registerWebviewViewProvider(viewId, provider),
};
