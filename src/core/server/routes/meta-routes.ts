import type { BasicHealthReport } from '../../../protocol/http-api';
import { BASE_HEADERS } from '../http-responses';
import type { Route } from '../router';
import type { RouteContext } from '../server-runtime';

/** Public on purpose (monitors have no token), so it carries counts only, never run contents. */
async function health(context: RouteContext): Promise<void> {
  const { runtime } = context;
  if (runtime.healthReport) {
    context.json(200, await runtime.healthReport());
    return;
  }
  const report: BasicHealthReport = {
    status: runtime.isStopping() ? 'stopping' : 'ok',
    server: {
      version: runtime.settings.version,
      startedAt: new Date(runtime.startedAt).toISOString(),
      uptimeSeconds: Math.max(0, Math.round((runtime.now() - runtime.startedAt) / 1000)),
      openStreams: runtime.openStreams.size,
    },
    runs: runtime.registry.metrics(),
  };
  context.json(200, report);
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
