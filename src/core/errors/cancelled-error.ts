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

export function abortReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  if (typeof reason === 'string') return reason;
  if (reason instanceof CancelledError) return reason.message;
  return 'The run was cancelled.';
}
