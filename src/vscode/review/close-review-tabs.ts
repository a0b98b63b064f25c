import * as vscode from 'vscode';
import { REVIEW_URI_SCHEME, parseReviewUriPath } from './review-content-store';

function belongsTo(uri: unknown, requestId: string): boolean {
  if (!(uri instanceof vscode.Uri) || uri.scheme !== REVIEW_URI_SCHEME) return false;
  return parseReviewUriPath(uri.path)?.requestId === requestId;
}

function isReviewTab(tab: vscode.Tab, requestId: string): boolean {
  const input = tab.input;
  if (input instanceof vscode.TabInputTextDiff) return belongsTo(input.original, requestId) || belongsTo(input.modified, requestId);
  if (input instanceof vscode.TabInputText) return belongsTo(input.uri, requestId);
  // The multi-file diff editor (`vscode.changes`): its input type is not in this API version, so look at
  // its resources structurally.
  const textDiffs = (input as { textDiffs?: ReadonlyArray<{ original?: unknown; modified?: unknown }> } | undefined)?.textDiffs;
  return Array.isArray(textDiffs) && textDiffs.some((diff) => belongsTo(diff.original, requestId) || belongsTo(diff.modified, requestId));
}

/** Closes every diff tab of one run's review (decided, discarded or cancelled): nothing stale stays open. */
export async function closeReviewTabs(requestId: string): Promise<number> {
  const tabs = vscode.window.tabGroups.all.flatMap((group) => group.tabs).filter((tab) => isReviewTab(tab, requestId));
  if (tabs.length > 0) await vscode.window.tabGroups.close(tabs, true);
  return tabs.length;
}
