// Records the error notifications the extension shows while `action` runs.
//
// The extension host gives no API to read notifications back, so the test wraps window.showErrorMessage
// of the API object this test shares with the extension (VS Code hands one `vscode` object to every file
// under the extension's folder, and out/test/extension/ is under it). The wrapper calls through, so the
// real notification is shown, and then closes it, as a user dismissing it would, so a command that awaits
// the user's choice on the notification can return.
import * as vscode from 'vscode';

type ShowErrorMessage = (...args: unknown[]) => Thenable<unknown>;

export async function errorMessagesShownBy<T>(action: () => Thenable<T>): Promise<{ result: T; messages: string[]; actions: string[][] }> {
  const messages: string[] = [];
  /** The buttons each notification offered, in order (string items only). */
  const actions: string[][] = [];
  const window = vscode.window as unknown as { showErrorMessage: ShowErrorMessage };
  const original = window.showErrorMessage;
  window.showErrorMessage = (...args: unknown[]) => {
    if (typeof args[0] === 'string') {
      messages.push(args[0]);
      actions.push(args.slice(1).filter((item): item is string => typeof item === 'string'));
    }
    const shown = original.apply(vscode.window, args);
    // Sent after the message over the same channel, so the notification exists when this arrives.
    void vscode.commands.executeCommand('notifications.clearAll');
    return shown;
  };
  try {
    return { result: await action(), messages, actions };
  } finally {
    window.showErrorMessage = original;
  }
}
