// The selected run: status, prompt, progress, cost, the review bar, the outcome and the step list.
// Small, so it is rebuilt on each change; the activity list below it is incremental (activity-view.ts).
import { h, icon, button, type Child } from '../shared/dom';
import type { PanelActions } from './panel-actions';
import { followablePullRequest, formatCost, formatDuration, isActive, shortSha, type RunStatus, type RunView, type StepState } from './panel-model';

const STATUS_TEXT: Readonly<Record<RunStatus, string>> = {
  running: 'Running',
  review: 'Waiting for your review',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted',
};

const STATUS_ICON: Readonly<Record<RunStatus, string>> = {
  running: 'loading codicon-modifier-spin',
  review: 'eye',
  completed: 'pass-filled',
  failed: 'error',
  cancelled: 'stop-circle',
  interrupted: 'debug-disconnect',
};

const STEP_ICON: Readonly<Record<StepState, string>> = {
  pending: 'circle-large-outline',
  running: 'loading codicon-modifier-spin',
  ok: 'pass',
  skipped: 'circle-slash',
  failed: 'error',
  cancelled: 'stop-circle',
};

/** Failures an API key (a model provider) would have avoided. */
const PROVIDER_ERROR_CODES: ReadonlySet<string> = new Set(['agent_unsupported_prompt', 'agent_failed', 'provider_error']);

export const STEP_LABELS: Readonly<Record<string, string>> = {
  validate: 'Validate',
  sandbox: 'Sandbox',
  clone: 'Clone',
  analyze: 'Analyze',
  agent: 'Agent',
  apply: 'Apply',
  validate_changes: 'Validate changes',
  pull_request: 'Pull request',
};

export function statusBadge(status: RunStatus, testId?: string): HTMLElement {
  return h('span', { className: `status ${status}`, ...(testId ? { testId } : {}), data: { state: status } }, [icon(STATUS_ICON[status]), ' ', STATUS_TEXT[status]]);
}

function header(run: RunView, actions: PanelActions): HTMLElement {
  return h('header', { className: 'run-header' }, [
    h('div', { className: 'run-title' }, [
      statusBadge(run.status, 'run-status'),
      h('h1', { testId: 'run-prompt' }, [run.prompt || '(no prompt)']),
      h('p', { className: 'muted', testId: 'run-repo' }, [run.repo, run.dryRun ? ' · dry run' : '', run.durationMs !== undefined ? ` · ${formatDuration(run.durationMs)}` : '']),
      run.followUpOf !== undefined
        ? h('p', { className: 'follow-up-of', testId: 'follow-up-of', data: { pullRequest: run.followUpOf } }, [icon('git-pull-request'), ` ${run.addressReview ? 'Addressing review comments on' : 'Follow-up on'} pull request #${run.followUpOf}`])
        : undefined,
    ]),
    h('div', { className: 'run-actions' }, [
      isActive(run) ? button('Cancel', { icon: 'stop-circle', testId: 'cancel-run', onClick: () => actions.cancel(run.requestId) }) : undefined,
      !isActive(run) && run.prompt ? button('Re-run', { icon: 'debug-rerun', testId: 'rerun', title: rerunTitle(run), onClick: () => actions.rerun(run.requestId) }) : undefined,
      !isActive(run) && run.prompt ? button('Edit & Re-run', { icon: 'edit', testId: 'edit-rerun', title: run.followUpOf !== undefined ? `Edit the prompt, then add another commit to pull request #${run.followUpOf}` : 'Edit the prompt, then run it again', onClick: () => actions.editRerun(run.requestId) }) : undefined,
      button('New Run', { icon: 'add', testId: 'new-run', onClick: () => actions.newRun() }),
    ]),
  ]);
}

function rerunTitle(run: RunView): string {
  return run.followUpOf !== undefined ? `Run the same prompt again on pull request #${run.followUpOf} (one more commit on its branch)` : 'Run the same prompt on the same repository again';
}

/** Follow Up and Address Review Comments, for a run that left a pull request open (new or continued). */
export function followUpActions(run: RunView, actions: PanelActions, variant: 'button' | 'icon'): HTMLElement | undefined {
  const number = followablePullRequest(run);
  if (number === undefined) return undefined;
  const followUp = `Follow Up on #${number}`;
  const review = `Address Review Comments on #${number}`;
  return h('div', { className: variant === 'icon' ? 'follow-up-actions compact' : 'follow-up-actions review-actions', testId: variant === 'icon' ? 'history-follow-up-actions' : 'follow-up-actions' }, [
    button(variant === 'icon' ? followUp : 'Follow Up', {
      icon: 'comment-discussion',
      variant: variant === 'icon' ? 'icon' : 'secondary',
      testId: variant === 'icon' ? 'history-follow-up' : 'follow-up',
      data: { requestId: run.requestId },
      title: `${followUp}: a new prompt, one more commit on its branch (no new pull request)`,
      onClick: () => actions.followUp(run.requestId, 'prompt'),
    }),
    button(variant === 'icon' ? review : 'Address Review Comments', {
      icon: 'comment-unresolved',
      variant: variant === 'icon' ? 'icon' : 'secondary',
      testId: variant === 'icon' ? 'history-address-review' : 'address-review',
      data: { requestId: run.requestId },
      title: `${review}: the unresolved review threads become the task; each thread gets a reply`,
      onClick: () => actions.followUp(run.requestId, 'address_review'),
    }),
  ]);
}

function progressRow(run: RunView): HTMLElement {
  return h('div', { className: 'progress-row' }, [
    h('progress', { testId: 'progress', attrs: { max: '100', value: String(run.progress), 'aria-label': 'Run progress' } }),
    h('span', { className: 'muted', testId: 'progress-text' }, [`${run.progress}%`]),
    h('span', { className: 'cost', testId: 'cost', title: 'Estimated AI cost so far' }, [icon('credit-card'), ' ', formatCost(run.costUsd)]),
  ]);
}

function reviewBar(run: RunView, actions: PanelActions): HTMLElement | undefined {
  if (!run.reviewPending) return undefined;
  const count = run.changedFiles.length;
  return h('section', { className: 'review', testId: 'review', attrs: { 'aria-label': 'Review' } }, [
    h('p', {}, [icon('eye'), ` Review ${count === 1 ? '1 changed file' : `${count} changed files`} before anything is pushed${run.followUpOf !== undefined ? ` (one new commit on pull request #${run.followUpOf})` : ''}.`]),
    h(
      'ul',
      { className: 'file-list' },
      run.changedFiles.map((file) =>
        h('li', { testId: 'review-file', data: { path: file.path, status: file.status } }, [
          button(file.path, { icon: file.status === 'added' ? 'diff-added' : file.status === 'deleted' ? 'diff-removed' : 'diff-modified', variant: 'secondary', className: 'link', title: 'Open the diff', onClick: () => actions.openDiff(run.requestId, file.path) }),
          h('span', { className: 'muted' }, [` +${file.additions} −${file.deletions}`]),
        ]),
      ),
    ),
    h('div', { className: 'review-actions' }, [
      // A follow-up opens no pull request: its Create pushes one commit to the existing one.
      run.followUpOf !== undefined
        ? button(`Push Commit to #${run.followUpOf}`, { icon: 'repo-push', variant: 'primary', testId: 'create-pr', onClick: () => actions.decide(run.requestId, 'create') })
        : button('Create Pull Request', { icon: 'git-pull-request-create', variant: 'primary', testId: 'create-pr', onClick: () => actions.decide(run.requestId, 'create') }),
      button('Discard', { icon: 'discard', testId: 'discard', onClick: () => actions.decide(run.requestId, 'discard') }),
      button('Open Diff', { icon: 'diff', testId: 'open-diff', onClick: () => actions.openDiff(run.requestId) }),
    ]),
  ]);
}

function outcome(run: RunView, actions: PanelActions): HTMLElement | undefined {
  switch (run.status) {
    case 'completed': {
      const children: Child[] = [];
      if (run.prUrl) {
        const url = run.prUrl;
        children.push(button(`Open Pull Request${run.prNumber ? ` #${run.prNumber}` : ''}`, { icon: 'git-pull-request', variant: 'primary', testId: 'pr-link', data: { url }, title: url, onClick: () => actions.openExternal(url) }));
      } else if (run.discarded) children.push(h('p', {}, ['Discarded: nothing was pushed.']));
      else if (run.branch) children.push(h('p', {}, ['Pushed branch ', h('code', {}, [run.branch])]));
      if (run.followUpOf !== undefined && run.commitSha && !run.discarded) {
        children.push(h('p', { testId: 'follow-up-commit', data: { commit: run.commitSha } }, [icon('git-commit'), ' Added commit ', h('code', { title: run.commitSha }, [shortSha(run.commitSha)]), ` to #${run.followUpOf}`, ...(run.branch ? [' on ', h('code', {}, [run.branch])] : [])]));
      }
      children.push(followUpActions(run, actions, 'button'));
      if (run.summary) children.push(h('p', { className: 'summary', testId: 'run-summary' }, [run.summary]));
      if (run.changedFiles.length > 0) {
        children.push(
          h('details', {}, [
            h('summary', {}, [`${run.changedFiles.length} changed file(s)`, run.agent ? ` · ${run.agent}` : '']),
            h('ul', { className: 'file-list' }, run.changedFiles.map((file) => h('li', { data: { status: file.status } }, [button(file.path, { variant: 'secondary', className: 'link', onClick: () => actions.openDiff(run.requestId, file.path) }), h('span', { className: 'muted' }, [` +${file.additions} −${file.deletions}`])]))),
          ]),
        );
      }
      return h('section', { className: 'outcome completed', testId: 'outcome', data: { state: 'completed' } }, children);
    }
    case 'failed':
      return h('section', { className: 'outcome failed', testId: 'outcome', data: { state: 'failed' } }, [
        h('p', { testId: 'run-error', data: { code: run.error?.code } }, [icon('error'), ' ', run.error?.message ?? 'The run failed.']),
        run.error?.remedy ? h('p', { testId: 'run-remedy' }, [run.error.remedy]) : undefined,
        h('div', { className: 'review-actions' }, [
          run.error && PROVIDER_ERROR_CODES.has(run.error.code) ? button('Set API Key', { icon: 'key', variant: 'primary', testId: 'set-api-key', onClick: () => actions.setApiKey() }) : undefined,
          button('Open Logs', { icon: 'output', testId: 'open-logs', onClick: () => actions.openLogs() }),
          run.prompt ? button('Edit & Re-run', { icon: 'edit', testId: 'outcome-edit-rerun', onClick: () => actions.editRerun(run.requestId) }) : undefined,
        ]),
      ]);
    case 'cancelled':
      return h('section', { className: 'outcome cancelled', testId: 'outcome', data: { state: 'cancelled' } }, [h('p', {}, [icon('stop-circle'), ' ', run.cancelReason ?? 'Cancelled.'])]);
    case 'interrupted':
      return h('section', { className: 'outcome interrupted', testId: 'outcome', data: { state: 'interrupted' } }, [
        h('p', {}, [icon('debug-disconnect'), ' This run stopped when the window reloaded. Its sandbox and temporary files were removed with it; nothing was pushed unless a step says so.']),
      ]);
    default:
      return undefined;
  }
}

function steps(run: RunView): HTMLElement {
  return h(
    'ol',
    { className: 'steps', testId: 'steps', attrs: { 'aria-label': 'Steps' } },
    run.steps.map((step) =>
      h('li', { className: `step ${step.state}`, testId: `step-${step.name}`, data: { state: step.state, step: step.name }, title: step.detail ?? '' }, [
        icon(STEP_ICON[step.state]),
        h('span', { className: 'step-name' }, [STEP_LABELS[step.name] ?? step.name]),
        h('span', { className: 'step-duration muted', testId: `step-${step.name}-duration` }, [formatDuration(step.durationMs)]),
      ]),
    ),
  );
}

export function renderRunSummary(run: RunView, actions: PanelActions): HTMLElement {
  return h('div', { className: 'run-summary', data: { requestId: run.requestId } }, [header(run, actions), progressRow(run), reviewBar(run, actions), outcome(run, actions), steps(run)]);
}
