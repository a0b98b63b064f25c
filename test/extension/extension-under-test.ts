// The extension these suites test, as VS Code loaded it (its manifest is the one VS Code registered).
import * as vscode from 'vscode';

export const EXTENSION_ID = 'tiny-backspace.tiny-backspace';

export interface ManifestCommand {
  readonly command: string;
  readonly title: string;
  readonly category?: string;
}

export interface ManifestSetting {
  readonly default?: unknown;
}

export interface TinyBackspaceManifest {
  readonly contributes: {
    readonly commands: readonly ManifestCommand[];
    readonly configuration: { readonly properties: Readonly<Record<string, ManifestSetting>> };
  };
}

export function extensionUnderTest(): vscode.Extension<unknown> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  if (extension === undefined) throw new Error(`${EXTENSION_ID} is not loaded in this extension host`);
  return extension;
}

export function manifest(): TinyBackspaceManifest {
  return extensionUnderTest().packageJSON as TinyBackspaceManifest;
}

export async function activated(): Promise<vscode.Extension<unknown>> {
  const extension = extensionUnderTest();
  if (!extension.isActive) await extension.activate();
  return extension;
}
