import type { PipelineDeps } from './pipeline-deps';
import type { RunState } from './run-state';

/**
 * Disposes the run's sandbox now (idempotent). The run's clean-up calls it, and so does the pull_request
 * step before it waits for a human review: nothing the review or the push needs lives in the sandbox.
 */
export async function disposeSandbox(state: RunState, logger: PipelineDeps['logger']): Promise<void> {
  const sandbox = state.sandbox;
  state.sandbox = undefined;
  if (sandbox) {
    await sandbox.dispose().catch((error: unknown) => logger.error('sandbox dispose failed', error));
  }
}
