import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Logger } from '../../core/logging/logger';
import { reviewUri } from './review-content-provider';
import type { ReviewContentStore, ReviewFile } from './review-content-store';

function diffTitle(file: ReviewFile): string {
  const name = path.posix.basename(file.path);
  const what = file.status === 'added' ? 'new file' : file.status === 'deleted' ? 'deleted' : 'base ↔ change';
  return `${name} (${what}) · Tiny Backspace`;
}

/**
 * The column diffs open in: never the panel's. VS Code opens webview panels as preview editors, and a
 * preview editor opened in the same group would replace (dispose) the panel.
 */
function reviewColumn(panelColumn: vscode.ViewColumn | undefined): vscode.ViewColumn {
  return panelColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One;
}

async function openOne(requestId: string, file: ReviewFile, column: vscode.ViewColumn, preserveFocus: boolean): Promise<void> {
  await vscode.commands.executeCommand(
    'vscode.diff',
    reviewUri(requestId, 'base', file.path),
    reviewUri(requestId, 'change', file.path),
    diffTitle(file),
    // Pinned, so it does not replace a preview editor (such as the panel) either; focus stays where the
    // user is typing unless they asked for this diff.
    { preview: false, preserveFocus, viewColumn: column } satisfies vscode.TextDocumentShowOptions,
  );
}

/**
 * Opens a run's changes in VS Code's own diff editor, beside the panel: one file, or every file in the
 * multi-file diff editor (`vscode.changes`) with a per-file fallback where that command is missing.
 * Returns false when the run's contents are no longer kept.
 */
export async function openReviewDiff(
  store: ReviewContentStore,
  requestId: string,
  logger: Logger,
  panelColumn: vscode.ViewColumn | undefined,
  filePath?: string,
  /** True when the diff opens by itself (a run reached review): it must not take focus from the user. */
  preserveFocus = false,
): Promise<boolean> {
  const files = store.files(requestId);
  const column = reviewColumn(panelColumn);
  if (files.length === 0) return false;
  if (filePath !== undefined) {
    const file = files.find((candidate) => candidate.path === filePath);
    if (!file) return false;
    await openOne(requestId, file, column, preserveFocus);
    return true;
  }
  if (files.length === 1 && files[0]) {
    await openOne(requestId, files[0], column, preserveFocus);
    return true;
  }
  try {
    // `vscode.changes` takes no column and takes focus: it opens in the active group, so make that the
    // review column first, and hand focus back afterwards when the diff opened by itself.
    const previous = preserveFocus ? vscode.window.activeTextEditor : undefined;
    await vscode.commands.executeCommand(column === vscode.ViewColumn.One ? 'workbench.action.focusFirstEditorGroup' : 'workbench.action.focusSecondEditorGroup');
    await vscode.commands.executeCommand(
      'vscode.changes',
      `Tiny Backspace: ${files.length} changed files`,
      files.map((file) => [reviewUri(requestId, 'change', file.path), reviewUri(requestId, 'base', file.path), reviewUri(requestId, 'change', file.path)]),
    );
    if (previous) await vscode.window.showTextDocument(previous.document, { viewColumn: previous.viewColumn, preserveFocus: false, preview: false });
  } catch (error) {
    logger.warn('multi-file diff unavailable, opening one diff per file', { reason: error instanceof Error ? error.message : String(error) });
    for (const file of files) await openOne(requestId, file, column, preserveFocus);
  }
  return true;
}
