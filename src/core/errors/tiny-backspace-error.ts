import type { ErrorPayload } from '../../protocol/run-events';

/** Stable error codes: hosts branch on these, never on message text. */
export type ErrorCode =
  | 'invalid_request'
  | 'invalid_repository_url'
  | 'unsupported_host'
  | 'local_repository_invalid'
  | 'github_token_missing'
  | 'github_auth_failed'
  | 'github_repository_not_found'
  | 'github_push_denied'
  | 'github_rate_limited'
  | 'github_api_error'
  | 'git_failed'
  | 'branch_not_found'
  | 'sandbox_failed'
  | 'sandbox_expired'
  | 'isolation_unavailable'
  | 'output_too_large'
  | 'command_timeout'
  | 'unsafe_path'
  | 'protected_path'
  | 'edit_failed'
  | 'no_changes'
  | 'agent_unsupported_prompt'
  | 'agent_failed'
  | 'provider_error'
  | 'budget_exceeded'
  | 'loop_detected'
  | 'checks_failed'
  | 'concurrency_limit'
  | 'store_unavailable'
  | 'cancelled'
  // Follow-ups on a pull request (issue 15).
  | 'pull_request_not_found'
  | 'pull_request_not_open'
  | 'pull_request_head_moved'
  | 'internal';

export interface TinyBackspaceErrorOptions {
  remedy?: string;
  cause?: unknown;
}

/** The one base class. Every error that can reach a user carries a code and, where possible, a remedy. */
export class TinyBackspaceError extends Error {
  override readonly name: string = 'TinyBackspaceError';
  readonly code: ErrorCode;
  readonly remedy: string | undefined;

  constructor(code: ErrorCode, message: string, options: TinyBackspaceErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.remedy = options.remedy;
  }

  toPayload(): ErrorPayload {
    return this.remedy === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, remedy: this.remedy };
  }
}

export function isTinyBackspaceError(value: unknown): value is TinyBackspaceError {
  return value instanceof TinyBackspaceError;
}

export function hasCode(value: unknown, code: ErrorCode): boolean {
  return isTinyBackspaceError(value) && value.code === code;
}
