// Shared plumbing for the loopback Anthropic and OpenAI stand-ins: the scripted-reply types, request
// recording, the reply queue, and the node:http helpers both wire formats use.
//
// A stand-in owns the HTTP side (routing, auth, body parsing, queue, delays, scripted HTTP errors);
// a dialect (anthropic-stand-in.ts, openai-stand-in.ts) only turns one reply into that vendor's bytes.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** Token counts a scripted reply reports. Cache fields are only emitted when set. */
export interface ScriptedUsage {
  input: number;
  output: number;
  /** Anthropic `cache_read_input_tokens`; OpenAI `prompt_tokens_details.cached_tokens`. */
  cacheRead?: number;
  /** Anthropic `cache_creation_input_tokens` (OpenAI has no equivalent and ignores it). */
  cacheCreation?: number;
}

export interface ScriptedToolCall {
  /** Defaults to a deterministic `toolu_…` / `call_…` id. */
  id?: string;
  name: string;
  /** Serialised with JSON.stringify and streamed in several chunks. */
  input: unknown;
}

export type ScriptedReply =
  /**
   * Assistant text, streamed in several deltas. `stopReason` overrides the vendor's normal one (e.g.
   * `model_context_window_exceeded`, `content_filter`). `thinking` is sent as a signed thinking block
   * (Anthropic, when the request enables thinking) or a reasoning item (Responses API).
   */
  | { kind: 'text'; text: string; usage?: ScriptedUsage; thinking?: string; stopReason?: string }
  /** Optional text, then one or more tool calls (parallel when several) whose JSON arguments are split across chunks. */
  | { kind: 'tool_calls'; text?: string; calls: ScriptedToolCall[]; usage?: ScriptedUsage; thinking?: string }
  /**
   * The output limit was reached: optional text, then (if given) a tool call whose arguments stop after
   * `rawArguments` (incomplete JSON). Anthropic `max_tokens`, Chat Completions `length`, Responses
   * `incomplete` with `max_output_tokens`. Nothing at all given: the empty cut-off turn.
   */
  | { kind: 'cut_off'; text?: string; partialCall?: { name: string; rawArguments: string } }
  /** The model declines: Anthropic `stop_reason: refusal`, OpenAI a `refusal` part. */
  | { kind: 'refusal'; text?: string }
  /** A complete reply with no content at all. */
  | { kind: 'empty' }
  /** One tool call whose streamed arguments are `rawArguments` verbatim (meant to be invalid JSON). */
  | { kind: 'malformed_tool_json'; name: string; rawArguments: string }
  /** A non-200 answer before any body, with the vendor error `body` sent as JSON. */
  | { kind: 'http_error'; status: number; body: unknown; headers?: Record<string, string> }
  /**
   * 200 and some text deltas, then an in-stream error and the end of the response.
   * Non-streaming requests get 200, half a JSON body and a dropped connection instead.
   */
  | { kind: 'mid_stream_error'; afterText: string; error?: { type: string; message: string } }
  /** 200 and headers (plus one text delta if given), then silence until the client goes away. */
  | { kind: 'stall_after_headers'; afterText?: string }
  /** Nothing at all for `ms` (no headers either), then `then`. */
  | { kind: 'delay'; ms: number; then: ScriptedReply };

export interface RecordedLlmRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body (`undefined` if the body was not JSON). */
  body: any;
  rawBody: string;
}

/**
 * A queue of replies, or a function asked for each request once the queue is empty.
 * `index` counts the replies handed out before this one (requests refused for auth or
 * validation do not consume a reply and do not advance it).
 */
export type LlmScript = ScriptedReply[] | ((request: RecordedLlmRequest, index: number) => ScriptedReply);

export interface LlmStandIn {
  /** `http://127.0.0.1:<port>` with no trailing slash. */
  readonly url: string;
  /** Every request that reached the server, in arrival order (refused ones included). */
  readonly requests: RecordedLlmRequest[];
  /** Appends replies to the queue. Queued replies are served before a script function is asked. */
  push(...replies: ScriptedReply[]): void;
  /** Replies still queued; `Infinity` when a script function backs the queue. */
  remaining(): number;
  /** Stops listening, ends stalled and delayed responses, and resolves once the server is closed. */
  close(): Promise<void>;
}

export interface StandInOptions {
  apiKey: string;
  script?: LlmScript;
}

/** A reply the dialect renders itself: everything except `delay` and `http_error`. */
export type RenderableReply = Exclude<ScriptedReply, { kind: 'delay' } | { kind: 'http_error' }>;

export interface ReplyContext {
  request: RecordedLlmRequest;
  res: ServerResponse;
  /** Aborted when the client disconnects or the stand-in closes. */
  signal: AbortSignal;
  /** Deterministic per-stand-in counter for ids. */
  nextId(): number;
}

/** Output tokens the reply reports: its streamed characters / 4 (or the request's limit for a cut-off). */
export function outputTokensOf(reply: RenderableReply, maxTokens: unknown): number {
  if (reply.kind === 'cut_off') return typeof maxTokens === 'number' ? maxTokens : 1;
  switch (reply.kind) {
    case 'text':
      return estimateTokens(reply.text);
    case 'tool_calls':
      return estimateTokens((reply.text ?? '') + reply.calls.map((call) => toolInputJson(call.input)).join(''));
    case 'refusal':
      return estimateTokens(reply.text ?? 'no');
    default:
      return 1;
  }
}

export interface LlmDialect {
  /** The one POST path this vendor answers, e.g. `/v1/messages`. */
  readonly endpoint: string;
  /** Extra headers on every response (request ids and the like). */
  responseHeaders(id: number): Record<string, string>;
  /** `null` when the request may proceed, else the status and vendor error body to send. */
  authenticate(request: RecordedLlmRequest, apiKey: string): { status: number; body: unknown } | null;
  /** `null` when the body is acceptable, else a vendor-shaped 400 body. */
  validate(request: RecordedLlmRequest): unknown | null;
  /** Vendor error body for the stand-in's own failures (unknown path, empty script, ...). */
  errorBody(status: number, message: string): unknown;
  render(reply: RenderableReply, context: ReplyContext): Promise<void>;
}

export async function startLlmStandIn(dialect: LlmDialect, options: StandInOptions): Promise<LlmStandIn> {
  const requests: RecordedLlmRequest[] = [];
  const queue: ScriptedReply[] = Array.isArray(options.script) ? [...options.script] : [];
  const scriptFunction = typeof options.script === 'function' ? options.script : undefined;
  const sockets = new Set<Socket>();
  const closing = new AbortController();
  let repliesHandedOut = 0;
  let idCounter = 0;
  const nextId = (): number => ++idCounter;

  const nextReply = (request: RecordedLlmRequest): ScriptedReply | undefined => {
    const queued = queue.shift();
    const reply = queued ?? scriptFunction?.(request, repliesHandedOut);
    if (reply !== undefined) repliesHandedOut += 1;
    return reply;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    res.on('error', () => {}); // a client that vanished mid-write is expected in abort tests
    const extraHeaders = dialect.responseHeaders(nextId());
    for (const [name, value] of Object.entries(extraHeaders)) res.setHeader(name, value);

    const rawBody = await readBody(req);
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const request: RecordedLlmRequest = {
      method: req.method ?? 'GET',
      path,
      headers: { ...req.headers },
      body: parseJsonOrUndefined(rawBody),
      rawBody,
    };
    requests.push(request);

    if (request.method !== 'POST' || path !== dialect.endpoint) {
      sendJson(res, 404, dialect.errorBody(404, `stand-in: no route for ${request.method} ${path}`));
      return;
    }
    const refused = dialect.authenticate(request, options.apiKey);
    if (refused) {
      sendJson(res, refused.status, refused.body);
      return;
    }
    const invalid = dialect.validate(request);
    if (invalid !== null) {
      sendJson(res, 400, invalid);
      return;
    }

    const reply = nextReply(request);
    if (reply === undefined) {
      // x-should-retry: false keeps the SDK from retrying into the same empty queue with backoff.
      sendJson(
        res,
        500,
        dialect.errorBody(500, `stand-in: script exhausted, no scripted reply left for request #${requests.length}`),
        { 'x-should-retry': 'false' },
      );
      return;
    }

    const requestGone = new AbortController();
    const onGone = (): void => requestGone.abort();
    res.on('close', onGone);
    const signal = AbortSignal.any([requestGone.signal, closing.signal]);
    try {
      await serveReply(reply, { request, res, signal, nextId });
    } finally {
      res.off('close', onGone);
    }
  };

  const serveReply = async (reply: ScriptedReply, context: ReplyContext): Promise<void> => {
    if (reply.kind === 'delay') {
      const completed = await abortableDelay(reply.ms, context.signal);
      if (!completed) {
        context.res.destroy();
        return;
      }
      await serveReply(reply.then, context);
      return;
    }
    if (reply.kind === 'http_error') {
      sendJson(context.res, reply.status, reply.body, reply.headers);
      return;
    }
    await dialect.render(reply, context);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // A bug in the stand-in itself: answer loudly instead of hanging the test.
      const message = `stand-in: internal failure: ${error instanceof Error ? error.stack ?? error.message : String(error)}`;
      if (!res.headersSent) sendJson(res, 500, dialect.errorBody(500, message), { 'x-should-retry': 'false' });
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    push: (...replies) => {
      queue.push(...replies);
    },
    remaining: () => (scriptFunction ? Number.POSITIVE_INFINITY : queue.length),
    close: () => {
      closed ??= new Promise<void>((resolve, reject) => {
        closing.abort();
        server.close((error) => (error ? reject(error) : resolve()));
        // Stalled streams and keep-alive connections would hold server.close() open forever.
        for (const socket of sockets) socket.destroy();
      });
      return closed;
    },
  };
}

// ---- small http helpers -------------------------------------------------------------------------

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/** Sends 200 and SSE headers right away, so the client sees the response start before any event. */
export function startEventStream(res: ServerResponse): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  res.flushHeaders();
}

/**
 * Writes one SSE frame and yields to the event loop, so frames tend to reach the client in separate
 * reads, as they do from the real services. Returns false once the client has gone away.
 */
export async function writeFrame(res: ServerResponse, frame: string): Promise<boolean> {
  if (res.destroyed || res.writableEnded) return false;
  res.write(frame);
  await new Promise<void>((resolve) => setImmediate(resolve));
  return !res.destroyed;
}

/** Waits `ms`; resolves false (early) if `signal` aborts. Removes its listener either way. */
export function abortableDelay(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Resolves once `signal` aborts (the client left or the stand-in closed). */
export function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/**
 * Splits text into up to `parts` non-empty pieces on code-point boundaries, so streamed deltas
 * exercise reassembly. Empty text yields no pieces.
 */
export function splitIntoChunks(text: string, parts = 4): string[] {
  const codePoints = Array.from(text);
  if (codePoints.length === 0) return [];
  const size = Math.max(1, Math.ceil(codePoints.length / parts));
  const chunks: string[] = [];
  for (let start = 0; start < codePoints.length; start += size) {
    chunks.push(codePoints.slice(start, start + size).join(''));
  }
  return chunks;
}

/** A rough, deterministic token estimate for replies whose script gives no usage. */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

export function headerValue(headers: RecordedLlmRequest['headers'], name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

export function bearerToken(headers: RecordedLlmRequest['headers']): string | undefined {
  const authorization = headerValue(headers, 'authorization');
  const match = authorization ? /^Bearer\s+(.+)$/i.exec(authorization) : null;
  return match?.[1];
}

/** Tool-call input as the JSON text a model streams. */
export function toolInputJson(input: unknown): string {
  return JSON.stringify(input ?? {});
}
