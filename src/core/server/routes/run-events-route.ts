import { LAST_EVENT_ID_HEADER } from '../../../protocol/http-api';
import { UNAUTHORIZED } from '../authorize';
import type { Route } from '../router';
import type { RouteContext } from '../server-runtime';
import { clientGone, streamRunEvents } from './stream-run-events';
import { runNotFound } from './run-not-found';

/** The header an EventSource sends on reconnect, or the query a fresh EventSource can carry. */
function lastEventId(context: RouteContext): string | undefined {
  const header = context.req.headers[LAST_EVENT_ID_HEADER];
  const value = Array.isArray(header) ? header[0] : header;
  return value?.trim() || context.url.searchParams.get('lastEventId')?.trim() || undefined;
}

/** `GET /runs/{id}/events`: exact replay after Last-Event-ID, then live, for fetch clients and EventSource. */
async function streamEvents(context: RouteContext): Promise<void> {
  const { runtime } = context;
  const runId = context.params.id ?? '';
  const summary = await runtime.runs.get(runId);
  if (!summary) {
    context.reject(runNotFound(runId));
    return;
  }
  if (context.renewedTicket && summary.status !== 'running') {
    // Past its lifetime a ticket only re-opens the stream of a run that is still going.
    context.reject(UNAUTHORIZED);
    return;
  }
  const raw = lastEventId(context);
  if (raw !== undefined && !/^\d{1,9}$/.test(raw)) {
    context.reject({ status: 400, code: 'invalid_last_event_id', message: 'Last-Event-ID must be the seq of an event (a whole number).' });
    return;
  }
  const afterSeq = raw === undefined ? 0 : Number(raw);
  if (summary.status !== 'running' && afterSeq >= summary.eventCount) {
    // Nothing left to send: 204 is what tells an EventSource to stop reconnecting.
    context.res.writeHead(204, { ...context.cors, 'cache-control': 'no-store' });
    context.res.end();
    return;
  }
  await streamRunEvents(context, runId, afterSeq, clientGone(context, 'The event stream client disconnected.'), {
    retryMs: runtime.settings.sseRetryMs,
  });
}

export const runEventsRoute: Route = { method: 'GET', path: '/runs/{id}/events', auth: 'token-or-ticket', body: 'none', handle: streamEvents };
