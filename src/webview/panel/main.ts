// Entry of the run panel's page (bundled to dist/webview/panel.js). It renders only what the host sends,
// after validating it, and only as text.
import '../shared/zod-jitless';
import { ExternalUrlSchema, type HostToPanelMessage } from '../../protocol/webview-messages';
import { button, h } from '../shared/dom';
import { patchChildren } from '../shared/patch-dom';
import { connectToHost } from '../shared/vscode-api';
import { ActivityView } from './activity-view';
import { ComposeForm } from './compose-form';
import { renderHistory } from './history-view';
import type { PanelActions } from './panel-actions';
import { applyEvent, applySnapshot, createModel, selectedRun, setReviewPending, type PanelModel } from './panel-model';
import { renderRunSummary } from './run-view';
import { announcement } from './status-line';

interface SavedState {
  readonly selectedRunId?: string;
}

const host = connectToHost();
const root = document.getElementById('app') ?? document.body;
/** The one live region: a short line that changes when the run's step or state does, not on every event. */
const statusLine = document.getElementById('status');
const saved = host.getState() as SavedState | undefined;
let model: PanelModel = createModel();
if (typeof saved?.selectedRunId === 'string') model.selectedRunId = saved.selectedRunId;

const activity = new ActivityView();
const compose = new ComposeForm({ run: (prompt, repoUrl) => host.post({ type: 'run_prompt', prompt, ...(repoUrl ? { repoUrl } : {}) }) });
const historySlot = h('div', { className: 'history-slot' });
const summarySlot = h('div', { className: 'summary-slot' });
const emptyState = h('section', { className: 'empty', testId: 'empty-state' }, [
  h('h1', {}, ['Tiny Backspace']),
  h('p', {}, ['Turn a prompt into a pull request: the agent edits a fresh clone in a sandbox, you review the diff, then the pull request opens.']),
  h('div', { className: 'empty-actions' }, [
    button('Run Prompt on Current Repository', { icon: 'sparkle', variant: 'primary', testId: 'empty-new-run', onClick: () => actions.newRun() }),
    button('Write a Multi-line Prompt', { icon: 'note', testId: 'empty-compose', onClick: () => compose.open('', undefined) }),
  ]),
]);
const layout = h('div', { className: 'layout' }, [historySlot, h('div', { className: 'run', testId: 'run' }, [summarySlot, activity.element])]);

const actions: PanelActions = {
  newRun: () => host.post({ type: 'new_run' }),
  cancel: (requestId) => host.post({ type: 'cancel_run', requestId }),
  decide: (requestId, decision) => host.post({ type: 'review_decision', requestId, decision }),
  openDiff: (requestId, path) => host.post({ type: 'open_diff', requestId, ...(path !== undefined ? { path } : {}) }),
  openExternal: (url) => {
    if (ExternalUrlSchema.safeParse(url).success) host.post({ type: 'open_external', url });
  },
  openLogs: () => host.post({ type: 'open_logs' }),
  setApiKey: () => host.post({ type: 'set_api_key' }),
  select: (requestId) => {
    model.selectedRunId = requestId;
    host.setState({ selectedRunId: requestId } satisfies SavedState);
    scheduleRender();
  },
  clearHistory: () => host.post({ type: 'clear_history' }),
  rerun: (requestId) => host.post({ type: 'rerun', requestId }),
  editRerun: (requestId) => {
    const run = model.runs.find((candidate) => candidate.requestId === requestId);
    // A follow-up's edit continues its pull request: the host asks with the prompt filled in.
    if (run?.followUpOf !== undefined) host.post({ type: 'follow_up', requestId, action: 'edit_prompt' });
    else if (run) compose.open(run.prompt, run.repo || undefined);
  },
  followUp: (requestId, action) => host.post({ type: 'follow_up', requestId, action }),
};

/** The form first, then the empty state or the runs; swapping the second never moves (or blurs) the form. */
function showView(view: HTMLElement): void {
  if (root.firstChild !== compose.element) root.replaceChildren(compose.element);
  const current = compose.element.nextSibling;
  if (current === view) return;
  if (current) root.replaceChild(view, current);
  else root.appendChild(view);
  while (view.nextSibling) view.nextSibling.remove();
}

let renderQueued = false;
let received = false;

function render(): void {
  renderQueued = false;
  if (!received) return;
  const run = selectedRun(model);
  if (!run) {
    showView(emptyState);
    return;
  }
  // The shown run stays shown: a run started elsewhere (the local server) must not swap the view, and the
  // focused button with it, from under the user. A palette run selects itself through `select_run`.
  model.selectedRunId ??= run.requestId;
  showView(layout);
  // Patched, not replaced: the focused button (Cancel, Create Pull Request, a history item) stays the same node.
  patchChildren(historySlot, [renderHistory(model.runs, run.requestId, actions)]);
  patchChildren(summarySlot, [renderRunSummary(run, actions)]);
  activity.update(run);
  document.body.dataset.selectedRun = run.requestId;
  const line = announcement(run);
  if (statusLine && statusLine.textContent !== line) statusLine.textContent = line;
}

/** Streams can bring hundreds of events a second: draw at most once a frame. */
function scheduleRender(): void {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(render);
}

function onMessage(message: HostToPanelMessage): void {
  switch (message.type) {
    case 'snapshot':
      model = applySnapshot(model, message.runs, message.pendingReviews, message.selectedRunId);
      received = true;
      break;
    case 'event':
      // The event's own request_id is what counts; a mismatched envelope is a bug, not something to show.
      if (message.event.request_id !== message.requestId) return;
      applyEvent(model, message.event);
      break;
    case 'review_state':
      setReviewPending(model, message.requestId, message.pending);
      break;
    case 'select_run':
      model.selectedRunId = message.requestId;
      host.setState({ selectedRunId: message.requestId } satisfies SavedState);
      break;
    case 'compose':
      compose.open(message.prompt, message.repoUrl);
      break;
  }
  scheduleRender();
}

host.listen(onMessage, (problem) => console.warn(`Tiny Backspace panel ignored a message: ${problem}`));
