// The list of recent runs (newest first); choosing one shows it.
import { button, h } from '../shared/dom';
import type { PanelActions } from './panel-actions';
import { pullRequestOf, type RunView } from './panel-model';
import { followUpActions, statusBadge } from './run-view';

function when(startedAt: string): string {
  const date = new Date(startedAt);
  return Number.isNaN(date.getTime()) ? '' : date.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' });
}

/** Repository and time; the PR goes first when there is no link to show it (a follow-up that failed). */
function meta(run: RunView): string {
  const pull = pullRequestOf(run);
  const unlinked = pull !== undefined && run.prUrl === undefined ? `${run.followUpOf !== undefined ? 'follow-up on ' : ''}#${pull}` : '';
  return [unlinked, run.repo, when(run.startedAt)].filter(Boolean).join(' · ');
}

/** The run's pull request, as a link (the host opens only http(s) URLs without credentials). */
function pullRequestLink(run: RunView, actions: PanelActions): HTMLElement | undefined {
  const number = pullRequestOf(run);
  const url = run.prUrl;
  if (number === undefined || url === undefined) return undefined;
  const label = run.followUpOf !== undefined ? `Follow-up on #${number}` : `Pull request #${number}`;
  return button(label, { icon: 'git-pull-request', variant: 'secondary', className: 'link history-pr-link', testId: 'history-pr-link', data: { url, requestId: run.requestId }, title: url, onClick: () => actions.openExternal(url) });
}

export function renderHistory(runs: readonly RunView[], selectedId: string | undefined, actions: PanelActions): HTMLElement {
  return h('nav', { className: 'history', testId: 'history', attrs: { 'aria-label': 'Recent runs' } }, [
    h('div', { className: 'history-head' }, [
      h('h2', {}, ['Runs']),
      runs.some((run) => run.status !== 'running' && run.status !== 'review')
        ? button('Clear finished runs', { icon: 'clear-all', variant: 'icon', testId: 'clear-history', title: 'Clear finished runs', onClick: () => actions.clearHistory() })
        : undefined,
    ]),
    h(
      'ol',
      {},
      runs.map((run) =>
        // Keyed by run, so a new run at the top does not shift every item (and the focused one) down a node.
        h('li', { data: { key: run.requestId } }, [
          h(
            'button',
            {
              className: `history-item${run.requestId === selectedId ? ' selected' : ''}`,
              testId: 'history-item',
              data: { requestId: run.requestId, state: run.status },
              attrs: { type: 'button', 'aria-current': run.requestId === selectedId ? 'true' : undefined },
              title: run.prompt,
              onClick: () => actions.select(run.requestId),
            },
            [statusBadge(run.status), h('span', { className: 'history-prompt' }, [run.prompt || '(starting…)']), h('span', { className: 'muted history-meta' }, [meta(run)])],
          ),
          pullRequestLink(run, actions),
          run.status !== 'running' && run.status !== 'review' && run.prompt
            ? h('div', { className: 'history-actions' }, [
                button(`Re-run: ${run.prompt.slice(0, 60)}`, { icon: 'debug-rerun', variant: 'icon', testId: 'history-rerun', data: { requestId: run.requestId }, title: 'Re-run', onClick: () => actions.rerun(run.requestId) }),
                button(`Edit and re-run: ${run.prompt.slice(0, 60)}`, { icon: 'edit', variant: 'icon', testId: 'history-edit-rerun', data: { requestId: run.requestId }, title: 'Edit & Re-run', onClick: () => actions.editRerun(run.requestId) }),
                followUpActions(run, actions, 'icon'),
              ])
            : undefined,
        ]),
      ),
    ),
  ]);
}
