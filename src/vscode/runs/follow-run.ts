import * as vscode from 'vscode';
import type { TerminalEvent } from '../../protocol/run-events';
import { ExternalUrlSchema } from '../../protocol/webview-messages';
import type { CommandContext } from '../commands/command-context';
import { outcomeNotice, progressMessage } from './run-progress-text';

const OPEN_PR = 'Open Pull Request';
const SHOW_PANEL = 'Show Panel';
const OPEN_LOGS = 'Open Logs';
const SET_API_KEY = 'Set API Key';

/** Failures a key (or a better provider) would have avoided: their notification offers Set API Key. */
const PROVIDER_ERROR_CODES: ReadonlySet<string> = new Set(['agent_unsupported_prompt', 'agent_failed', 'provider_error']);

/**
 * Shows one run in a cancellable progress notification (cancel really cancels the run), then one
 * notification with the outcome. Runs in the background; the command that started the run has returned.
 */
export function followRun(context: CommandContext, requestId: string, label: string, done: Promise<TerminalEvent>, followUpOf?: number): void {
  const { registry, logger } = context.services;
  void vscode.window
    .withProgress({ location: vscode.ProgressLocation.Notification, title: `Tiny Backspace · ${label}`, cancellable: true }, async (progress, token) => {
      const stop = new AbortController();
      const onCancel = token.onCancellationRequested(() => registry.cancel(requestId, 'Cancelled from the progress notification.'));
      let reported = 0;
      try {
        for await (const event of registry.events(requestId, 0, stop.signal)) {
          const increment = Math.max(0, event.progress - reported);
          reported = Math.max(reported, event.progress);
          const message = progressMessage(event, followUpOf);
          if (message !== undefined || increment > 0) progress.report({ ...(message !== undefined ? { message } : {}), increment });
        }
      } finally {
        onCancel.dispose();
        stop.abort();
      }
    })
    .then(undefined, (error: unknown) => logger.warn('the progress notification failed', { reason: String(error) }));

  void done.then(
    (terminal) => showOutcome(context, requestId, terminal, followUpOf),
    (error: unknown) => logger.error('a run ended without a terminal event', error),
  );
}

async function showOutcome(context: CommandContext, requestId: string, terminal: TerminalEvent, followUpOf: number | undefined): Promise<void> {
  const notice = outcomeNotice(terminal, followUpOf);
  const url = notice.url !== undefined && ExternalUrlSchema.safeParse(notice.url).success ? notice.url : undefined;
  const providerProblem = terminal.kind === 'failed' && PROVIDER_ERROR_CODES.has(terminal.error.code);
  const actions = url ? [OPEN_PR, SHOW_PANEL] : notice.severity === 'error' ? [...(providerProblem ? [SET_API_KEY] : []), SHOW_PANEL, OPEN_LOGS] : [SHOW_PANEL];
  const show =
    notice.severity === 'error'
      ? vscode.window.showErrorMessage
      : notice.severity === 'warning'
        ? vscode.window.showWarningMessage
        : vscode.window.showInformationMessage;
  const choice = await show(notice.message, ...actions);
  if (choice === OPEN_PR && url) await vscode.env.openExternal(vscode.Uri.parse(url, true));
  else if (choice === SHOW_PANEL) context.panels.show({ selectRunId: requestId });
  else if (choice === OPEN_LOGS) await vscode.commands.executeCommand('tinyBackspace.openLogs');
  else if (choice === SET_API_KEY) await vscode.commands.executeCommand('tinyBackspace.setApiKey');
}
