/** A plain, JSON-safe picture of anything thrown: type, code, message, remedy, stack and causes. */
export interface SerializedError {
  readonly type: string;
  readonly message: string;
  readonly code?: string;
  readonly remedy?: string;
  readonly status?: number;
  readonly stack?: string;
  readonly cause?: SerializedError;
}

const MAX_CAUSE_DEPTH = 4;

export function serializeError(error: unknown, depth = 0): SerializedError {
  if (!(error instanceof Error)) return { type: typeof error, message: String(error) };
  const extra = error as Error & { code?: unknown; remedy?: unknown; status?: unknown; cause?: unknown };
  const cause = extra.cause !== undefined && depth < MAX_CAUSE_DEPTH ? serializeError(extra.cause, depth + 1) : undefined;
  return {
    type: error.name,
    message: error.message,
    ...(typeof extra.code === 'string' ? { code: extra.code } : {}),
    ...(typeof extra.remedy === 'string' ? { remedy: extra.remedy } : {}),
    ...(typeof extra.status === 'number' ? { status: extra.status } : {}),
    ...(error.stack ? { stack: error.stack } : {}),
    ...(cause ? { cause } : {}),
  };
}
