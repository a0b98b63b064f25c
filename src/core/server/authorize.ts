import type { IncomingMessage } from 'node:http';
import { bearerCredential, secretsMatch } from './bearer-token';
import type { HttpRejection } from './http-rejection';
import type { Route } from './router';
import type { StreamTickets } from './stream-tickets';

export const UNAUTHORIZED: HttpRejection = {
  status: 401,
  code: 'unauthorized',
  message: 'A valid bearer token is required.',
  remedy: 'Send "Authorization: Bearer <token>" with the server token (Copy Token in VS Code, or the token file `tiny-backspace serve` printed).',
  headers: { 'www-authenticate': 'Bearer realm="tiny-backspace"' },
};

export type Authorization =
  | { readonly kind: 'public' | 'token' | 'ticket' | 'renewed-ticket' }
  | { readonly kind: 'denied'; readonly rejection: HttpRejection };

/** True when the request carries the server token (public routes use it to answer more). */
export function hasToken(req: IncomingMessage, token: string): boolean {
  const credential = bearerCredential(req.headers.authorization);
  return credential !== undefined && secretsMatch(credential, token);
}

/** Token in the header for every protected route; a run-scoped ticket in the query only where the route allows it. */
export function authorize(
  route: Route,
  req: IncomingMessage,
  url: URL,
  params: Readonly<Record<string, string>>,
  token: string,
  tickets: StreamTickets,
): Authorization {
  if (route.auth === 'public') return { kind: 'public' };
  if (hasToken(req, token)) return { kind: 'token' };
  if (route.auth === 'token-or-ticket') {
    const ticket = url.searchParams.get('ticket');
    if (ticket && params.id !== undefined) {
      const check = tickets.check(ticket, params.id);
      if (check === 'valid') return { kind: 'ticket' };
      if (check === 'renewable') return { kind: 'renewed-ticket' };
    }
  }
  return { kind: 'denied', rejection: UNAUTHORIZED };
}
