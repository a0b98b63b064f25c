import type { RunListResponse } from '../../../protocol/http-api';
import { isTerminalEvent } from '../../../protocol/run-events';
import type { Route } from '../router';
import type { RouteContext } from '../server-runtime';
import { runNotFound } from './run-not-found';

async function listRuns(context: RouteContext): Promise<void> {
  const body: RunListResponse = { runs: await context.runtime.runs.list() };
  context.json(200, body);
}

async function getRun(context: RouteContext): Promise<void> {
  const runId = context.params.id ?? '';
  const summary = await context.runtime.runs.get(runId);
  if (summary) context.json(200, summary);
  else context.reject(runNotFound(runId));
}

/** Resolves true once the run's terminal event exists (it is emitted only after cleanup), false on timeout. */
async function waitForEnd(context: RouteContext, runId: string, afterSeq: number): Promise<boolean> {
  const { runs, settings } = context.runtime;
  const timeout = AbortSignal.timeout(settings.cancelWaitMs);
  for await (const event of runs.events(runId, afterSeq, timeout)) {
    if (isTerminalEvent(event)) return true;
  }
  return (await runs.get(runId))?.status !== 'running';
}

async function cancelRun(context: RouteContext): Promise<void> {
  const { runs } = context.runtime;
  const runId = context.params.id ?? '';
  const summary = await runs.get(runId);
  if (!summary) {
    context.reject(runNotFound(runId));
    return;
  }
  if (!(await runs.cancel(runId, 'Cancelled through the local server.'))) {
    context.reject({ status: 409, code: 'run_finished', message: `Run ${runId} has already ended (${summary.status}).` });
    return;
  }
  const ended = await waitForEnd(context, runId, Math.max(0, summary.eventCount - 1));
  context.json(ended ? 200 : 202, (await runs.get(runId)) ?? summary);
}

export const listRunsRoute: Route = { method: 'GET', path: '/runs', auth: 'token', body: 'none', handle: listRuns };
export const getRunRoute: Route = { method: 'GET', path: '/runs/{id}', auth: 'token', body: 'none', handle: getRun };
export const cancelRunRoute: Route = { method: 'DELETE', path: '/runs/{id}', auth: 'token', body: 'none', handle: cancelRun };
