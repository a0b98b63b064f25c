import { TinyBackspaceError } from './tiny-backspace-error';

export class CancelledError extends TinyBackspaceError {
  override readonly name = 'CancelledError';

  constructor(reason = 'The run was cancelled.') {
    super('cancelled', reason);
  }
}

/** True for our own cancel and for the AbortError that fetch, SDKs and child processes throw. */
export function isAbortLike(error: unknown, signal?: AbortSignal): boolean {
  if (signal?.aborted) return true;
  if (error instanceof CancelledError) return true;
  if (error instanceof Error && (error.name === 'AbortError' || error.name === 'APIUserAbortError')) return true;
  return false;
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError(abortReason(signal));
}

/**
 * The reason to abort with. fetch rejects with the signal's reason as is, and Octokit and the SDKs
 * recognise only errors named AbortError as a cancel (anything else is retried as a failure).
 */
export function cancellation(message: string): Error {
  const error = new Error(message);
  error.name = 'AbortError';
  return error;
}

export function abortReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  if (typeof reason === 'string') return reason;
  if (reason instanceof CancelledError) return reason.message;
  if (reason instanceof Error && reason.name === 'AbortError' && reason.message !== '' && !/operation was aborted/i.test(reason.message)) return reason.message;
  return 'The run was cancelled.';
}

/** A signal that follows `outer` but always aborts with an AbortError, whatever reason `outer` had. */
export function abortErrorSignal(outer: AbortSignal): AbortSignal {
  const controller = new AbortController();
  const forward = () => controller.abort(cancellation(abortReason(outer)));
  if (outer.aborted) forward();
  else outer.addEventListener('abort', forward, { once: true });
  return controller.signal;
}
