import * as vscode from 'vscode';
import { cancelRunCommand } from './cancel-run-command';
import type { CommandContext } from './command-context';
import { openLogsCommand } from './open-logs-command';
import { reviewChangesCommand } from './review-changes-command';
import { runPromptCommand } from './run-prompt-command';
import { setApiKeyCommand } from './set-api-key-command';
import { signInCommand } from './sign-in-command';

/** The run-related commands of the manifest (server and health commands are registered by their owners). */
export const COMMAND_IDS = {
  runPrompt: 'tinyBackspace.runPrompt',
  showPanel: 'tinyBackspace.showPanel',
  cancelRun: 'tinyBackspace.cancelRun',
  reviewChanges: 'tinyBackspace.reviewChanges',
  setApiKey: 'tinyBackspace.setApiKey',
  signInToGitHub: 'tinyBackspace.signInToGitHub',
  openLogs: 'tinyBackspace.openLogs',
} as const;

export function registerCommands(context: CommandContext): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand(COMMAND_IDS.runPrompt, (args: unknown) => runPromptCommand(context, args)),
    vscode.commands.registerCommand(COMMAND_IDS.showPanel, () => {
      context.panels.show();
    }),
    vscode.commands.registerCommand(COMMAND_IDS.cancelRun, (args: unknown) => cancelRunCommand(context, args)),
    vscode.commands.registerCommand(COMMAND_IDS.reviewChanges, (args: unknown) => reviewChangesCommand(context, args)),
    vscode.commands.registerCommand(COMMAND_IDS.setApiKey, () => setApiKeyCommand(context)),
    vscode.commands.registerCommand(COMMAND_IDS.signInToGitHub, () => signInCommand(context)),
    vscode.commands.registerCommand(COMMAND_IDS.openLogs, () => openLogsCommand(context)),
  );
}
