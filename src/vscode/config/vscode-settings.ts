import * as vscode from 'vscode';
import type { SettingsReader } from './settings-config';

export const SETTINGS_SECTION = 'tinyBackspace';

/** Reads `tinyBackspace.*` fresh on every call, so a changed setting applies to the next run. */
export function vscodeSettingsReader(scope?: vscode.ConfigurationScope): SettingsReader {
  const configuration = vscode.workspace.getConfiguration(SETTINGS_SECTION, scope);
  return (key) => {
    const inspected = configuration.inspect(key);
    const explicit =
      inspected !== undefined &&
      (inspected.globalValue !== undefined ||
        inspected.workspaceValue !== undefined ||
        inspected.workspaceFolderValue !== undefined ||
        inspected.globalLanguageValue !== undefined ||
        inspected.workspaceLanguageValue !== undefined ||
        inspected.workspaceFolderLanguageValue !== undefined);
    return { value: configuration.get(key), explicit };
  };
}
