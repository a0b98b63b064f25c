// Pure: folds run events into what the panel shows. No DOM, so it is unit-tested with node:test
// (test/unit/vscode-panel-model.test.ts) and the renderer stays a thin projection of it.
import {
  STEP_NAMES,
  isTerminalEvent,
  type ChangedFile,
  type CheckResult,
  type ErrorPayload,
  type RunEvent,
  type StepName,
  type ToolName,
} from '../../protocol/run-events';
import type { RunSnapshot } from '../../protocol/webview-messages';

export type StepState = 'pending' | 'running' | 'ok' | 'skipped' | 'failed' | 'cancelled';
export type RunStatus = 'running' | 'review' | 'completed' | 'failed' | 'cancelled' | 'interrupted';

export interface StepView {
  readonly name: StepName;
  state: StepState;
  durationMs?: number;
  /** The step's latest progress line. */
  detail?: string;
}

interface ActivityBase {
  readonly id: number;
  /** Bumped when the item changes in place (streamed AI text), so the renderer knows to redraw it. */
  rev: number;
}

export type ActivityItem =
  | (ActivityBase & { readonly kind: 'thinking'; readonly topic: string; readonly text: string; readonly reason?: string })
  | (ActivityBase & {
      readonly kind: 'tool';
      readonly tool: ToolName;
      readonly text: string;
      readonly filepath?: string;
      readonly newPath?: string;
      readonly oldStr?: string;
      readonly newStr?: string;
      readonly query?: string;
      readonly command?: string;
      readonly output?: string;
      readonly exitCode?: number;
    })
  | (ActivityBase & { readonly kind: 'ai'; readonly provider: string; text: string; readonly step?: StepName })
  | (ActivityBase & { readonly kind: 'checks'; readonly checks: readonly CheckResult[] })
  | (ActivityBase & { readonly kind: 'note'; readonly level: 'info' | 'success' | 'warning' | 'error'; readonly text: string; readonly step?: StepName });

export interface RunView {
  readonly requestId: string;
  repo: string;
  prompt: string;
  startedAt: string;
  status: RunStatus;
  progress: number;
  costUsd: number;
  readonly steps: StepView[];
  readonly activity: ActivityItem[];
  /** Activity items dropped from the front to keep the page light. */
  droppedActivity: number;
  lastSeq: number;
  reviewPending: boolean;
  changedFiles: ChangedFile[];
  prUrl?: string;
  prNumber?: number;
  /** A follow-up (issue 15): the pull request this run continues, from `run_started`. */
  followUpOf?: number;
  /** A follow-up that addressed the PR's review threads. */
  addressReview: boolean;
  /** The commit the run pushed (a follow-up's one new commit). */
  commitSha?: string;
  branch?: string;
  error?: ErrorPayload;
  cancelReason?: string;
  summary?: string;
  agent?: string;
  durationMs?: number;
  discarded: boolean;
  dryRun: boolean;
  /** Bumped on every change, so the renderer can skip untouched runs. */
  rev: number;
}

export interface PanelModel {
  /** Newest first. */
  runs: RunView[];
  selectedRunId?: string;
}

export const MAX_ACTIVITY_ITEMS = 400;

let nextActivityId = 1;

export function createModel(): PanelModel {
  return { runs: [] };
}

function newRun(requestId: string): RunView {
  return {
    requestId,
    repo: '',
    prompt: '',
    startedAt: '',
    status: 'running',
    progress: 0,
    costUsd: 0,
    steps: STEP_NAMES.map((name) => ({ name, state: 'pending' })),
    activity: [],
    droppedActivity: 0,
    lastSeq: 0,
    reviewPending: false,
    changedFiles: [],
    discarded: false,
    dryRun: false,
    addressReview: false,
    rev: 0,
  };
}

function pushActivity(run: RunView, item: ActivityItem): void {
  run.activity.push(item);
  if (run.activity.length > MAX_ACTIVITY_ITEMS) {
    const excess = run.activity.length - MAX_ACTIVITY_ITEMS;
    run.activity.splice(0, excess);
    run.droppedActivity += excess;
  }
}

function step(run: RunView, name: StepName): StepView {
  const found = run.steps.find((candidate) => candidate.name === name);
  if (found) return found;
  const created: StepView = { name, state: 'pending' };
  run.steps.push(created);
  return created;
}

function endOpenSteps(run: RunView, state: StepState): void {
  for (const candidate of run.steps) if (candidate.state === 'running') candidate.state = state;
}

/** Folds one event into its run. Events at or below the run's last seq (replays) are ignored. */
export function applyEvent(model: PanelModel, event: RunEvent): RunView {
  let run = model.runs.find((candidate) => candidate.requestId === event.request_id);
  if (!run) {
    run = newRun(event.request_id);
    run.startedAt = event.timestamp;
    model.runs.unshift(run);
  }
  if (event.seq <= run.lastSeq) return run;
  run.lastSeq = event.seq;
  run.progress = Math.max(run.progress, event.progress);
  run.rev += 1;
  switch (event.kind) {
    case 'run_started':
      run.repo = event.repo;
      run.prompt = event.prompt;
      run.startedAt = event.timestamp;
      run.dryRun = event.dry_run;
      if (event.pull_request !== undefined) run.followUpOf = event.pull_request;
      run.addressReview = event.address_review === true;
      break;
    case 'step_started':
      step(run, event.step).state = 'running';
      break;
    case 'step_progress':
      step(run, event.step).detail = event.message;
      pushActivity(run, { id: nextActivityId++, rev: 0, kind: 'note', level: event.type === 'success' ? 'success' : event.type === 'warning' ? 'warning' : event.type === 'error' ? 'error' : 'info', text: event.message, step: event.step });
      break;
    case 'step_finished': {
      const view = step(run, event.step);
      view.state = event.outcome;
      view.durationMs = event.duration_ms;
      break;
    }
    case 'thinking':
      pushActivity(run, { id: nextActivityId++, rev: 0, kind: 'thinking', topic: event.topic, text: event.message, ...(event.reason ? { reason: event.reason } : {}) });
      break;
    case 'tool':
      pushActivity(run, {
        id: nextActivityId++,
        rev: 0,
        kind: 'tool',
        tool: event.tool,
        text: event.message,
        ...(event.filepath !== undefined ? { filepath: event.filepath } : {}),
        ...(event.new_path !== undefined ? { newPath: event.new_path } : {}),
        ...(event.old_str !== undefined ? { oldStr: event.old_str } : {}),
        ...(event.new_str !== undefined ? { newStr: event.new_str } : {}),
        ...(event.query !== undefined ? { query: event.query } : {}),
        ...(event.command !== undefined ? { command: event.command } : {}),
        ...(event.output !== undefined ? { output: event.output } : {}),
        ...(event.exit_code !== undefined ? { exitCode: event.exit_code } : {}),
      });
      break;
    case 'ai_message': {
      const last = run.activity[run.activity.length - 1];
      if (last?.kind === 'ai' && last.provider === event.provider && last.step === event.step) {
        last.text += event.message;
        last.rev += 1;
      } else {
        pushActivity(run, { id: nextActivityId++, rev: 0, kind: 'ai', provider: event.provider, text: event.message, ...(event.step ? { step: event.step } : {}) });
      }
      break;
    }
    case 'usage':
      run.costUsd = Math.max(run.costUsd, event.total_cost_usd);
      break;
    case 'checks':
      pushActivity(run, { id: nextActivityId++, rev: 0, kind: 'checks', checks: event.checks });
      break;
    case 'review_required':
      run.changedFiles = event.changed_files;
      break;
    case 'completed':
      run.status = 'completed';
      run.changedFiles = event.changed_files;
      run.summary = event.summary;
      run.agent = event.agent;
      run.durationMs = event.duration_ms;
      run.discarded = event.discarded ?? false;
      run.dryRun = event.dry_run;
      if (event.pr_url !== undefined) run.prUrl = event.pr_url;
      if (event.pr_number !== undefined) run.prNumber = event.pr_number;
      if (event.branch !== undefined) run.branch = event.branch;
      if (event.commit_sha !== undefined) run.commitSha = event.commit_sha;
      break;
    case 'failed':
      run.status = 'failed';
      run.error = event.error;
      run.durationMs = event.duration_ms;
      endOpenSteps(run, 'failed');
      break;
    case 'cancelled':
      run.status = 'cancelled';
      run.cancelReason = event.reason;
      run.durationMs = event.duration_ms;
      endOpenSteps(run, 'cancelled');
      break;
  }
  if (isTerminalEvent(event)) run.reviewPending = false;
  else if (run.reviewPending) run.status = 'review';
  return run;
}

export function setReviewPending(model: PanelModel, requestId: string, pending: boolean): RunView | undefined {
  const run = model.runs.find((candidate) => candidate.requestId === requestId);
  if (!run) return undefined;
  // An interrupted run can still be waiting: its review was saved and restored after a window reload.
  const open = run.status === 'running' || run.status === 'review' || (run.status === 'interrupted' && pending);
  run.reviewPending = pending && open;
  if (open) run.status = run.reviewPending ? 'review' : 'running';
  run.rev += 1;
  return run;
}

/** Replaces the model with the host's snapshot; keeps the panel's selection when it still exists. */
export function applySnapshot(model: PanelModel, runs: readonly RunSnapshot[], pendingReviews: readonly string[], selectedRunId?: string): PanelModel {
  const next: PanelModel = { runs: [] };
  // Oldest first, so applyEvent's unshift leaves the newest at the top.
  for (const snapshot of [...runs].reverse()) {
    const run = newRun(snapshot.requestId);
    run.repo = snapshot.repo;
    run.prompt = snapshot.prompt;
    run.startedAt = snapshot.startedAt;
    next.runs.unshift(run);
    for (const event of snapshot.events) applyEvent(next, event);
    if (snapshot.interrupted && !snapshot.events.some(isTerminalEvent)) {
      run.status = 'interrupted';
      endOpenSteps(run, 'cancelled');
    }
  }
  for (const requestId of pendingReviews) setReviewPending(next, requestId, true);
  const wanted = selectedRunId ?? model.selectedRunId;
  if (wanted && next.runs.some((run) => run.requestId === wanted)) next.selectedRunId = wanted;
  return next;
}

export function selectedRun(model: PanelModel): RunView | undefined {
  return model.runs.find((run) => run.requestId === model.selectedRunId) ?? model.runs[0];
}

/** The pull request a finished run left open with its change pushed: Follow Up and Address Review Comments apply. */
export function followablePullRequest(run: RunView): number | undefined {
  return run.status === 'completed' && !run.discarded && run.prUrl !== undefined ? run.prNumber : undefined;
}

/** The pull request a run belongs to: the one it opened, or the one it continued. */
export function pullRequestOf(run: RunView): number | undefined {
  return run.prNumber ?? run.followUpOf;
}

export function shortSha(sha: string): string {
  return sha.slice(0, 7);
}

export function isActive(run: RunView): boolean {
  return run.status === 'running' || run.status === 'review';
}

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function formatCost(usd: number): string {
  return usd < 0.01 && usd > 0 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}
