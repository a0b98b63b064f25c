import * as vscode from 'vscode';
import { cancelRunCommand } from './cancel-run-command';
import { followUpPullRequestCommand } from './follow-up-pull-request-command';
import type { CommandContext } from './command-context';
import { showOfflineInstructions, useLocalModel } from './ensure-provider';
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
  useLocalModel: 'tinyBackspace.useLocalModel',
  showOfflineInstructions: 'tinyBackspace.showOfflineInstructions',
  followUpPullRequest: 'tinyBackspace.followUpPullRequest',
} as const;

export function registerCommands(context: CommandContext): vscode.Disposable {
  return vscode.Disposable.from(
    context.services.registrar.registerCommand(COMMAND_IDS.runPrompt, (args?: unknown) => runPromptCommand(context, args)),
    context.services.registrar.registerCommand(COMMAND_IDS.showPanel, () => {
      context.panels.show();
    }),
    context.services.registrar.registerCommand(COMMAND_IDS.cancelRun, (args?: unknown) => cancelRunCommand(context, args)),
    context.services.registrar.registerCommand(COMMAND_IDS.reviewChanges, (args?: unknown) => reviewChangesCommand(context, args)),
    context.services.registrar.registerCommand(COMMAND_IDS.setApiKey, () => setApiKeyCommand(context)),
    context.services.registrar.registerCommand(COMMAND_IDS.signInToGitHub, () => signInCommand(context)),
    context.services.registrar.registerCommand(COMMAND_IDS.openLogs, () => openLogsCommand(context)),
    context.services.registrar.registerCommand(COMMAND_IDS.useLocalModel, () => useLocalModel()),
    context.services.registrar.registerCommand(COMMAND_IDS.showOfflineInstructions, () => showOfflineInstructions()),
    context.services.registrar.registerCommand(COMMAND_IDS.followUpPullRequest, (args?: unknown) => followUpPullRequestCommand(context, args)),
  );
}
