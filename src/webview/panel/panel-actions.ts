import type { FollowUpAction, ReviewDecision } from '../../protocol/webview-messages';

/** What the page's buttons do; main.ts turns these into messages to the host. */
export interface PanelActions {
  newRun(): void;
  cancel(requestId: string): void;
  decide(requestId: string, decision: ReviewDecision): void;
  openDiff(requestId: string, path?: string): void;
  openExternal(url: string): void;
  openLogs(): void;
  setApiKey(): void;
  select(requestId: string): void;
  clearHistory(): void;
  /** Re-run a finished run as it was. */
  rerun(requestId: string): void;
  /** Open the multi-line prompt form with a run's prompt, to edit and run again (a follow-up: the input box). */
  editRerun(requestId: string): void;
  /** Continue the pull request of a run: a new prompt, or its review comments (the host asks and runs). */
  followUp(requestId: string, action: FollowUpAction): void;
}
