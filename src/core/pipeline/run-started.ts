import type { RunEventDraft, RunEventOf } from '../../protocol/run-events';
import { requestPrompt, RunRequestSchema, type RunRequest } from '../../protocol/run-request';
import { EventStamper } from './run-context';

/** The `run_started` event of a request: what the run is about, before any step. */
export function runStartedDraft(request: RunRequest): RunEventDraft {
  const options = request.options ?? {};
  return {
    kind: 'run_started',
    type: 'info',
    message: `Starting run for ${request.repoUrl}`,
    repo: request.repoUrl,
    prompt: requestPrompt(request),
    ...(request.base ? { base: request.base } : {}),
    dry_run: options.dryRun ?? false,
    ...(request.pullRequest !== undefined ? { pull_request: request.pullRequest } : {}),
    ...(request.addressReview ? { address_review: true } : {}),
  };
}

/**
 * The first event of a run, stamped (seq 1) and scrubbed by the host that accepts the run, before the
 * pipeline is handed anywhere. A server answers with it at once, however busy the threads that execute
 * runs are; the pipeline then continues after it (`PipelineDeps.startedEvent`). Undefined for a request
 * the pipeline will refuse: it reports that itself, as its only event.
 */
export function announceRunStart(requestId: string, request: RunRequest, now: () => number = Date.now): RunEventOf<'run_started'> | undefined {
  const parsed = RunRequestSchema.safeParse(request);
  if (!parsed.success) return undefined;
  let started: RunEventOf<'run_started'> | undefined;
  const stamper = new EventStamper(requestId, (event) => {
    if (event.kind === 'run_started') started = event;
  }, now);
  stamper.emit(runStartedDraft(parsed.data));
  return started;
}
