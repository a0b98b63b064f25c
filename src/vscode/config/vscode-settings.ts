import * as vscode from 'vscode';
import type { SettingsReader } from './settings-config';
import { settingFromInspection } from './trusted-settings';

export const SETTINGS_SECTION = 'tinyBackspace';

/**
 * Reads `tinyBackspace.*` fresh on every call, so a changed setting applies to the next run. Keys that can
 * redirect a secret or a push (trusted-settings.ts) come from user settings only, never the workspace.
 */
export function vscodeSettingsReader(scope?: vscode.ConfigurationScope): SettingsReader {
  const configuration = vscode.workspace.getConfiguration(SETTINGS_SECTION, scope);
  return (key) => settingFromInspection(key, configuration.inspect(key), configuration.get(key));
}
