import { z } from 'zod';
import { HealthReportSchema as FullHealthReportSchema } from './health-report';
import { ErrorPayloadSchema, RunEventSchema, StepNameSchema } from './run-events';
import { RunRequestSchema } from './run-request';

/**
 * The local server's HTTP contract. The server validates requests with these schemas and the OpenAPI
 * document is generated from them, so the documentation cannot drift from what is enforced.
 */
export const HTTP_API_VERSION = '1.0.0';

/** `POST /code` takes exactly what the CLI and the extension take. */
export const CodeRequestSchema = RunRequestSchema;

export const RunIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,128}$/)
  .describe('The run id (`request_id` of its events).');

export const RunStatusSchema = z.enum(['running', 'completed', 'failed', 'cancelled']);

export const RunSummarySchema = z.object({
  requestId: z.string(),
  repo: z.string(),
  prompt: z.string(),
  status: RunStatusSchema,
  startedAt: z.string().describe('ISO 8601'),
  finishedAt: z.string().optional(),
  durationMs: z.number().nonnegative().optional(),
  progress: z.number().min(0).max(100),
  currentStep: StepNameSchema.optional(),
  prUrl: z.string().optional(),
  branch: z.string().optional(),
  agent: z.string().optional(),
  error: ErrorPayloadSchema.optional(),
  eventCount: z.number().int().nonnegative(),
});
export type HttpRunSummary = z.infer<typeof RunSummarySchema>;

export const RunListResponseSchema = z.object({ runs: z.array(RunSummarySchema) });
export type RunListResponse = z.infer<typeof RunListResponseSchema>;

/**
 * A browser `EventSource` cannot send an `Authorization` header, and the long-lived token must never sit
 * in a URL. A ticket is minted with the token and opens only one run's event stream, for a short time.
 */
export const StreamTicketResponseSchema = z.object({
  ticket: z.string(),
  runId: z.string(),
  expiresAt: z.string().describe('ISO 8601; the ticket opens (and re-opens) the stream until then.'),
  eventsPath: z.string().describe('Path to pass to `new EventSource(baseUrl + eventsPath)`.'),
});
export type StreamTicketResponse = z.infer<typeof StreamTicketResponseSchema>;

/** Stable codes of the HTTP layer's own refusals; run failures use the engine's codes. */
export const HTTP_ERROR_CODES = [
  'unauthorized',
  'forbidden_host',
  'forbidden_origin',
  'not_found',
  'run_not_found',
  'method_not_allowed',
  'unsupported_media_type',
  'payload_too_large',
  'invalid_json',
  'invalid_request',
  'invalid_repository_url',
  'invalid_last_event_id',
  'concurrency_limit',
  'rate_limited',
  'run_finished',
  'server_stopping',
  'internal',
] as const;
export const HttpErrorCodeSchema = z.enum(HTTP_ERROR_CODES);
export type HttpErrorCode = z.infer<typeof HttpErrorCodeSchema>;

/** Every error body: `{ code, message }` and, where there is one, what to do next. */
export const HttpErrorSchema = ErrorPayloadSchema;
export type HttpError = z.infer<typeof HttpErrorSchema>;

export const LiveMetricsSchema = z.object({
  activeRuns: z.number().int().nonnegative(),
  requestsPerMinute: z.number().nonnegative(),
  errorsPerMinute: z.number().nonnegative(),
  totalRuns: z.number().int().nonnegative(),
});

/**
 * What `GET /health` answers to anyone: liveness and counts, never a repository, user or message (it
 * needs no token, so monitors and load balancers can call it).
 */
export const BasicHealthReportSchema = z.object({
  status: z.enum(['ok', 'stopping']),
  server: z.object({
    version: z.string(),
    startedAt: z.string(),
    uptimeSeconds: z.number().nonnegative(),
    openStreams: z.number().int().nonnegative(),
  }),
  runs: LiveMetricsSchema.extend({ queuedRuns: z.number().int().nonnegative() }),
});
export type BasicHealthReport = z.infer<typeof BasicHealthReportSchema>;

/** With the bearer token, `GET /health` adds the full observability report (scores, errors, providers). */
export const HealthResponseSchema = BasicHealthReportSchema.extend({
  report: FullHealthReportSchema.optional().describe('Only with the bearer token.'),
});
export type HealthResponse = z.infer<typeof HealthResponseSchema>;

/** One SSE message per run event: `id: <seq>`, `event: <kind>`, `data: <RunEvent JSON>`. */
export const SseDataSchema = RunEventSchema;

export const LAST_EVENT_ID_HEADER = 'last-event-id';
export const REQUEST_ID_HEADER = 'x-request-id';
/** `POST /code` with the same key returns the same run (a retried POST never starts a second run). */
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
/** Set on a `POST /code` answer that streams an existing run named by its idempotency key. */
export const IDEMPOTENT_REPLAY_HEADER = 'idempotent-replayed';
