import type { ErrorPayload } from '../../protocol/run-events';
import { redactSecrets } from '../security/redact';
import { isTinyBackspaceError } from './tiny-backspace-error';

/** Turns anything thrown into the `{ code, message }` JSON that crosses a boundary, with secrets scrubbed. */
export function toErrorPayload(error: unknown, secrets: readonly string[] = []): ErrorPayload {
  if (isTinyBackspaceError(error)) {
    const payload = error.toPayload();
    return {
      ...payload,
      message: redactSecrets(payload.message, secrets),
      ...(payload.remedy === undefined ? {} : { remedy: redactSecrets(payload.remedy, secrets) }),
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    code: 'internal',
    message: redactSecrets(`Unexpected error: ${message}`, secrets),
    remedy: 'This is a bug in Tiny Backspace. Open the logs (request id in the event) and report it.',
  };
}
