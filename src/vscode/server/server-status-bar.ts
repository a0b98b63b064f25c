import * as vscode from 'vscode';
import type { LocalServer } from '../../core/server/local-server';

export const SERVER_ACTIONS_COMMAND = 'tinyBackspace.serverActions';

/** Shows the running server's port; a click opens the server actions. Hidden while stopped. */
export class ServerStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('tinyBackspace.server', vscode.StatusBarAlignment.Right, 100);

  constructor() {
    this.item.name = 'Tiny Backspace Local Server';
    this.item.command = SERVER_ACTIONS_COMMAND;
  }

  show(server: LocalServer | undefined): void {
    if (!server) {
      this.item.hide();
      return;
    }
    this.item.text = `$(broadcast) ${server.port}`;
    this.item.tooltip = `Tiny Backspace local server on ${server.url}. Click to copy the URL or token, or stop it.`;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
