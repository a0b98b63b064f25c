import * as vscode from 'vscode';
import { REVIEW_URI_SCHEME, parseReviewUriPath, reviewUriPath, type ReviewContentStore, type ReviewSide } from './review-content-store';

export function reviewUri(requestId: string, side: ReviewSide, filePath: string): vscode.Uri {
  return vscode.Uri.from({ scheme: REVIEW_URI_SCHEME, path: reviewUriPath(requestId, side, filePath) });
}

const UNAVAILABLE =
  'Tiny Backspace: this change is no longer available (the window was reloaded, or it belongs to an older run).\n';

/**
 * Serves the base and changed contents of a reviewed run to the diff editor. Virtual documents are
 * read-only, so nothing typed in the diff editor can alter what is pushed.
 */
export function registerReviewContentProvider(store: ReviewContentStore): vscode.Disposable {
  const provider: vscode.TextDocumentContentProvider = {
    provideTextDocumentContent(uri) {
      const parsed = parseReviewUriPath(uri.path);
      if (!parsed) return UNAVAILABLE;
      return store.read(parsed.requestId, parsed.side, parsed.filePath) ?? UNAVAILABLE;
    },
  };
  return vscode.workspace.registerTextDocumentContentProvider(REVIEW_URI_SCHEME, provider);
}
