import type * as vscode from 'vscode';
import { activateExtension, type ActivatedExtension } from './vscode/activate';

let activated: ActivatedExtension | undefined;

/** Thin entry: the object graph is built in src/vscode/activate.ts. */
export function activate(context: vscode.ExtensionContext): void {
  activated = activateExtension(context);
}

/** VS Code awaits this, so runs end (and clean up their sandboxes) before the extension host goes. */
export async function deactivate(): Promise<void> {
  const current = activated;
  activated = undefined;
  await current?.deactivate();
}
