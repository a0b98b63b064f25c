import * as vscode from 'vscode';

/** `when`-clause keys the manifest's menus use. */
export const CONTEXT_KEYS = {
  runActive: 'tinyBackspace.runActive',
  reviewPending: 'tinyBackspace.reviewPending',
  serverRunning: 'tinyBackspace.serverRunning',
} as const;

export function setContextKey(key: (typeof CONTEXT_KEYS)[keyof typeof CONTEXT_KEYS], value: boolean): Thenable<unknown> {
  return vscode.commands.executeCommand('setContext', key, value);
}
