import { TinyBackspaceError } from '../errors/tiny-backspace-error';
import { InMemoryRunStore } from './in-memory-run-store';
import { RedisRunStore } from './redis-run-store';
import type { RunStore, RunStoreLimits } from './run-store';

/** A Redis URL may carry a password: where the store is may be shown, never that. */
export function withoutUrlCredentials(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

/** `memory`, or a `redis://` URL for runs shared by several server instances. */
export async function openRunStore(spec: string, limits: Partial<RunStoreLimits> = {}): Promise<RunStore> {
  if (spec === 'memory') return new InMemoryRunStore(limits);
  try {
    return await RedisRunStore.connect({ url: spec, limits });
  } catch (error) {
    throw new TinyBackspaceError('store_unavailable', `Cannot reach the run store at ${withoutUrlCredentials(spec)}: ${error instanceof Error ? error.message : String(error)}.`, {
      remedy: 'Start Redis (or fix --store / TINY_BACKSPACE_STORE), or use --store memory for a single instance.',
      cause: error,
    });
  }
}
