import { CodeRequestSchema, REQUEST_ID_HEADER } from '../../../protocol/http-api';
import { hasCode } from '../../errors/tiny-backspace-error';
import { looksLikeLocalPath } from '../../repo/resolve-local-repository';
import type { StartedRun } from '../../runs/run-registry';
import type { Route } from '../router';
import type { RouteContext } from '../server-runtime';
import { clientGone, streamRunEvents } from './stream-run-events';

export const DISCONNECT_REASON = 'The client that started the run disconnected.';

/** `POST /code`: every check happens before the registry sees the request; then the run streams at once. */
async function startRun(context: RouteContext): Promise<void> {
  const { runtime } = context;
  const parsed = CodeRequestSchema.safeParse(context.body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    context.reject({
      status: 400,
      code: 'invalid_request',
      message: `Invalid request: ${issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'malformed'}.`,
      remedy: 'Send {"repoUrl": "https://github.com/OWNER/REPO", "prompt": "…"}; see GET /docs.',
    });
    return;
  }
  const request = parsed.data;
  // A network-facing host never works on paths of this machine; the pipeline would refuse too, later.
  if (looksLikeLocalPath(request.repoUrl)) {
    context.reject({
      status: 400,
      code: 'invalid_repository_url',
      message: 'The local server only accepts GitHub repository URLs, not local paths.',
      remedy: 'Pass https://github.com/OWNER/REPO (or your GitHub Enterprise URL); use the CLI for a local repository.',
    });
    return;
  }
  // Per run: the host picks the token for this repository's host, and its review gate.
  const hostDeps = (await runtime.runDeps?.(request)) ?? {};
  const gone = clientGone(context, DISCONNECT_REASON);
  if (context.res.destroyed) return;
  const keepRunning = request.options?.keepRunningOnDisconnect === true;
  let started: StartedRun;
  try {
    started = runtime.registry.start(request, {
      deps: { ...hostDeps, allowLocalRepositories: false },
      ...(keepRunning ? {} : { signal: gone }),
    });
  } catch (error) {
    if (!hasCode(error, 'concurrency_limit')) throw error;
    context.reject({
      status: 429,
      code: 'concurrency_limit',
      message: error instanceof Error ? error.message : 'Too many runs are in progress.',
      remedy: 'Wait for a run to finish or cancel one (DELETE /runs/{id}), then try again.',
      headers: { 'retry-after': String(runtime.settings.retryAfterSeconds) },
    });
    return;
  }
  runtime.trackRun(started.requestId, started.done);
  await streamRunEvents(context, started.requestId, 0, gone, {
    headers: { [REQUEST_ID_HEADER]: started.requestId, location: `/runs/${started.requestId}` },
  });
}

export const codeRoute: Route = { method: 'POST', path: '/code', auth: 'token', body: 'json', handle: startRun };
