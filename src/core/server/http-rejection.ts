import type { HttpErrorCode } from '../../protocol/http-api';

/**
 * A refusal decided before any work starts. A value rather than a thrown error: guards return it and
 * the dispatcher turns it into the `{ code, message, remedy }` body with its status.
 */
export interface HttpRejection {
  readonly status: number;
  readonly code: HttpErrorCode;
  readonly message: string;
  readonly remedy?: string;
  readonly headers?: Readonly<Record<string, string>>;
}
