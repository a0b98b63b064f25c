// Entry of the health view's page (bundled to dist/webview/health.js). It renders only what the host
// sends, after validating it, and only as text.
import '../shared/zod-jitless';
import { patchChildren } from '../shared/patch-dom';
import { connectHealthChannel } from './health-channel';
import { renderHealthView, type HealthViewActions, type HealthViewState } from './render-health';

const channel = connectHealthChannel();
const root = document.getElementById('app') ?? document.body;
const statusLine = document.getElementById('status');
const state: HealthViewState = {};

const actions: HealthViewActions = {
  refresh: () => channel.post({ type: 'refresh' }),
  openTrace: (requestId) => channel.post({ type: 'openTrace', request_id: requestId }),
};

let queued = false;
function render(): void {
  if (queued) return;
  queued = true;
  requestAnimationFrame(() => {
    queued = false;
    // Patched by key, not replaced: the live figures arrive every 500 ms while a run is active, and a
    // replaced root would take keyboard focus (Refresh, a trace link) and a reader's place with it.
    patchChildren(root, renderHealthView(state, actions));
    const line = state.problem ?? (state.report ? `Health score ${state.report.score.value} of 100, ${state.report.score.status.replace('_', ' ')}` : 'Loading health report');
    if (statusLine && statusLine.textContent !== line) statusLine.textContent = line;
  });
}

channel.listen(
  (message) => {
    switch (message.type) {
      case 'report':
        state.report = message.report;
        state.problem = undefined;
        break;
      case 'live':
        state.live = { metrics: message.metrics, runs: message.runs };
        break;
      case 'error':
        state.problem = message.message;
        break;
    }
    render();
  },
  (problem) => {
    state.problem = `Ignored a message from the extension: ${problem}`;
    render();
  },
);
render();
