import { CodeRequestSchema, IDEMPOTENCY_KEY_HEADER, IDEMPOTENT_REPLAY_HEADER, REQUEST_ID_HEADER } from '../../../protocol/http-api';
import { hasCode } from '../../errors/tiny-backspace-error';
import { looksLikeLocalPath } from '../../repo/resolve-local-repository';
import type { StartedServiceRun } from '../../runs/run-service';
import type { Route } from '../router';
import type { RouteContext } from '../server-runtime';
import { clientGone, streamRunEvents } from './stream-run-events';

function headerValue(context: RouteContext, name: string): string | undefined {
  const raw = context.req.headers[name];
  const value = Array.isArray(raw) ? raw[0] : raw;
  return value === undefined ? undefined : value.trim();
}

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
  const idempotencyKey = headerValue(context, IDEMPOTENCY_KEY_HEADER);
  if (idempotencyKey !== undefined && !/^[\x21-\x7e]{1,200}$/.test(idempotencyKey)) {
    context.reject({ status: 400, code: 'invalid_request', message: 'Idempotency-Key must be 1 to 200 visible ASCII characters.', remedy: 'Send a UUID, for example.' });
    return;
  }
  let started: StartedServiceRun;
  try {
    started = await runtime.runs.start(request, {
      deps: { ...hostDeps, allowLocalRepositories: false },
      ...(keepRunning ? {} : { signal: gone }),
      ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
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
  if (started.done) runtime.trackRun(started.requestId, started.done);
  // A replayed key streams the first run from its start: the same events the first POST saw.
  await streamRunEvents(context, started.requestId, 0, gone, {
    timeFirstEvent: 'server.first_event',
    headers: {
      [REQUEST_ID_HEADER]: started.requestId,
      location: `/runs/${started.requestId}`,
      ...(started.replayed ? { [IDEMPOTENT_REPLAY_HEADER]: 'true' } : {}),
    },
  });
}

export const codeRoute: Route = { method: 'POST', path: '/code', auth: 'token', body: 'json', handle: startRun };
