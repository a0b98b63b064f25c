import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type { RunEvent, StepName } from '../../protocol/run-events';
import { requestPrompt, RunRequestSchema, type RunRequest } from '../../protocol/run-request';
import { runStartedDraft } from './run-started';
import { abortReason, isAbortLike } from '../errors/cancelled-error';
import { toErrorPayload } from '../errors/to-error-payload';
import { TinyBackspaceError } from '../errors/tiny-backspace-error';
import { runWithRequestId } from '../logging/request-context';
import { startRunSpan, withStepSpan } from '../observability/run-spans';
import { describeTarget } from '../repo/repository-target';
import { EventChannel } from './event-channel';
import type { PipelineDeps } from './pipeline-deps';
import { EventStamper, STEP_PROGRESS, type RunContext } from './run-context';
import type { RunState } from './run-state';
import { agentStep } from './steps/agent-step';
import { analyzeStep } from './steps/analyze-step';
import { applyStep } from './steps/apply-step';
import { cloneStep } from './steps/clone-step';
import { pullRequestStep } from './steps/pull-request-step';
import { sandboxStep } from './steps/sandbox-step';
import { disposeSandbox } from './dispose-sandbox';
import { validateChangesStep } from './steps/validate-changes-step';
import { validateStep } from './steps/validate-step';

type Step = (context: RunContext, state: RunState) => Promise<void>;

const STEPS: ReadonlyArray<readonly [StepName, Step]> = [
  ['validate', validateStep],
  ['sandbox', sandboxStep],
  ['clone', cloneStep],
  ['analyze', analyzeStep],
  ['agent', agentStep],
  ['apply', applyStep],
  ['validate_changes', validateChangesStep],
  ['pull_request', pullRequestStep],
];

export interface PipelineHandle extends AsyncIterable<RunEvent> {
  readonly requestId: string;
}

/**
 * Runs one prompt end to end. The returned stream ends with exactly one terminal event (`completed`,
 * `failed` or `cancelled`), emitted only after the run's sandbox and temporary files are gone.
 */
export function runPipeline(rawRequest: RunRequest, deps: PipelineDeps, signal: AbortSignal): PipelineHandle {
  const requestId = deps.createRequestId?.() ?? randomUUID();
  const channel = new EventChannel<RunEvent>();
  const now = deps.now ?? Date.now;
  const span = startRunSpan(requestId);
  const sink = (event: RunEvent) => {
    span.observe(event);
    channel.push(event);
  };
  const events = new EventStamper(requestId, sink, now);
  if (deps.startedEvent) span.observe(deps.startedEvent);
  void runWithRequestId(requestId, () => span.within(() => execute(rawRequest, deps, signal, events, now))).finally(() => channel.close());
  return {
    requestId,
    [Symbol.asyncIterator]: () => channel[Symbol.asyncIterator](),
  };
}

async function execute(rawRequest: RunRequest, deps: PipelineDeps, signal: AbortSignal, events: EventStamper, now: () => number): Promise<void> {
  const startedAt = now();
  const state: RunState = { secrets: {} };
  const logger = deps.logger;
  let release: (() => void) | undefined;
  try {
    const parsed = RunRequestSchema.safeParse(rawRequest);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new TinyBackspaceError('invalid_request', `Invalid request: ${issue ? `${issue.path.join('.') || 'request'}: ${issue.message}` : 'malformed'}.`, {
        remedy: 'Give a repository URL (or local path) and a non-empty prompt (or pullRequest with addressReview: true).',
      });
    }
    const request = { ...parsed.data, prompt: requestPrompt(parsed.data) };
    const options = request.options ?? {};
    const context: RunContext = { requestId: events.requestId, request, options, deps, signal, events, now, emit: (draft) => events.emit(draft) };
    logger.info('run started', { repo: request.repoUrl, dry_run: options.dryRun ?? false, ...(request.pullRequest !== undefined ? { pull_request: request.pullRequest } : {}) });
    if (deps.startedEvent) {
      events.continueAfter(deps.startedEvent);
    } else {
      context.emit(runStartedDraft(request));
    }
    release = deps.admission?.tryAcquire();
    if (deps.admission && !release) {
      context.emit({ kind: 'thinking', type: 'info', topic: 'plan', message: 'Queued: other runs are using every execution slot; this one starts when a slot frees up.' });
      release = await deps.admission.acquire(signal);
    }
    release = once(release);
    state.releaseSlot = release;
    for (const [name, step] of STEPS) {
      await runStep(context, state, name, step);
    }
    await cleanUp(state, logger);
    release?.();
    const duration = now() - startedAt;
    logger.performance('run', duration, { outcome: 'completed' });
    events.emit({
      kind: 'completed',
      type: 'success',
      progress: 100,
      message: completionMessage(state, options.dryRun ?? false),
      ...(state.pullRequest ? { pr_url: state.pullRequest.url, pr_number: state.pullRequest.number } : {}),
      ...(state.branch && !state.discarded ? { branch: state.branch } : {}),
      ...(state.commitSha && state.pullRequest && !state.discarded ? { commit_sha: state.commitSha } : {}),
      changed_files: state.changedFiles ?? [],
      ...(state.patch !== undefined ? { patch: state.patch } : {}),
      agent: state.agentResult?.agent ?? 'none',
      summary: state.agentResult?.summary ?? '',
      duration_ms: duration,
      dry_run: options.dryRun ?? false,
      ...(state.discarded ? { discarded: true } : {}),
    });
  } catch (error) {
    await cleanUp(state, logger);
    release?.();
    const duration = now() - startedAt;
    if (isAbortLike(error, signal)) {
      const reason = signal.aborted ? abortReason(signal) : 'The run was cancelled.';
      logger.info('run cancelled', { reason });
      logger.performance('run', duration, { outcome: 'cancelled' });
      events.emit({ kind: 'cancelled', type: 'error', message: `Cancelled: ${reason}`, reason, duration_ms: duration });
    } else {
      const payload = toErrorPayload(error, events.secrets);
      logger.error('run failed', error, { code: payload.code });
      logger.performance('run', duration, { outcome: 'failed', code: payload.code });
      events.emit({
        kind: 'failed',
        type: 'error',
        message: payload.remedy ? `${payload.message} ${payload.remedy}` : payload.message,
        error: payload,
        // Issue 15: a follow-up refused because the PR head moved keeps its change here.
        ...(payload.code === 'pull_request_head_moved' && state.patch ? { patch: state.patch } : {}),
        duration_ms: duration,
      });
    }
  }
}

async function runStep(context: RunContext, state: RunState, name: StepName, step: Step): Promise<void> {
  if (context.signal.aborted) throw new TinyBackspaceError('cancelled', abortReason(context.signal));
  const started = context.now();
  context.emit({ kind: 'step_started', type: 'info', step: name, message: `Step ${name} started`, progress: STEP_PROGRESS[name] });
  try {
    await withStepSpan(name, context.signal, () => step(context, state));
  } catch (error) {
    const duration = context.now() - started;
    const outcome = isAbortLike(error, context.signal) ? 'cancelled' : 'failed';
    context.deps.logger.performance(`step.${name}`, duration, { outcome });
    context.emit({
      kind: 'step_finished',
      type: outcome === 'cancelled' ? 'warning' : 'error',
      step: name,
      message: `Step ${name} ${outcome} after ${duration} ms`,
      duration_ms: duration,
      outcome,
    });
    throw error;
  }
  const duration = context.now() - started;
  context.deps.logger.performance(`step.${name}`, duration, { outcome: 'ok' });
  context.emit({ kind: 'step_finished', type: 'success', step: name, message: `Step ${name} finished in ${duration} ms`, duration_ms: duration, outcome: 'ok' });
}

function once(release: (() => void) | undefined): (() => void) | undefined {
  if (!release) return undefined;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    release();
  };
}

async function cleanUp(state: RunState, logger: PipelineDeps['logger']): Promise<void> {
  // Baseline checks still running (the run failed or was cancelled first) stop before their sandbox goes.
  const stopBaseline = state.stopBaseline;
  state.stopBaseline = undefined;
  await stopBaseline?.();
  await disposeSandbox(state, logger);
  const runDir = state.runDir;
  state.runDir = undefined;
  if (runDir) {
    await rm(runDir, { recursive: true, force: true, maxRetries: 3 }).catch((error: unknown) => logger.error('temp dir removal failed', error, { runDir }));
  }
}

function completionMessage(state: RunState, dryRun: boolean): string {
  const files = state.changedFiles?.length ?? 0;
  if (state.discarded) return `Discarded the change to ${files} file(s); nothing was pushed.`;
  if (state.followUp && state.pullRequest && state.commitSha) return `Added ${state.commitSha.slice(0, 12)} to pull request #${state.pullRequest.number} (${state.followUp.headRef}): ${state.pullRequest.url}`;
  if (state.pullRequest) return `Pull request ready: ${state.pullRequest.url}`;
  if (dryRun) return `Dry run finished: ${files} file(s) would change; nothing was pushed.`;
  if (state.branch && state.target) return `Created branch ${state.branch} in ${describeTarget(state.target)} (${files} file(s) changed).`;
  return 'Run finished.';
}
