import type { AgentTuning, EngineConfig } from '../config/engine-config';
import { DEFAULT_CONTEXT_TOKENS } from '../context/select-context';

export type ResolvedTuning = Required<Omit<AgentTuning, 'maxOutputTokens'>> & {
  /** Undefined: chosen per model (agent/model/output-caps.ts). */
  readonly maxOutputTokens: number | undefined;
};

export const DEFAULT_TUNING: ResolvedTuning = {
  contextTokens: DEFAULT_CONTEXT_TOKENS,
  idleTimeoutMs: 90_000,
  firstTokenTimeoutMs: 300_000,
  attemptsPerTurn: 3,
  retryBaseDelayMs: 1_000,
  retryAfterCapMs: 30_000,
  maxOutputTokens: undefined,
  keepToolResults: 8,
  commandTimeoutMs: 120_000,
};

export function resolveTuning(config: EngineConfig): ResolvedTuning {
  const given = config.agent ?? {};
  const valid = (key: keyof AgentTuning, min: number): number | undefined => {
    const value = given[key];
    return typeof value === 'number' && Number.isFinite(value) && value >= min ? value : undefined;
  };
  const pick = (key: Exclude<keyof AgentTuning, 'maxOutputTokens'>, min: number): number => valid(key, min) ?? DEFAULT_TUNING[key];
  const idleTimeoutMs = pick('idleTimeoutMs', 1);
  const maxOutput = valid('maxOutputTokens', 16);
  return {
    contextTokens: pick('contextTokens', 64),
    idleTimeoutMs,
    // Never shorter than the idle allowance: a first token is never expected sooner than a next one.
    firstTokenTimeoutMs: Math.max(idleTimeoutMs, valid('firstTokenTimeoutMs', 1) ?? Math.max(DEFAULT_TUNING.firstTokenTimeoutMs, idleTimeoutMs)),
    attemptsPerTurn: Math.floor(pick('attemptsPerTurn', 1)),
    retryBaseDelayMs: pick('retryBaseDelayMs', 0),
    retryAfterCapMs: pick('retryAfterCapMs', 0),
    maxOutputTokens: maxOutput === undefined ? undefined : Math.floor(maxOutput),
    // 0 turns clearing off (every result stays in full, as before issue 10).
    keepToolResults: Math.floor(pick('keepToolResults', 0)),
    commandTimeoutMs: pick('commandTimeoutMs', 1_000),
  };
}
