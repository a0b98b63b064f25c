import * as vscode from 'vscode';
import { z } from 'zod';
import { ReviewDecisionSchema } from '../../protocol/webview-messages';
import type { CommandContext } from './command-context';

const ReviewArgsSchema = z.object({ requestId: z.string().min(1).optional(), decision: ReviewDecisionSchema.optional() });

/**
 * Review Changes: opens the diff of the run waiting for review (picking one if several wait).
 * Test hook (ExtensionMode.Test only): `{ requestId?, decision: 'create' | 'discard' }` answers the review
 * without UI and resolves true when a waiting run took the answer.
 */
export async function reviewChangesCommand(context: CommandContext, rawArgs: unknown): Promise<boolean> {
  const { reviews } = context;
  const parsed = ReviewArgsSchema.safeParse(rawArgs ?? {});
  const args = parsed.success ? parsed.data : {};
  const waiting = reviews.pending.ids();
  const requestId = args.requestId ?? (waiting.length === 1 ? waiting[0] : await pickWaiting(context, waiting));
  if (!requestId) {
    if (waiting.length === 0) void vscode.window.showInformationMessage('Tiny Backspace: no run is waiting for review.');
    return false;
  }
  // Answering without the user is a test hook: another extension must not be able to approve a push.
  if (args.decision) {
    if (context.services.context.extensionMode !== vscode.ExtensionMode.Test) {
      context.services.logger.warn('ignored a review decision passed as a command argument outside test mode');
      return false;
    }
    return reviews.decide(requestId, args.decision);
  }
  context.panels.show({ selectRunId: requestId, preserveFocus: true });
  const opened = await reviews.openDiff(requestId);
  if (!opened) void vscode.window.showInformationMessage('Tiny Backspace: the changes of that run are no longer available.');
  return opened;
}

async function pickWaiting(context: CommandContext, waiting: readonly string[]): Promise<string | undefined> {
  if (waiting.length === 0) return undefined;
  const items = waiting.map((requestId) => {
    const summary = context.services.registry.get(requestId);
    const review = context.reviews.pending.get(requestId);
    return {
      label: summary?.prompt.slice(0, 80) ?? requestId,
      description: `${summary?.repo ?? ''} · ${review?.changedFiles.length ?? 0} file(s)`,
      requestId,
    };
  });
  return (await vscode.window.showQuickPick(items, { title: 'Tiny Backspace: review which run?' }))?.requestId;
}
