import type { RunEvent } from '../../protocol/run-events';
import { requestPrompt, type RunRequest } from '../../protocol/run-request';
import type { RunSummary } from './run-registry';

/** The summary of a run that has produced no event yet. */
export function initialSummary(requestId: string, request: Pick<RunRequest, 'repoUrl' | 'prompt'>, startedAt: number): RunSummary {
  return {
    requestId,
    repo: request.repoUrl,
    prompt: requestPrompt(request),
    status: 'running',
    startedAt: new Date(startedAt).toISOString(),
    progress: 0,
    eventCount: 0,
  };
}

/**
 * Folds one event into a run's summary. Stores keep the summary as they append, so listing runs costs
 * O(runs), not O(events).
 */
export function foldSummary(summary: RunSummary, event: RunEvent): RunSummary {
  const next: RunSummary = { ...summary, progress: event.progress, eventCount: Math.max(summary.eventCount, event.seq) };
  switch (event.kind) {
    case 'step_started':
      return { ...next, currentStep: event.step };
    case 'completed':
      return {
        ...next,
        status: 'completed',
        finishedAt: event.timestamp,
        durationMs: event.duration_ms,
        agent: event.agent,
        ...(event.pr_url ? { prUrl: event.pr_url } : {}),
        ...(event.branch ? { branch: event.branch } : {}),
      };
    case 'failed':
      return { ...next, status: 'failed', finishedAt: event.timestamp, durationMs: event.duration_ms, error: event.error };
    case 'cancelled':
      return { ...next, status: 'cancelled', finishedAt: event.timestamp, durationMs: event.duration_ms };
    default:
      return next;
  }
}

/** Folds a run's events into the status a list or `GET /runs/{id}` shows. */
export function summarizeRun(requestId: string, request: RunRequest, startedAt: number, events: readonly RunEvent[]): RunSummary {
  return events.reduce(foldSummary, initialSummary(requestId, request, startedAt));
}
