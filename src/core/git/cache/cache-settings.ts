import * as path from 'node:path';
import type { EngineConfig } from '../../config/engine-config';
import type { CacheBounds } from './cache-sweep';

export const DEFAULT_CACHE_MAX_BYTES = 10 * 1024 * 1024 * 1024;
export const DEFAULT_CACHE_MAX_AGE_MS = 14 * 24 * 3_600_000;
export const CACHE_DIR_NAME = 'repo-cache';

export interface CacheSettings extends CacheBounds {
  readonly directory: string;
}

/** The repository cache for this host, or undefined when it is turned off. */
export function cacheSettings(config: EngineConfig, tempRoot: string): CacheSettings | undefined {
  const cache = config.repositoryCache ?? {};
  if (cache.enabled === false) return undefined;
  return {
    directory: path.resolve(cache.directory ?? path.join(tempRoot, CACHE_DIR_NAME)),
    maxBytes: cache.maxBytes ?? DEFAULT_CACHE_MAX_BYTES,
    maxAgeMs: cache.maxAgeMs ?? DEFAULT_CACHE_MAX_AGE_MS,
  };
}
