import { readdir } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CommandContext } from './command-context';

/** Open Logs: the output channel, one of the log files, or the log folder. */
export async function openLogsCommand(context: CommandContext): Promise<void> {
  const { output } = context.services;
  const logDir = context.services.context.logUri.fsPath;
  const files = (await readdir(logDir).catch(() => [] as string[])).filter((name) => name.endsWith('.log')).sort();
  type Item = vscode.QuickPickItem & { readonly open: () => Thenable<unknown> | void };
  const items: Item[] = [
    { label: '$(output) Output: Tiny Backspace', description: 'live, human-readable', open: () => output.show(true) },
    ...files.map((name) => ({
      label: `$(file) ${name}`,
      description: 'JSON lines',
      open: () => vscode.window.showTextDocument(vscode.Uri.file(path.join(logDir, name)), { preview: true }),
    })),
    { label: '$(folder-opened) Reveal the log folder', description: logDir, open: () => vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(logDir)) },
  ];
  const picked = files.length === 0 ? items[0] : await vscode.window.showQuickPick(items, { title: 'Tiny Backspace: open which log?' });
  await picked?.open();
}
