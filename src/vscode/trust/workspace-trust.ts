import * as vscode from 'vscode';

const MANAGE_TRUST = 'Manage Workspace Trust';

/**
 * Tiny Backspace runs an AI agent over the repository and pushes to GitHub with the user's token, so in
 * a workspace the user has not trusted it explains itself and does nothing. Returns true when it may run.
 */
export async function ensureTrustedWorkspace(): Promise<boolean> {
  if (vscode.workspace.isTrusted) return true;
  const choice = await vscode.window.showWarningMessage(
    'Tiny Backspace is restricted in this untrusted workspace: it runs an AI agent on the repository and pushes to GitHub with your credentials, so it only runs prompts in workspaces you trust.',
    MANAGE_TRUST,
  );
  if (choice === MANAGE_TRUST) await vscode.commands.executeCommand('workbench.trust.manage');
  return false;
}
