import * as vscode from 'vscode';

/**
 * VS Code's own GitHub Enterprise setting (`github-enterprise.uri`, read by its GitHub Enterprise sign-in).
 * Tiny Backspace's `github.enterpriseUrl` defaults to it, so an Enterprise user sets one URL, not two.
 * A user-level value only: a workspace must not redirect where the token goes.
 */
export function githubEnterpriseUri(): string | undefined {
  const inspected = vscode.workspace.getConfiguration('github-enterprise').inspect<string>('uri');
  const value = inspected?.globalValue ?? inspected?.defaultValue;
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
