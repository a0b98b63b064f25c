import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HTTP_API_VERSION } from '../../protocol/http-api';
import type { TerminalEvent } from '../../protocol/run-events';
import { nullLogger, type Logger } from '../logging/logger';
import type { RunRequest } from '../../protocol/run-request';
import type { PipelineDeps } from '../pipeline/pipeline-deps';
import type { RunRegistry } from '../runs/run-registry';
import { registerKnownSecret } from '../security/known-secrets';
import { registryRunService } from '../runs/registry-run-service';
import type { RunService } from '../runs/run-service';
import { assertUsableToken } from './bearer-token';
import { renderDocsPage } from './docs-page';
import { authorize } from './authorize';
import type { HttpRejection } from './http-rejection';
import { BASE_HEADERS, sendJson, sendRejection } from './http-responses';
import { checkJsonContentType, discardBody, hasBody, readJsonBody } from './json-body';
import { buildOpenApiDocument } from './openapi-document';
import { normalizeAllowedOrigin, RequestGuard } from './request-guard';
import { RateLimiter } from './rate-limiter';
import { Router } from './router';
import { ROUTES } from './routes/route-table';
import type { RouteContext, ServerRuntime, ServerSettings } from './server-runtime';
import type { SseStream } from './sse-stream';
import { StreamTickets } from './stream-tickets';

export interface LocalServerOptions {
  /** Where runs live and execute: a store-backed service (serve), or an in-process registry (VS Code). */
  readonly runs?: RunService;
  /** The VS Code host's registry, shared with its panel; used when `runs` is not given. */
  readonly registry?: RunRegistry;
  /** The bearer token every non-public route requires (at least 32 characters). */
  readonly token: string;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** Extra browser origins allowed to call the server, e.g. `http://localhost:5173`. */
  readonly allowedOrigins?: readonly string[];
  readonly heartbeatMs?: number;
  readonly maxBodyBytes?: number;
  readonly ticketTtlMs?: number;
  readonly retryAfterSeconds?: number;
  /** Requests a minute each client (remote address) may make to authenticated routes; 0 turns it off. Default 600. */
  readonly rateLimitPerMinute?: number;
  readonly cancelWaitMs?: number;
  /** How long `stop()` waits for cancelled runs to clean up before closing connections anyway. */
  readonly stopTimeoutMs?: number;
  /** The observability report for `GET /health`; a basic one is served without it. */
  readonly healthReport?: () => Promise<unknown>;
  /** Per-run additions to the registry's deps (e.g. the extension's current settings and secrets). */
  readonly runDeps?: (request: RunRequest) => Partial<PipelineDeps> | Promise<Partial<PipelineDeps>>;
  readonly logger?: Logger;
  readonly version?: string;
  readonly now?: () => number;
}

export interface LocalServer {
  readonly port: number;
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly stopped: boolean;
  /** Stops listening, cancels the runs this server started, ends open streams and frees the port. */
  stop(reason?: string): Promise<void>;
}

export const DEFAULT_HEARTBEAT_MS = 15_000;
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;
export const DEFAULT_RATE_LIMIT_PER_MINUTE = 600;
const LISTEN_HOST = '127.0.0.1';

const SERVER_STOPPING: HttpRejection = {
  status: 503,
  code: 'server_stopping',
  message: 'The local server is shutting down.',
  remedy: 'Start it again (Tiny Backspace: Start Local Server, or tiny-backspace serve).',
  headers: { connection: 'close' },
};

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host: LISTEN_HOST, exclusive: true }, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** The full health report reads every log file; a monitor polling every second must not cost that. */
const FULL_REPORT_TTL_MS = 5_000;

function cacheFor<T>(ttlMs: number, now: () => number, build: () => Promise<T>): () => Promise<T> {
  let cached: { value: Promise<T>; at: number } | undefined;
  return () => {
    if (!cached || now() - cached.at >= ttlMs) {
      const value = build();
      cached = { value, at: now() };
      // A failed build is not cached: the next caller tries again.
      value.catch(() => {
        if (cached?.value === value) cached = undefined;
      });
    }
    return cached.value;
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** Starts the local SSE server on 127.0.0.1. Resolves once it is listening. */
export async function startLocalServer(options: LocalServerOptions): Promise<LocalServer> {
  assertUsableToken(options.token);
  registerKnownSecret(options.token); // scrubbed from every log line, event and tool output from now on
  const runs = options.runs ?? (options.registry ? registryRunService(options.registry) : undefined);
  if (!runs) throw new TypeError('startLocalServer needs `runs` or `registry`.');
  const now = options.now ?? Date.now;
  const logger = options.logger ?? nullLogger;
  const secrets = [options.token];
  const settings: ServerSettings = {
    heartbeatMs: options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    retryAfterSeconds: options.retryAfterSeconds ?? 5,
    cancelWaitMs: options.cancelWaitMs ?? 5_000,
    sseRetryMs: 1_000,
    version: options.version ?? HTTP_API_VERSION,
  };
  const router = new Router(ROUTES);
  const ownRuns = new Map<string, Promise<TerminalEvent>>();
  const openStreams = new Set<SseStream>();
  let stopping = false;
  // Validated before binding, so a bad setting fails the start rather than the first request.
  const allowedOrigins = (options.allowedOrigins ?? []).map(normalizeAllowedOrigin);

  const rateLimitPerMinute = options.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT_PER_MINUTE;
  const limiter = rateLimitPerMinute > 0 ? new RateLimiter(rateLimitPerMinute, undefined, now) : undefined;
  const httpServer = createServer({ noDelay: true, keepAliveTimeout: 5_000 });
  const port = await listen(httpServer, options.port ?? 0);
  const guard = new RequestGuard(port, allowedOrigins);
  const openApi = buildOpenApiDocument({ port, maxBodyBytes: settings.maxBodyBytes, heartbeatMs: settings.heartbeatMs });
  const runtime: ServerRuntime = {
    settings,
    runs,
    token: options.token,
    tickets: new StreamTickets(options.token, options.ticketTtlMs ?? 5 * 60_000, now),
    logger,
    startedAt: now(),
    now,
    openStreams,
    openApi,
    docs: renderDocsPage(openApi),
    ...(options.healthReport ? { healthReport: options.healthReport } : {}),
    cachedHealthReport: cacheFor(FULL_REPORT_TTL_MS, now, options.healthReport ?? (async () => ({}))),
    ...(options.runDeps ? { runDeps: options.runDeps } : {}),
    isStopping: () => stopping,
    trackRun(requestId, done) {
      ownRuns.set(requestId, done);
      done.catch(() => undefined).finally(() => ownRuns.delete(requestId));
    },
  };

  async function dispatch(req: IncomingMessage, res: ServerResponse, receivedAt: number): Promise<void> {
    const reject = (rejection: HttpRejection, headers: Readonly<Record<string, string>> = {}) => sendRejection(res, rejection, secrets, headers);
    const refusal = guard.checkHost(req.headers) ?? guard.checkOrigin(req.headers);
    if (refusal) {
      reject(refusal);
      return;
    }
    const cors = guard.corsHeaders(req.headers);
    if (stopping) {
      reject(SERVER_STOPPING, cors);
      return;
    }
    // Only the path is used; an absolute-form request target cannot smuggle in another host.
    const url = new URL(req.url ?? '/', `http://${LISTEN_HOST}:${port}`);
    const method = req.method ?? 'GET';
    if (method === 'OPTIONS') {
      res.writeHead(204, { ...BASE_HEADERS, ...guard.preflightHeaders(req.headers) });
      res.end();
      return;
    }
    const match = router.match(method === 'HEAD' ? 'GET' : method, url.pathname);
    if (match.kind === 'not_found') {
      reject({ status: 404, code: 'not_found', message: 'No such route.', remedy: 'See GET /docs for the routes.' }, cors);
      return;
    }
    if (match.kind === 'wrong_method') {
      reject({ status: 405, code: 'method_not_allowed', message: `Use ${match.allowed.join(' or ')} here.` }, { ...cors, allow: match.allowed.join(', ') });
      return;
    }
    const { route, params } = match;
    const authorization = authorize(route, req, url, params, options.token, runtime.tickets);
    if (authorization.kind === 'denied') {
      reject(authorization.rejection, cors);
      return;
    }
    if (limiter && route.auth !== 'public') {
      const waitSeconds = limiter.take(req.socket.remoteAddress ?? 'unknown');
      if (waitSeconds > 0) {
        reject({ status: 429, code: 'rate_limited', message: 'Too many requests from this client.', remedy: `Wait ${waitSeconds} s, then try again.`, headers: { 'retry-after': String(waitSeconds) } }, cors);
        return;
      }
    }
    let body: unknown;
    if (route.body === 'json' || hasBody(req)) {
      const mediaRejection = checkJsonContentType(req);
      if (mediaRejection) {
        reject(mediaRejection, cors);
        return;
      }
      if (route.body === 'json') {
        const read = await readJsonBody(req, settings.maxBodyBytes);
        if (!read.ok) {
          reject(read.rejection, cors);
          return;
        }
        body = read.value;
      } else {
        const oversized = await discardBody(req, settings.maxBodyBytes);
        if (oversized) {
          reject(oversized, cors);
          return;
        }
      }
    }
    const context: RouteContext = {
      req,
      res,
      url,
      params,
      runtime,
      body,
      renewedTicket: authorization.kind === 'renewed-ticket',
      cors,
      receivedAt,
      json: (status, value, headers = {}) => sendJson(res, status, value, { ...cors, ...headers }),
      reject: (rejection) => reject(rejection, cors),
    };
    await route.handle(context);
  }

  httpServer.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const started = now();
    const receivedAt = performance.now();
    res.once('close', () => {
      // The path only: a query string may hold a stream ticket.
      logger.debug('http request', { method: req.method, path: (req.url ?? '/').split('?')[0], status: res.statusCode, duration_ms: now() - started });
    });
    dispatch(req, res, receivedAt).catch((error: unknown) => {
      logger.error('local server request failed', error, { method: req.method, path: (req.url ?? '/').split('?')[0] });
      if (res.headersSent) res.destroy();
      else sendRejection(res, { status: 500, code: 'internal', message: 'The server failed to handle the request.', remedy: 'See the Tiny Backspace logs.' }, secrets);
    });
  });
  httpServer.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });
  logger.info('local server listening', { url: `http://${LISTEN_HOST}:${port}` });

  let stopped: Promise<void> | undefined;
  const server: LocalServer = {
    port,
    url: `http://${LISTEN_HOST}:${port}`,
    get stopped() {
      return stopping;
    },
    stop(reason = 'The local server stopped.') {
      stopped ??= (async () => {
        stopping = true;
        // Stops accepting at once; the port is free for a new listener from here on.
        const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
        for (const requestId of ownRuns.keys()) void runs.cancel(requestId, reason);
        const stopTimeout = options.stopTimeoutMs ?? 10_000;
        await Promise.race([Promise.allSettled([...ownRuns.values()]), delay(stopTimeout)]);
        // Streams of those runs end by themselves once their terminal event is written; others are ended here.
        await Promise.race([Promise.all([...openStreams].map((stream) => stream.whenClosed)), delay(1_000)]);
        for (const stream of [...openStreams]) stream.end();
        httpServer.closeAllConnections();
        await closed;
        logger.info('local server stopped', { reason });
      })();
      return stopped;
    },
  };
  return server;
}
