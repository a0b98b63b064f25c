import type * as vscode from 'vscode';
import { activateExtension } from './vscode/activate';

/** Thin entry: the object graph is built in src/vscode/activate.ts. */
export function activate(context: vscode.ExtensionContext): void {
  activateExtension(context);
}

export function deactivate(): void {}
