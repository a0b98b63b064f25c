import type { AgentTuning, EngineConfig } from '../config/engine-config';
import { DEFAULT_CONTEXT_TOKENS } from '../context/select-context';

export type ResolvedTuning = Required<AgentTuning>;

export const DEFAULT_TUNING: ResolvedTuning = {
  contextTokens: DEFAULT_CONTEXT_TOKENS,
  idleTimeoutMs: 90_000,
  attemptsPerTurn: 3,
  retryBaseDelayMs: 1_000,
  retryAfterCapMs: 30_000,
  maxOutputTokens: 8_192,
  commandTimeoutMs: 120_000,
};

export function resolveTuning(config: EngineConfig): ResolvedTuning {
  const given = config.agent ?? {};
  const pick = (key: keyof AgentTuning, min: number): number => {
    const value = given[key];
    return typeof value === 'number' && Number.isFinite(value) && value >= min ? value : DEFAULT_TUNING[key];
  };
  return {
    contextTokens: pick('contextTokens', 64),
    idleTimeoutMs: pick('idleTimeoutMs', 1),
    attemptsPerTurn: Math.floor(pick('attemptsPerTurn', 1)),
    retryBaseDelayMs: pick('retryBaseDelayMs', 0),
    retryAfterCapMs: pick('retryAfterCapMs', 0),
    maxOutputTokens: Math.floor(pick('maxOutputTokens', 16)),
    commandTimeoutMs: pick('commandTimeoutMs', 1_000),
  };
}
