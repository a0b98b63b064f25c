import * as vscode from 'vscode';
import type { ExtensionServices } from '../extension-services';

// PLACEHOLDER owned by the server work (issue 5): Start/Stop Local Server commands and the status-bar item.
export function registerServerCommands(_services: ExtensionServices): vscode.Disposable {
  return vscode.Disposable.from();
}
