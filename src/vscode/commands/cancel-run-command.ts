import * as vscode from 'vscode';
import { z } from 'zod';
import type { CommandContext } from './command-context';

const CancelArgsSchema = z.object({ requestId: z.string().min(1).optional() });

/** Cancel Run: the only running run, or the one picked; `{ requestId }` skips the pick (test hook). */
export async function cancelRunCommand(context: CommandContext, rawArgs: unknown): Promise<boolean> {
  const { registry } = context.services;
  const args = CancelArgsSchema.safeParse(rawArgs ?? {});
  const requested = args.success ? args.data.requestId : undefined;
  if (requested) return registry.cancel(requested, 'Cancelled by the Cancel Run command.');
  const running = registry.list().filter((run) => run.status === 'running');
  if (running.length === 0) {
    void vscode.window.showInformationMessage('Tiny Backspace: no run is in progress.');
    return false;
  }
  const target =
    running.length === 1
      ? running[0]
      : (
          await vscode.window.showQuickPick(
            running.map((run) => ({ label: run.prompt.slice(0, 80), description: `${run.repo} · ${run.currentStep ?? 'starting'} · ${run.progress}%`, run })),
            { title: 'Tiny Backspace: cancel which run?' },
          )
        )?.run;
  return target ? registry.cancel(target.requestId, 'Cancelled by the Cancel Run command.') : false;
}
