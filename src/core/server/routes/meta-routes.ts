import type { BasicHealthReport, HealthResponse } from '../../../protocol/http-api';
import type { HealthReport } from '../../../protocol/health-report';
import { hasToken } from '../authorize';
import { BASE_HEADERS } from '../http-responses';
import type { Route } from '../router';
import type { RouteContext } from '../server-runtime';

/**
 * Public on purpose (monitors have no token), so without the token it carries liveness and counts
 * only: never a repository, a user or a message. The full report reads the log directory, so it is
 * built at most once per `FULL_REPORT_TTL_MS` however many callers ask.
 */
async function health(context: RouteContext): Promise<void> {
  const { runtime } = context;
  const metrics = await runtime.runs.metrics();
  const basic: BasicHealthReport = {
    status: runtime.isStopping() ? 'stopping' : 'ok',
    server: {
      version: runtime.settings.version,
      startedAt: new Date(runtime.startedAt).toISOString(),
      uptimeSeconds: Math.max(0, Math.round((runtime.now() - runtime.startedAt) / 1000)),
      openStreams: runtime.openStreams.size,
    },
    runs: metrics,
  };
  if (!runtime.healthReport || !hasToken(context.req, runtime.token)) {
    context.json(200, basic);
    return;
  }
  const body: HealthResponse = { ...basic, report: (await runtime.cachedHealthReport()) as HealthReport };
  context.json(200, body);
}

async function openApi(context: RouteContext): Promise<void> {
  context.json(200, context.runtime.openApi);
}

async function docs(context: RouteContext): Promise<void> {
  const { html, csp } = context.runtime.docs;
  context.res.writeHead(200, {
    ...BASE_HEADERS,
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': csp,
    'x-frame-options': 'DENY',
    'content-length': String(Buffer.byteLength(html)),
  });
  context.res.end(html);
}

export const healthRoute: Route = { method: 'GET', path: '/health', auth: 'public', body: 'none', handle: health };
export const openApiRoute: Route = { method: 'GET', path: '/openapi.json', auth: 'token', body: 'none', handle: openApi };
export const docsRoute: Route = { method: 'GET', path: '/docs', auth: 'public', body: 'none', handle: docs };
