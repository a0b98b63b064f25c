// What the panel's one live region (role="status") says about the selected run. It changes only when the
// run's state or current step changes, so a screen reader hears "Running: Clone", not every event.
import type { RunView } from './panel-model';
import { STEP_LABELS } from './run-view';

export function announcement(run: RunView): string {
  switch (run.status) {
    case 'running': {
      const current = run.steps.find((step) => step.state === 'running');
      return current ? `Running: ${STEP_LABELS[current.name] ?? current.name}` : 'Running';
    }
    case 'review':
      return `Waiting for your review: ${run.changedFiles.length === 1 ? '1 changed file' : `${run.changedFiles.length} changed files`}`;
    case 'completed':
      if (run.prUrl) return `Completed: pull request${run.prNumber ? ` #${run.prNumber}` : ''} opened`;
      return run.discarded ? 'Completed: discarded, nothing was pushed' : 'Completed';
    case 'failed':
      return `Failed: ${run.error?.message ?? 'the run failed'}`;
    case 'cancelled':
      return 'Cancelled';
    case 'interrupted':
      return 'Interrupted by a window reload';
  }
}
