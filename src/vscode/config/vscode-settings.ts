import * as vscode from 'vscode';
import { githubEnterpriseUri } from './github-enterprise-uri';
import type { SettingsReader } from './settings-config';
import { settingFromInspection } from './trusted-settings';

export const SETTINGS_SECTION = 'tinyBackspace';

/**
 * Reads `tinyBackspace.*` fresh on every call, so a changed setting applies to the next run. Keys that can
 * redirect a secret or a push (trusted-settings.ts) come from user settings only, never the workspace.
 * `github.enterpriseUrl` left empty takes VS Code's `github-enterprise.uri` (when the environment names
 * no server either), so Enterprise users configure one URL.
 */
export function vscodeSettingsReader(scope?: vscode.ConfigurationScope, env: NodeJS.ProcessEnv = process.env): SettingsReader {
  const configuration = vscode.workspace.getConfiguration(SETTINGS_SECTION, scope);
  return (key) => {
    const setting = settingFromInspection(key, configuration.inspect(key), configuration.get(key));
    if (key === 'github.enterpriseUrl' && !setting.explicit && !env.TINY_BACKSPACE_GITHUB_URL) {
      const fromVsCode = githubEnterpriseUri();
      if (fromVsCode) return { value: fromVsCode, explicit: true };
    }
    return setting;
  };
}
