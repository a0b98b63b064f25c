import type { StreamTicketResponse } from '../../../protocol/http-api';
import type { Route } from '../router';
import type { RouteContext } from '../server-runtime';
import { runNotFound } from './run-not-found';

/** `POST /runs/{id}/tickets`: trades the token (in a header) for a URL-safe credential scoped to one run. */
async function mintTicket(context: RouteContext): Promise<void> {
  const runId = context.params.id ?? '';
  if (!(await context.runtime.runs.get(runId))) {
    context.reject(runNotFound(runId));
    return;
  }
  const { ticket, expiresAt } = context.runtime.tickets.mint(runId);
  const body: StreamTicketResponse = {
    ticket,
    runId,
    expiresAt: new Date(expiresAt).toISOString(),
    eventsPath: `/runs/${encodeURIComponent(runId)}/events?ticket=${encodeURIComponent(ticket)}`,
  };
  context.json(201, body);
}

export const ticketRoute: Route = { method: 'POST', path: '/runs/{id}/tickets', auth: 'token', body: 'none', handle: mintTicket };
