import type { StepName } from '../../protocol/run-events';
import type { CheckContext } from '../pipeline/pipeline-deps';
import { NO_ISOLATION_REMEDY, noIsolationNotice } from '../sandbox/isolation-policy';

/**
 * True (and said in the stream) when the sandbox has no isolation: then no check or install runs, since
 * repository code would run as the user, able to read the host's files and its parent's environment.
 */
export function skipChecksWithoutIsolation(context: CheckContext, step: StepName): boolean {
  const { isolation } = context.sandbox;
  if (isolation.level !== 'none') return false;
  context.emit({ kind: 'step_progress', type: 'warning', step, message: `${noIsolationNotice(isolation)} ${NO_ISOLATION_REMEDY}` });
  return true;
}
