import { z } from 'zod';
import {
  BasicHealthReportSchema,
  CodeRequestSchema,
  HTTP_API_VERSION,
  HTTP_ERROR_CODES,
  HealthResponseSchema,
  HttpErrorSchema,
  LiveMetricsSchema,
  RunIdSchema,
  RunListResponseSchema,
  RunSummarySchema,
  StreamTicketResponseSchema,
} from '../../protocol/http-api';
import { ChangedFileSchema, CheckResultSchema, ErrorPayloadSchema, RunEventSchema, RUN_EVENT_SCHEMA_VERSION, UsageSchema } from '../../protocol/run-events';
import { RunOptionsSchema } from '../../protocol/run-request';

export type JsonObject = { [key: string]: unknown };

export interface OpenApiDocument extends JsonObject {
  readonly openapi: string;
  readonly info: JsonObject;
  readonly paths: Record<string, Record<string, JsonObject>>;
  readonly components: { schemas: Record<string, JsonObject>; securitySchemes: JsonObject };
}

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });

function pascal(kind: string): string {
  return kind.replace(/(^|_)([a-z])/g, (_all, _sep: string, letter: string) => letter.toUpperCase());
}

/** The protocol's zod schemas as named 2020-12 JSON Schemas, which OpenAPI 3.1 uses as is. */
function componentSchemas(): Record<string, JsonObject> {
  const registry = z.registry<{ id: string }>();
  registry.add(CodeRequestSchema, { id: 'RunRequest' });
  registry.add(RunOptionsSchema, { id: 'RunOptions' });
  registry.add(RunEventSchema, { id: 'RunEvent' });
  for (const variant of RunEventSchema.options) registry.add(variant, { id: `${pascal(variant.shape.kind.value)}Event` });
  registry.add(ErrorPayloadSchema, { id: 'ErrorPayload' });
  registry.add(ChangedFileSchema, { id: 'ChangedFile' });
  registry.add(CheckResultSchema, { id: 'CheckResult' });
  registry.add(UsageSchema, { id: 'Usage' });
  registry.add(RunSummarySchema, { id: 'RunSummary' });
  registry.add(RunListResponseSchema, { id: 'RunList' });
  registry.add(StreamTicketResponseSchema, { id: 'StreamTicket' });
  registry.add(LiveMetricsSchema, { id: 'LiveMetrics' });
  registry.add(BasicHealthReportSchema, { id: 'BasicHealthReport' });
  registry.add(HealthResponseSchema, { id: 'HealthResponse' });
  // Input mode leaves response objects open: clients must accept fields added later (see run-events.ts).
  const { schemas } = z.toJSONSchema(registry, { target: 'draft-2020-12', io: 'input', uri: (id) => `#/components/schemas/${id}` });
  const named: Record<string, JsonObject> = {};
  for (const [id, schema] of Object.entries(schemas)) {
    const { $schema: _dialect, $id: _id, ...rest } = schema as JsonObject;
    named[id] = rest;
  }
  named.HttpError = { ...named.ErrorPayload, properties: { ...(named.ErrorPayload?.properties as JsonObject), code: { type: 'string', examples: [...HTTP_ERROR_CODES] } } };
  return named;
}

function jsonContent(schemaId: string) {
  return { 'application/json': { schema: ref(schemaId) } };
}

function error(description: string) {
  return { description, content: jsonContent('HttpError') };
}

/** The limits this server enforces, so the document states its own numbers. */
export interface DocumentedLimits {
  readonly port: number;
  readonly maxBodyBytes: number;
  readonly heartbeatMs: number;
}

function sseDescription(limits: DocumentedLimits): string {
  return (
    'A `text/event-stream`. Each message is `id: <seq>`, `event: <kind>`, `data: <RunEvent JSON>` (one line). ' +
    `A \`: heartbeat\` comment goes out every ${limits.heartbeatMs / 1000} s. The stream ends after the terminal event (\`completed\`, \`failed\` or \`cancelled\`).`
  );
}

function bodyLimit(limits: DocumentedLimits): string {
  return limits.maxBodyBytes % 1024 === 0 ? `${limits.maxBodyBytes / 1024} KiB` : `${limits.maxBodyBytes} bytes`;
}

const sseContent = {
  'text/event-stream': {
    schema: { type: 'string', description: 'Server-Sent Events; see x-sse-data for the data of each message.' },
    'x-sse-data': ref('RunEvent'),
  },
};

const COMMON_REJECTIONS = {
  '403': error('`forbidden_host` (Host is not 127.0.0.1:PORT or localhost:PORT) or `forbidden_origin` (cross-site Origin not on the allow-list).'),
  '503': error('`server_stopping`: the server is shutting down.'),
};

const runIdParameter = { name: 'id', in: 'path', required: true, schema: z.toJSONSchema(RunIdSchema, { target: 'draft-2020-12' }) };

const description = (limits: DocumentedLimits) => `Tiny Backspace's local Server-Sent Events API. It runs the same engine as the VS Code extension and the CLI:
POST /code turns a prompt into a pull request and streams every step.

Security. The server listens on 127.0.0.1 only. Every route except /health and /docs needs "Authorization: Bearer <token>"
(256 random bits, compared in constant time). A Host header other than 127.0.0.1:PORT or localhost:PORT is refused (DNS rebinding);
a cross-site Origin is refused unless it is on the allow-list, and CORS headers go only to allowed origins, never "*".
Bodies must be application/json and at most ${bodyLimit(limits)}. Error bodies are {code, message, remedy?}.

Browsers. An EventSource cannot send the Authorization header and the token never belongs in a URL, so a page first mints a
short-lived stream ticket with POST /runs/{id}/tickets (sending the token) and then opens
new EventSource(baseUrl + eventsPath). The ticket opens only that run's events, and only until it expires.

Reconnecting. Every message carries id: <seq>. Send Last-Event-ID (EventSource does so by itself) or ?lastEventId= to resume:
the stream replays exactly the events after that seq, then continues live. Once a finished run has nothing left, the answer is
204 No Content, which tells an EventSource to stop reconnecting.

Lifecycle. Closing the POST /code connection cancels the run unless options.keepRunningOnDisconnect is true. Run event schema version: ${RUN_EVENT_SCHEMA_VERSION}.`;

/** The OpenAPI 3.1 description of the local server, built from the same schemas that validate requests. */
const RATE_LIMITED = {
  description: '`rate_limited`: this client sent too many requests.',
  headers: { 'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer' } } },
  content: jsonContent('HttpError'),
};

/** Every route that needs credentials is rate limited per client, so each documents the 429. */
function withRateLimit(document: OpenApiDocument): OpenApiDocument {
  for (const methods of Object.values(document.paths)) {
    for (const operation of Object.values(methods)) {
      const security = operation.security as unknown[] | undefined;
      if (Array.isArray(security) && (security.length === 0 || security.some((entry) => Object.keys(entry as object).length === 0))) continue;
      const responses = operation.responses as Record<string, unknown>;
      responses['429'] ??= RATE_LIMITED;
    }
  }
  return document;
}

export function buildOpenApiDocument(limits: DocumentedLimits): OpenApiDocument {
  return withRateLimit(buildDocument(limits));
}

function buildDocument(limits: DocumentedLimits): OpenApiDocument {
  const sse = sseDescription(limits);
  return {
    openapi: '3.1.0',
    info: { title: 'Tiny Backspace local server', version: HTTP_API_VERSION, description: description(limits) },
    servers: [{ url: 'http://127.0.0.1:{port}', variables: { port: { default: String(limits.port) } } }],
    security: [{ bearerAuth: [] }],
    paths: {
      '/code': {
        post: {
          operationId: 'startRun',
          summary: 'Start a run and stream its events',
          description: `Validates the request, starts the run and answers at once with its event stream. ${sse} Follow-ups: \`{repoUrl, prompt, pullRequest: N}\` adds one commit to pull request N's head branch, and \`{repoUrl, pullRequest: N, addressReview: true}\` addresses its unresolved review threads and replies to each; a closed, merged or missing PR, or a fork head the token cannot push to, fails before cloning. Closing the connection cancels the run unless \`options.keepRunningOnDisconnect\` is true.`,
          requestBody: { required: true, content: jsonContent('RunRequest') },
          responses: {
            '200': {
              description: 'The run started; its events follow.',
              headers: { 'X-Request-Id': { description: 'The run id.', schema: { type: 'string' } } },
              content: sseContent,
            },
            '400': error('`invalid_json`, `invalid_request` (schema) or `invalid_repository_url` (local paths are refused).'),
            '401': error('`unauthorized`: missing or wrong bearer token.'),
            '413': error(`\`payload_too_large\`: the body exceeds ${bodyLimit(limits)}.`),
            '415': error('`unsupported_media_type`: the body is not application/json.'),
            '429': {
              description: '`concurrency_limit`: every admission (executing and queued runs, across every instance sharing the store) is taken; or `rate_limited`: this client sent too many requests.',
              headers: { 'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer' } } },
              content: jsonContent('HttpError'),
            },
            ...COMMON_REJECTIONS,
          },
        },
      },
      '/runs': {
        get: {
          operationId: 'listRuns',
          summary: 'List recent runs',
          responses: { '200': { description: 'Newest first.', content: jsonContent('RunList') }, '401': error('`unauthorized`.'), ...COMMON_REJECTIONS },
        },
      },
      '/runs/{id}': {
        get: {
          operationId: 'getRun',
          summary: "One run's status and summary",
          parameters: [runIdParameter],
          responses: { '200': { description: 'The run.', content: jsonContent('RunSummary') }, '401': error('`unauthorized`.'), '404': error('`run_not_found`.'), ...COMMON_REJECTIONS },
        },
        delete: {
          operationId: 'cancelRun',
          summary: 'Cancel a run',
          description: 'Cancels the run and waits a few seconds for it to end (sandbox and temporary files gone).',
          parameters: [runIdParameter],
          responses: {
            '200': { description: 'The run has ended as cancelled.', content: jsonContent('RunSummary') },
            '202': { description: 'Cancellation is under way; the event stream reports the end.', content: jsonContent('RunSummary') },
            '401': error('`unauthorized`.'),
            '404': error('`run_not_found`.'),
            '409': error('`run_finished`: the run had already ended.'),
            ...COMMON_REJECTIONS,
          },
        },
      },
      '/runs/{id}/events': {
        get: {
          operationId: 'streamRunEvents',
          summary: "A run's event stream, resumable",
          description: `Replays the run's events after Last-Event-ID (or \`lastEventId\`), then follows it live. ${sse} Usable by a browser EventSource with a stream ticket.`,
          security: [{ bearerAuth: [] }, { streamTicket: [] }],
          parameters: [
            runIdParameter,
            { name: 'Last-Event-ID', in: 'header', required: false, description: 'The last seq received.', schema: { type: 'string', pattern: '^[0-9]{1,9}$' } },
            { name: 'lastEventId', in: 'query', required: false, description: 'Same as Last-Event-ID, for a fresh EventSource.', schema: { type: 'string', pattern: '^[0-9]{1,9}$' } },
          ],
          responses: {
            '200': { description: 'Events after the given seq, then live ones.', content: sseContent },
            '204': { description: 'The run has ended and there is nothing after the given seq.' },
            '400': error('`invalid_last_event_id`.'),
            '401': error('`unauthorized`: no valid token or ticket for this run.'),
            '404': error('`run_not_found`.'),
            ...COMMON_REJECTIONS,
          },
        },
      },
      '/runs/{id}/tickets': {
        post: {
          operationId: 'createStreamTicket',
          summary: 'Mint a stream ticket for a browser EventSource',
          description: 'The ticket opens GET /runs/{id}/events for this run only, until it expires; it grants nothing else.',
          parameters: [runIdParameter],
          responses: {
            '201': { description: 'The ticket.', content: jsonContent('StreamTicket') },
            '401': error('`unauthorized`.'),
            '404': error('`run_not_found`.'),
            ...COMMON_REJECTIONS,
          },
        },
      },
      '/health': {
        get: {
          operationId: 'health',
          summary: 'Liveness and counts; the full report with the token',
          description: 'Without a token: status, version and run counts only. With the bearer token: also `report`, the observability report (cached for a few seconds).',
          security: [{}, { bearerAuth: [] }],
          responses: { '200': { description: 'BasicHealthReport, plus `report` for an authenticated caller.', content: jsonContent('HealthResponse') }, ...COMMON_REJECTIONS },
        },
      },
      '/openapi.json': {
        get: {
          operationId: 'openApiDocument',
          summary: 'This document',
          responses: { '200': { description: 'OpenAPI 3.1.', content: { 'application/json': { schema: { type: 'object' } } } }, '401': error('`unauthorized`.'), ...COMMON_REJECTIONS },
        },
      },
      '/docs': {
        get: {
          operationId: 'docs',
          summary: 'This document as a page',
          security: [],
          responses: { '200': { description: 'HTML without remote assets or scripts.', content: { 'text/html': { schema: { type: 'string' } } } }, ...COMMON_REJECTIONS },
        },
      },
    },
    components: {
      schemas: componentSchemas(),
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'The server token (TINY_BACKSPACE_SERVER_TOKEN, the token file, or Copy Token in VS Code).' },
        streamTicket: { type: 'apiKey', in: 'query', name: 'ticket', description: 'From POST /runs/{id}/tickets; only for GET /runs/{id}/events.' },
      },
    },
  };
}
