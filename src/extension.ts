import * as path from 'node:path';
import * as vscode from 'vscode';
import { registerPromptCodeActionProvider } from './vscode/editor/prompt-code-actions';
import { LazyEngineHost, type EngineModule } from './vscode/host/lazy-engine-host';

let host: LazyEngineHost | undefined;

function contributedCommands(context: vscode.ExtensionContext): string[] {
  const manifest = context.extension.packageJSON as { contributes?: { commands?: Array<{ command?: unknown }> } };
  return (manifest.contributes?.commands ?? []).map((entry) => entry.command).filter((id): id is string => typeof id === 'string');
}

/**
 * Thin entry: registers proxies and nothing else. The engine bundle (built from src/vscode/activate.ts)
 * is required on first use, so activation does not pay for parsing the SDKs.
 */
export function activate(context: vscode.ExtensionContext): { engineCommandIds(): string[] } | undefined {
  // A computed path keeps esbuild from inlining the engine into this bundle.
  const enginePath = path.join(__dirname, 'extension-engine.js');
  host = new LazyEngineHost(context, () => require(enginePath) as EngineModule, contributedCommands(context));
  // Cheap (one regex per requested line) and needed before the engine loads: the lightbulb on TODO/FIXME
  // comments and selections. Its command is proxied like every other one.
  context.subscriptions.push(host, registerPromptCodeActionProvider());
  // The engine's own handlers, for the activation test only (ExtensionMode.Test): proves each contributed
  // command reaches the engine, not just a proxy.
  return context.extensionMode === vscode.ExtensionMode.Test ? { engineCommandIds: () => host?.engineCommandIds() ?? [] } : undefined;
}

/** VS Code awaits this, so runs end (and clean up their sandboxes) before the extension host goes. */
export async function deactivate(): Promise<void> {
  const current = host;
  host = undefined;
  await current?.deactivate();
}
