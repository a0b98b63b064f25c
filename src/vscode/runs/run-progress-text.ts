// Pure: the words the progress notification and the end-of-run notification use.
// Unit-tested in test/unit/vscode-run-progress-text.test.ts.
import type { RunEvent, StepName, TerminalEvent } from '../../protocol/run-events';

const STEP_LABELS: Readonly<Record<StepName, string>> = {
  validate: 'Checking the repository and credentials',
  sandbox: 'Starting the sandbox',
  clone: 'Cloning',
  analyze: 'Reading the repository',
  agent: 'The agent is working',
  apply: 'Applying the changes',
  validate_changes: 'Running the checks',
  pull_request: 'Opening the pull request',
};

export function stepLabel(step: StepName): string {
  return STEP_LABELS[step];
}

function oneLine(text: string, max = 90): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * What the progress notification says for an event; undefined leaves the previous text (AI deltas,
 * usage). `followUpOf`: the pull request a follow-up continues, whose review pushes a commit to it.
 */
export function progressMessage(event: RunEvent, followUpOf?: number): string | undefined {
  switch (event.kind) {
    case 'run_started':
      return 'Starting…';
    case 'step_started':
      return `${stepLabel(event.step)}…`;
    case 'step_progress':
      return oneLine(event.message);
    case 'tool':
      return oneLine(event.filepath ? `${event.tool} ${event.filepath}` : event.command ? `${event.tool}: ${event.command}` : event.message);
    case 'thinking':
      return event.topic === 'provider' || event.topic === 'fallback' ? oneLine(event.message) : undefined;
    case 'review_required':
      return `Waiting for your review of ${event.changed_files.length} file(s): ${followUpOf !== undefined ? `Push Commit to #${followUpOf}` : 'Create Pull Request'} or Discard.`;
    case 'checks':
      return 'Checks finished.';
    default:
      return undefined;
  }
}

export interface OutcomeNotice {
  readonly severity: 'info' | 'warning' | 'error';
  readonly message: string;
  /** http(s) link the notice offers to open (the pull request). */
  readonly url?: string;
}

/** The one notification at the end of a run; `followUpOf` names the PR a follow-up continued (issue 15). */
export function outcomeNotice(event: TerminalEvent, followUpOf?: number): OutcomeNotice {
  switch (event.kind) {
    case 'completed':
      if (event.discarded) return { severity: 'info', message: 'Tiny Backspace: discarded. Nothing was pushed.' };
      if (event.pr_url && followUpOf !== undefined && event.commit_sha) {
        return { severity: 'info', message: `Tiny Backspace: added commit ${event.commit_sha.slice(0, 7)} to pull request #${event.pr_number ?? followUpOf}.`, url: event.pr_url };
      }
      if (event.pr_url) {
        return { severity: 'info', message: `Tiny Backspace: pull request${event.pr_number ? ` #${event.pr_number}` : ''} is ready.`, url: event.pr_url };
      }
      return { severity: 'info', message: `Tiny Backspace: ${oneLine(event.message, 300)}` };
    case 'failed':
      return {
        severity: 'error',
        message: `Tiny Backspace: ${oneLine(event.error.message, 400)}${event.error.remedy ? ` ${oneLine(event.error.remedy, 300)}` : ''}`,
      };
    case 'cancelled':
      return { severity: 'warning', message: `Tiny Backspace: cancelled. ${oneLine(event.reason, 200)}` };
  }
}
