// Pure: which pull request a recorded run belongs to, and how the panel's Follow Up, Address Review
// Comments and Re-run continue it (issue 15). No `vscode` import; unit-tested in
// test/unit/vscode-run-pull-request.test.ts. Everything here reads the host's own history, never the page.
import type { RunEvent } from '../../protocol/run-events';
import { ADDRESS_REVIEW_PROMPT } from '../../protocol/run-request';
import type { FollowUpAction, RunSnapshot } from '../../protocol/webview-messages';

export interface RunPullRequest {
  readonly number: number;
  /** The PR's page, when the run got as far as knowing it (a completed run). */
  readonly url?: string;
  /** The run added a commit to a PR that already existed (a follow-up), instead of opening it. */
  readonly continued: boolean;
  /** A follow-up that addressed review threads. */
  readonly addressReview: boolean;
  /** The run ended with this PR open and its change pushed: the PR may be followed up. */
  readonly completed: boolean;
}

/** The PR a run opened (its `completed` event) or continued (`pull_request` in `run_started`). */
export function pullRequestOfRun(events: readonly RunEvent[]): RunPullRequest | undefined {
  const started = events.find((event): event is Extract<RunEvent, { kind: 'run_started' }> => event.kind === 'run_started');
  const completed = events.find((event): event is Extract<RunEvent, { kind: 'completed' }> => event.kind === 'completed');
  const number = completed?.pr_number ?? started?.pull_request;
  if (number === undefined) return undefined;
  return {
    number,
    ...(completed?.pr_url !== undefined ? { url: completed.pr_url } : {}),
    continued: started?.pull_request !== undefined,
    addressReview: started?.address_review === true,
    completed: completed?.pr_number !== undefined && completed.discarded !== true,
  };
}

/** Arguments of `tinyBackspace.followUpPullRequest` (see follow-up-pull-request-command.ts). */
export interface FollowUpCommandArgs {
  readonly pullRequest: number;
  readonly repoUrl: string;
  readonly prompt?: string;
  /** Fills the prompt input box, to be edited (Edit & Re-run of a follow-up). */
  readonly draftPrompt?: string;
  readonly addressReview: boolean;
}

export type ContinueRun =
  | { readonly command: 'tinyBackspace.followUpPullRequest'; readonly args: FollowUpCommandArgs }
  | { readonly command: 'tinyBackspace.runPrompt'; readonly args: { readonly prompt: string; readonly repoUrl?: string } }
  | { readonly problem: string };

const GONE = 'that run is no longer in the history.';

/** The user's own instruction of a follow-up, without the name an address-review run reports instead. */
function userPrompt(run: RunSnapshot, pull: RunPullRequest): string | undefined {
  const prompt = run.prompt.trim();
  if (prompt === '' || (pull.addressReview && prompt === ADDRESS_REVIEW_PROMPT)) return undefined;
  return prompt;
}

/** Follow Up / Address Review Comments / Edit & Re-run (of a follow-up) on a run's pull request. */
export function followUpOf(run: RunSnapshot | undefined, action: FollowUpAction): ContinueRun {
  if (!run) return { problem: GONE };
  const pull = pullRequestOfRun(run.events);
  if (!pull) return { problem: 'that run has no pull request to follow up on.' };
  if (run.repo === '') return { problem: GONE };
  const target = { pullRequest: pull.number, repoUrl: run.repo };
  const command = 'tinyBackspace.followUpPullRequest';
  switch (action) {
    case 'prompt':
      return { command, args: { ...target, addressReview: false } };
    case 'address_review':
      return { command, args: { ...target, addressReview: true } };
    case 'edit_prompt': {
      const draft = userPrompt(run, pull);
      return { command, args: { ...target, addressReview: false, ...(draft ? { draftPrompt: draft } : {}) } };
    }
  }
}

/** Re-run: the same prompt on the same repository; a follow-up continues on the same pull request. */
export function rerunOf(run: RunSnapshot | undefined): ContinueRun {
  if (!run || run.prompt === '') return { problem: GONE };
  const started = run.events.find((event) => event.kind === 'run_started');
  const pull = started?.kind === 'run_started' && started.pull_request !== undefined ? pullRequestOfRun(run.events) : undefined;
  if (!pull) return { command: 'tinyBackspace.runPrompt', args: { prompt: run.prompt, ...(run.repo ? { repoUrl: run.repo } : {}) } };
  if (run.repo === '') return { problem: GONE };
  const prompt = userPrompt(run, pull);
  return {
    command: 'tinyBackspace.followUpPullRequest',
    args: { pullRequest: pull.number, repoUrl: run.repo, addressReview: pull.addressReview, ...(prompt ? { prompt } : {}) },
  };
}
