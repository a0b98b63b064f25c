import type { IncomingMessage } from 'node:http';
import { bearerCredential, secretsMatch } from './bearer-token';
import type { HttpRejection } from './http-rejection';
import type { Route } from './router';
import type { StreamTickets } from './stream-tickets';

const UNAUTHORIZED: HttpRejection = {
  status: 401,
  code: 'unauthorized',
  message: 'A valid bearer token is required.',
  remedy: 'Send "Authorization: Bearer <token>" with the server token (Copy Token in VS Code, or the token file `tiny-backspace serve` printed).',
  headers: { 'www-authenticate': 'Bearer realm="tiny-backspace"' },
};

/** Token in the header for every protected route; a run-scoped ticket in the query only where the route allows it. */
export function authorize(
  route: Route,
  req: IncomingMessage,
  url: URL,
  params: Readonly<Record<string, string>>,
  token: string,
  tickets: StreamTickets,
): HttpRejection | undefined {
  if (route.auth === 'public') return undefined;
  const credential = bearerCredential(req.headers.authorization);
  if (credential !== undefined && secretsMatch(credential, token)) return undefined;
  if (route.auth === 'token-or-ticket') {
    const ticket = url.searchParams.get('ticket');
    if (ticket && params.id !== undefined && tickets.allows(ticket, params.id)) return undefined;
  }
  return UNAUTHORIZED;
}
