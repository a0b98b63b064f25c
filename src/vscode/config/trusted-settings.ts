// Pure: no `vscode` import, so the list is checked against the manifest in unit and extension-host tests.

/**
 * Settings (under `tinyBackspace.`) that can redirect a key, a token, a push or a server, turn off review,
 * or run commands. A repository's `.vscode/settings.json` is hostile data, so these are `machine`-scoped in
 * the manifest (VS Code ignores them in workspace settings), listed in
 * `capabilities.untrustedWorkspaces.restrictedConfigurations`, and read by `vscodeSettingsReader` from the
 * user (global) and default values only: even if some VS Code version or scope merge let a workspace value
 * through, it is never used.
 */
export const MACHINE_SCOPED_SETTINGS: readonly string[] = [
  'providers',
  'openai.baseUrl',
  'github.enterpriseUrl',
  'sandbox',
  'allowUnisolated',
  'reviewBeforePullRequest',
  'checks',
  'server.port',
  'server.allowedOrigins',
];

export function isMachineScopedSetting(key: string): boolean {
  return MACHINE_SCOPED_SETTINGS.includes(key);
}

/** What `WorkspaceConfiguration.inspect` returns, reduced to the fields a machine-scoped read may use. */
export interface InspectedSetting {
  readonly defaultValue?: unknown;
  readonly globalValue?: unknown;
  readonly workspaceValue?: unknown;
  readonly workspaceFolderValue?: unknown;
  readonly globalLanguageValue?: unknown;
  readonly workspaceLanguageValue?: unknown;
  readonly workspaceFolderLanguageValue?: unknown;
}

/**
 * The value of one setting. Machine-scoped keys: the user's value, else the manifest default — workspace
 * and folder values are ignored whatever VS Code merged. Other keys: VS Code's effective value.
 */
export function settingFromInspection(key: string, inspected: InspectedSetting | undefined, effective: unknown): { value: unknown; explicit: boolean } {
  if (isMachineScopedSetting(key)) {
    const user = inspected?.globalValue;
    return { value: user !== undefined ? user : inspected?.defaultValue, explicit: user !== undefined };
  }
  const explicit =
    inspected !== undefined &&
    (inspected.globalValue !== undefined ||
      inspected.workspaceValue !== undefined ||
      inspected.workspaceFolderValue !== undefined ||
      inspected.globalLanguageValue !== undefined ||
      inspected.workspaceLanguageValue !== undefined ||
      inspected.workspaceFolderLanguageValue !== undefined);
  return { value: effective, explicit };
}
