import * as vscode from 'vscode';

export function activateExtension(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('tinyBackspace.runPrompt', async () => {
      await vscode.window.showInformationMessage('Tiny Backspace: the run command is being wired up.');
    }),
  );
}
