import type { Route } from '../router';
import { codeRoute } from './code-route';
import { healthRoute, docsRoute, openApiRoute } from './meta-routes';
import { runEventsRoute } from './run-events-route';
import { cancelRunRoute, getRunRoute, listRunsRoute } from './runs-routes';
import { ticketRoute } from './ticket-route';

/** Every route the server answers; a test checks the OpenAPI document describes exactly these. */
export const ROUTES: readonly Route[] = [
  codeRoute,
  listRunsRoute,
  getRunRoute,
  cancelRunRoute,
  runEventsRoute,
  ticketRoute,
  healthRoute,
  openApiRoute,
  docsRoute,
];
