import type { Logger, LogFields } from './logger';

/**
 * Runs `work` and writes one performance.log line for it: operation, duration in ms, `outcome`
 * (`ok`, `failed` or `cancelled`) and `fields`. The result or the error passes through untouched.
 */
export async function timed<T>(logger: Logger, operation: string, work: () => Promise<T>, fields?: LogFields): Promise<T> {
  const started = performance.now();
  try {
    const result = await work();
    logger.performance(operation, performance.now() - started, { ...fields, outcome: 'ok' });
    return result;
  } catch (error) {
    const cancelled = error instanceof Error && (error.name === 'AbortError' || error.name === 'CancelledError' || (error as { code?: unknown }).code === 'cancelled');
    const code = typeof (error as { code?: unknown } | null)?.code === 'string' ? (error as { code: string }).code : undefined;
    logger.performance(operation, performance.now() - started, { ...fields, outcome: cancelled ? 'cancelled' : 'failed', ...(code ? { code } : {}) });
    throw error;
  }
}
