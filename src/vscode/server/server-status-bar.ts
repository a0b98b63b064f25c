import * as vscode from 'vscode';
import type { LocalServer } from '../../core/server/local-server';

export const SERVER_ACTIONS_COMMAND = 'tinyBackspace.serverActions';

/** Shows the server's state: while stopped a click starts it; while running it opens the server actions. */
export class ServerStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('tinyBackspace.server', vscode.StatusBarAlignment.Right, 100);

  constructor() {
    this.item.name = 'Tiny Backspace Local Server';
    this.item.command = SERVER_ACTIONS_COMMAND;
    this.show(undefined);
  }

  show(server: LocalServer | undefined): void {
    if (!server) {
      this.item.text = '$(debug-disconnect) Tiny Backspace';
      this.item.tooltip = 'Tiny Backspace local server: stopped. Click to start it (127.0.0.1 only, bearer token required).';
      this.item.accessibilityInformation = { label: 'Tiny Backspace local server stopped. Activate to start it.' };
      this.item.show();
      return;
    }
    this.item.accessibilityInformation = { label: `Tiny Backspace local server running on port ${server.port}. Activate for its actions.` };
    this.item.text = `$(broadcast) ${server.port}`;
    this.item.tooltip = `Tiny Backspace local server on ${server.url}. Click to copy the URL or token, or stop it.`;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
