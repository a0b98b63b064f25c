import type { RunOptions } from '../../protocol/run-request';
import type { EngineConfig } from '../config/engine-config';

/** The host's configuration with this run's own limits (`options.maxTurns`, `options.maxCostUsd`) applied. */
export function runConfig(config: EngineConfig, options: RunOptions): EngineConfig {
  if (options.maxTurns === undefined && options.maxCostUsd === undefined) return config;
  return {
    ...config,
    budget: {
      ...config.budget,
      ...(options.maxTurns === undefined ? {} : { maxTurns: options.maxTurns }),
      ...(options.maxCostUsd === undefined ? {} : { maxCostUsd: options.maxCostUsd }),
    },
  };
}
