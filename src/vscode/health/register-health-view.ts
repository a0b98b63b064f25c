import * as vscode from 'vscode';
import type { ExtensionServices } from '../extension-services';

// PLACEHOLDER owned by the observability work (issue 6): the health webview view and Show Health.
export function registerHealthView(_services: ExtensionServices): vscode.Disposable {
  return vscode.Disposable.from();
}
