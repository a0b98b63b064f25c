import type { RunEvent } from '../../protocol/run-events';
import { requestPrompt, type RunRequest } from '../../protocol/run-request';
import type { RunSummary } from './run-registry';

/** Folds a run's events into the status a list or `GET /runs/{id}` shows. */
export function summarizeRun(requestId: string, request: RunRequest, startedAt: number, events: readonly RunEvent[]): RunSummary {
  let summary: RunSummary = {
    requestId,
    repo: request.repoUrl,
    prompt: requestPrompt(request),
    status: 'running',
    startedAt: new Date(startedAt).toISOString(),
    progress: 0,
    eventCount: events.length,
  };
  for (const event of events) {
    summary = { ...summary, progress: event.progress };
    switch (event.kind) {
      case 'step_started':
        summary = { ...summary, currentStep: event.step };
        break;
      case 'completed':
        summary = {
          ...summary,
          status: 'completed',
          finishedAt: event.timestamp,
          durationMs: event.duration_ms,
          agent: event.agent,
          ...(event.pr_url ? { prUrl: event.pr_url } : {}),
          ...(event.branch ? { branch: event.branch } : {}),
        };
        break;
      case 'failed':
        summary = { ...summary, status: 'failed', finishedAt: event.timestamp, durationMs: event.duration_ms, error: event.error };
        break;
      case 'cancelled':
        summary = { ...summary, status: 'cancelled', finishedAt: event.timestamp, durationMs: event.duration_ms };
        break;
      default:
        break;
    }
  }
  return summary;
}
