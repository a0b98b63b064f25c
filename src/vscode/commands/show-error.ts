import * as vscode from 'vscode';
import { toErrorPayload } from '../../core/errors/to-error-payload';
import type { Logger } from '../../core/logging/logger';

const OPEN_LOGS = 'Open Logs';

/** Every failure a command shows says what went wrong and what to do next, and offers the logs. */
export async function showCommandError(error: unknown, logger: Logger, context: string): Promise<void> {
  const payload = toErrorPayload(error);
  if (payload.code === 'internal') logger.error(`${context} failed`, error);
  else logger.warn(`${context}: ${payload.message}`, { code: payload.code });
  const text = payload.remedy ? `${payload.message} ${payload.remedy}` : payload.message;
  const choice = await vscode.window.showErrorMessage(`Tiny Backspace: ${text}`, OPEN_LOGS);
  if (choice === OPEN_LOGS) await vscode.commands.executeCommand('tinyBackspace.openLogs');
}
