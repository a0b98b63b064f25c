import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TerminalEvent } from '../../protocol/run-events';
import type { Logger } from '../logging/logger';
import type { RunRequest } from '../../protocol/run-request';
import type { PipelineDeps } from '../pipeline/pipeline-deps';
import type { RunService } from '../runs/run-service';
import type { DocsPage } from './docs-page';
import type { HttpRejection } from './http-rejection';
import type { OpenApiDocument } from './openapi-document';
import type { SseStream } from './sse-stream';
import type { StreamTickets } from './stream-tickets';

/** Tunables with their production defaults filled in. */
export interface ServerSettings {
  readonly heartbeatMs: number;
  readonly maxBodyBytes: number;
  readonly retryAfterSeconds: number;
  /** How long `DELETE /runs/{id}` waits for the run to end before answering 202. */
  readonly cancelWaitMs: number;
  /** The reconnect delay an EventSource is told to use. */
  readonly sseRetryMs: number;
  readonly version: string;
}

/** What every route handler may use: one object per server, passed down, no globals. */
export interface ServerRuntime {
  readonly settings: ServerSettings;
  readonly runs: RunService;
  readonly tickets: StreamTickets;
  /** The bearer token, for routes that answer more to an authenticated caller. */
  readonly token: string;
  readonly logger: Logger;
  readonly startedAt: number;
  readonly now: () => number;
  readonly openStreams: Set<SseStream>;
  readonly openApi: OpenApiDocument;
  readonly docs: DocsPage;
  /** The full report for `GET /health` with the token; cached by the server. */
  readonly healthReport?: () => Promise<unknown>;
  /** `healthReport`, built at most once per few seconds and shared by concurrent callers. */
  cachedHealthReport(): Promise<unknown>;
  readonly runDeps?: (request: RunRequest) => Partial<PipelineDeps> | Promise<Partial<PipelineDeps>>;
  isStopping(): boolean;
  /** Remembers a run started through this server, so stopping the server ends it. */
  trackRun(requestId: string, done: Promise<TerminalEvent>): void;
}

export interface RouteContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  readonly params: Readonly<Record<string, string>>;
  readonly runtime: ServerRuntime;
  /** The parsed JSON body for routes that take one. */
  readonly body: unknown;
  /** Set when a stream ticket past its first lifetime authorised the request: valid only while the run lives. */
  readonly renewedTicket: boolean;
  /** CORS headers owed to this request's origin (empty unless allow-listed). */
  readonly cors: Readonly<Record<string, string>>;
  /** `performance.now()` when the request arrived: the server's own clock for time to first event. */
  readonly receivedAt: number;
  json(status: number, body: unknown, headers?: Readonly<Record<string, string>>): void;
  reject(rejection: HttpRejection): void;
}

export type RouteHandler = (context: RouteContext) => Promise<void>;
