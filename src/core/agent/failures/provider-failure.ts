import { TinyBackspaceError } from '../../errors/tiny-backspace-error';

/**
 * What went wrong with a provider, in the terms the fallback policy needs:
 * - retryable (rate_limited, overloaded, server_error, connection, timeout, stalled): retry within the
 *   provider's attempts, then move on;
 * - quota, auth, bad_request: no retry, straight to the next provider;
 * - malformed: the model's output could not be used (re-asked once by the loop, then move on).
 */
export type FailureKind =
  | 'rate_limited'
  | 'overloaded'
  | 'server_error'
  | 'connection'
  | 'timeout'
  | 'stalled'
  | 'quota'
  | 'auth'
  | 'bad_request'
  | 'malformed'
  /** The model declined (Anthropic `refusal`, OpenAI `content_filter`): another provider may not. */
  | 'refused'
  /** The prompt no longer fits the model's context window. */
  | 'context_full'
  /** Reply after reply reached the output limit. */
  | 'cut_off'
  | 'unknown';

export interface FailureClass {
  readonly kind: FailureKind;
  readonly retryable: boolean;
  /** HTTP status when there was one (an error inside a 200 stream has none). */
  readonly status?: number;
  readonly retryAfterMs?: number;
  /** Short words for the user: `529 overloaded`, `429 insufficient_quota`, `stream stalled for 90 s`. */
  readonly description: string;
}

export const RETRYABLE_KINDS: ReadonlySet<FailureKind> = new Set(['rate_limited', 'overloaded', 'server_error', 'connection', 'timeout', 'stalled']);

/** A provider gave up (after any retries); the chain moves on to the next one. */
export class ProviderFailedError extends TinyBackspaceError {
  override readonly name = 'ProviderFailedError';

  constructor(
    readonly provider: string,
    readonly failure: FailureClass,
    /** Why, in one sentence: `Anthropic returned 529 overloaded 3 times`. */
    readonly reason: string,
    cause?: unknown,
  ) {
    super('provider_error', reason, { remedy: 'Check the provider status and your API key and quota, or configure another provider.', cause });
  }
}

export function isProviderFailed(error: unknown): error is ProviderFailedError {
  return error instanceof ProviderFailedError;
}
