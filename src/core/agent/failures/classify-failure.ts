import * as Anthropic from '@anthropic-ai/sdk';
import * as OpenAI from 'openai';
import { IncompleteStreamError } from '../model/model-client';
import type { FailureClass } from './provider-failure';
import { formatDuration, retryAfterMs } from './retry-after';

/** OpenAI and compatible servers name quota and spend limits in `code`/`type` of a 429 (or 402). */
const QUOTA_CODES = new Set(['insufficient_quota', 'billing_hard_limit_reached', 'billing_not_active', 'quota_exceeded', 'spend_limit_exceeded']);

type SdkApiError = Anthropic.APIError | OpenAI.APIError;

function isApiError(error: unknown): error is SdkApiError {
  return error instanceof Anthropic.APIError || error instanceof OpenAI.APIError;
}

/** `type`/`code` of either SDK's error body, whichever is present. */
function errorKinds(error: SdkApiError): string[] {
  const kinds: string[] = [];
  if (typeof error.type === 'string') kinds.push(error.type);
  if (error instanceof OpenAI.APIError && typeof error.code === 'string') kinds.push(error.code);
  if (error instanceof Anthropic.APIError && typeof error.errorCode === 'string') kinds.push(error.errorCode);
  return kinds;
}

function label(status: number | undefined, kinds: readonly string[], fallback: string): string {
  const name = kinds[kinds.length - 1] ?? kinds[0] ?? fallback;
  // No status: an `error` event inside a 200 stream, i.e. the service failed mid-answer.
  return status === undefined ? `${name} in the middle of the stream` : `${status} ${name}`;
}

/**
 * The prompt no longer fits the context window. OpenAI says so in `code`; Anthropic only in the message of
 * a 400 `invalid_request_error` ("prompt is too long: N tokens > M maximum"), the one place we read text.
 */
function isContextOverflow(error: SdkApiError, kinds: readonly string[]): boolean {
  if (kinds.includes('context_length_exceeded')) return true;
  return error instanceof Anthropic.APIError && error.status === 400 && /prompt is too long/i.test(error.message);
}

/**
 * Classifies an error from a model request or its stream. Branches on SDK classes, HTTP status and the
 * vendor's error type/code, never on message text (both SDKs' OpenAI errors have `name === 'Error'`).
 * Cancellation is decided by the caller before this is asked.
 */
export function classifyFailure(error: unknown, options: { stalledMs?: number } = {}): FailureClass {
  if (options.stalledMs !== undefined) {
    return { kind: 'stalled', retryable: true, description: `the stream stalled (nothing for ${formatDuration(options.stalledMs)})` };
  }
  if (error instanceof Anthropic.APIConnectionTimeoutError || error instanceof OpenAI.APIConnectionTimeoutError) {
    return { kind: 'timeout', retryable: true, description: 'the request timed out waiting for a response' };
  }
  if (error instanceof Anthropic.APIConnectionError || error instanceof OpenAI.APIConnectionError) {
    return { kind: 'connection', retryable: true, description: 'a connection error' };
  }
  if (error instanceof IncompleteStreamError) return { kind: 'connection', retryable: true, description: 'the stream was cut off' };
  // undici reports a connection dropped mid-body as a bare `TypeError: terminated`.
  if (error instanceof TypeError) return { kind: 'connection', retryable: true, description: 'the connection dropped' };

  if (isApiError(error)) {
    const status = error.status;
    const kinds = errorKinds(error);
    const wait = retryAfterMs(error.headers);
    const withWait = wait === undefined ? {} : { retryAfterMs: wait };
    const withStatus = status === undefined ? {} : { status };
    if (kinds.some((kind) => QUOTA_CODES.has(kind) || kind === 'billing_error') || status === 402) {
      return { kind: 'quota', retryable: false, ...withStatus, description: label(status, kinds, 'quota exceeded') };
    }
    if (isContextOverflow(error, kinds)) {
      return { kind: 'context_full', retryable: false, ...withStatus, description: `the prompt no longer fits the model's context window (${label(status, kinds, 'context_length_exceeded')})` };
    }
    if (status === 401 || status === 403 || kinds.includes('authentication_error') || kinds.includes('permission_error')) {
      return { kind: 'auth', retryable: false, ...withStatus, description: label(status, kinds, 'authentication failed') };
    }
    if (status === 429) return { kind: 'rate_limited', retryable: true, status, ...withWait, description: label(status, kinds, 'rate limited') };
    if (status === 529 || kinds.includes('overloaded_error')) {
      return { kind: 'overloaded', retryable: true, ...withStatus, ...withWait, description: label(status, kinds, 'overloaded') };
    }
    if (status === undefined) return { kind: 'server_error', retryable: true, description: label(status, kinds, 'server_error') };
    if (status === 408 || status === 409 || status >= 500) {
      return { kind: 'server_error', retryable: true, status, ...withWait, description: label(status, kinds, 'server error') };
    }
    return { kind: 'bad_request', retryable: false, status, description: label(status, kinds, 'request refused') };
  }
  if (error instanceof Anthropic.AnthropicError || error instanceof OpenAI.OpenAIError) {
    // The SDK could not read what came back (e.g. invalid JSON in a stream event).
    return { kind: 'malformed', retryable: false, description: 'a response the SDK could not parse' };
  }
  return { kind: 'unknown', retryable: false, description: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
}
