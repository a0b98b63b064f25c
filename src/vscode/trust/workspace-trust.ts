import * as vscode from 'vscode';

const MANAGE_TRUST = 'Manage Workspace Trust';

/**
 * Tiny Backspace runs an AI agent over the repository and pushes to GitHub with the user's token, so in
 * a workspace the user has not trusted it explains itself and does nothing. Returns true when it may run.
 */
export async function ensureTrustedWorkspace(action = 'run prompts'): Promise<boolean> {
  if (vscode.workspace.isTrusted) return true;
  // Not awaited: the command is refused now, whether or not the notification is ever answered.
  void vscode.window.showWarningMessage(
    `Tiny Backspace is restricted in this untrusted workspace: it runs an AI agent on the repository and pushes to GitHub with your credentials, so it does not ${action} until you trust this workspace.`,
    MANAGE_TRUST,
  ).then((choice) => (choice === MANAGE_TRUST ? vscode.commands.executeCommand('workbench.trust.manage') : undefined));
  return false;
}
