import type { Usage } from '../../../protocol/run-events';
import type { BudgetConfig } from '../../config/engine-config';
import { TinyBackspaceError } from '../../errors/tiny-backspace-error';
import type { TurnUsage } from '../model/model-client';
import { formatDuration } from '../failures/retry-after';
import { estimateCost } from './pricing';

const BUDGET_REMEDY = 'Narrow the prompt, or raise the limit (max turns, tokens, time or cost) in the settings, and run again. No pull request was opened.';

interface ModelTally {
  provider: string;
  model: string;
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  cost: number;
}

/**
 * The run's bounds, shared by every provider in the chain and by every repair pass: turns, tokens,
 * wall-clock time and a cost cap. Hitting one ends the run with `budget_exceeded`; it never falls back to
 * another provider, since that would spend past the bound.
 *
 * Tokens are counted as the provider bills them. The token bound counts what the provider processes anew
 * each turn: uncached input, cache writes and output. Cache reads (the same prefix served again, billed at
 * about a tenth) do not count toward it, or a long conversation would "spend" its whole history again on
 * every turn; their price still counts toward the cost cap.
 */
export class RunBudget {
  turns = 0;
  private startedAt: number;
  /** Set while no pass is running: the time from then on is not the agent's. */
  private pausedAt: number | undefined;
  private readonly perModel = new Map<string, ModelTally>();
  readonly notes = new Set<string>();

  constructor(
    readonly limits: BudgetConfig,
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now();
  }

  /** The agent's time: from the first pass's start, without the pauses between passes. */
  get elapsedMs(): number {
    return (this.pausedAt ?? this.now()) - this.startedAt;
  }

  /** A pass ended (the checks run next); its time stops counting. */
  pause(): void {
    this.pausedAt ??= this.now();
  }

  /** Another pass starts: the clock runs on from where it paused. */
  resume(): void {
    if (this.pausedAt === undefined) return;
    this.startedAt += this.now() - this.pausedAt;
    this.pausedAt = undefined;
  }

  get remainingMs(): number {
    return Math.max(0, this.limits.maxWallClockMs - this.elapsedMs);
  }

  /** Billed tokens that count toward `maxTokens`: uncached input + cache writes + output. */
  get totalTokens(): number {
    let sum = 0;
    for (const entry of this.perModel.values()) sum += entry.input - entry.cacheRead + entry.output;
    return sum;
  }

  /** Turns left before `maxTurns`, for the per-turn note to the model. */
  get turnsLeft(): number {
    return Math.max(0, this.limits.maxTurns - this.turns);
  }

  get totalCostUsd(): number {
    let sum = 0;
    for (const entry of this.perModel.values()) sum += entry.cost;
    return sum;
  }

  /** Called before each model turn. */
  startTurn(): void {
    if (this.turns >= this.limits.maxTurns) {
      throw exceeded(`The agent used all ${this.limits.maxTurns} turns without finishing.`);
    }
    this.checkTime();
    this.turns += 1;
  }

  checkTime(): void {
    if (this.elapsedMs >= this.limits.maxWallClockMs) throw this.timeExceeded();
  }

  timeExceeded(): TinyBackspaceError {
    return exceeded(`The agent ran for its whole time budget of ${formatDuration(this.limits.maxWallClockMs)} without finishing.`);
  }

  /** Adds a turn's usage; returns the usage entry for the event. Throws when a bound is now exceeded. */
  record(provider: string, model: string, usage: TurnUsage): { usage: Usage; costNote?: string } {
    const cost = estimateCost(model, usage);
    if (cost.note) this.notes.add(cost.note);
    const key = `${provider}\u0000${model}`;
    const entry = this.perModel.get(key) ?? { provider, model, input: 0, output: 0, cacheRead: 0, cacheWrite: 0, cost: 0 };
    entry.input += usage.inputTokens;
    entry.output += usage.outputTokens;
    entry.cacheRead += usage.cacheReadTokens;
    entry.cacheWrite += usage.cacheWriteTokens;
    entry.cost += cost.usd;
    this.perModel.set(key, entry);
    const turnUsage: Usage = {
      provider,
      model,
      input_tokens: usage.inputTokens,
      output_tokens: usage.outputTokens,
      cache_read_tokens: usage.cacheReadTokens,
      cache_write_tokens: usage.cacheWriteTokens,
      cost_usd: roundUsd(cost.usd),
    };
    return { usage: turnUsage, ...(cost.note ? { costNote: cost.note } : {}) };
  }

  /** Throws when tokens or cost are over their bounds; called after `record` once the event is out. */
  checkSpend(): void {
    if (this.totalTokens > this.limits.maxTokens) {
      throw exceeded(`The agent used ${this.totalTokens.toLocaleString('en-US')} billed tokens (uncached input, cache writes and output), over the budget of ${this.limits.maxTokens.toLocaleString('en-US')}.`);
    }
    const cap = this.limits.maxCostUsd;
    if (cap !== undefined && this.totalCostUsd > cap) {
      throw exceeded(`The agent's estimated cost reached $${this.totalCostUsd.toFixed(4)}, over the cap of $${cap < 1 ? cap.toFixed(4) : cap.toFixed(2)}.`);
    }
  }

  /** A short line the loop appends to each turn's request, so the model can pace itself. */
  describeLeft(): string {
    const parts = [`${this.turnsLeft} of ${this.limits.maxTurns} turns`, `${formatDuration(this.remainingMs)} of time`];
    const cap = this.limits.maxCostUsd;
    if (cap !== undefined) parts.push(`~$${Math.max(0, cap - this.totalCostUsd).toFixed(2)} of $${cap.toFixed(2)}`);
    return `Budget left: ${parts.join(', ')}.`;
  }

  /** One line for the final summary: tokens and estimated cost per provider and model. */
  describe(): string {
    const parts = this.summary().map(
      (entry) =>
        `${entry.provider} (${entry.model}) ${entry.input_tokens.toLocaleString('en-US')} input (${(entry.cache_read_tokens ?? 0).toLocaleString('en-US')} read from cache, ${(entry.cache_write_tokens ?? 0).toLocaleString('en-US')} written to it) / ${entry.output_tokens.toLocaleString('en-US')} output tokens, ~$${entry.cost_usd.toFixed(4)}`,
    );
    return parts.length === 0 ? 'no model tokens used' : `${parts.join('; ')}; total ~$${this.totalCostUsd.toFixed(4)} (estimated from list prices)`;
  }

  /** Usage per provider and model, for the agent result and the final summary. */
  summary(): Usage[] {
    return [...this.perModel.values()].map((entry) => ({
      provider: entry.provider,
      model: entry.model,
      input_tokens: entry.input,
      output_tokens: entry.output,
      cache_read_tokens: entry.cacheRead,
      cache_write_tokens: entry.cacheWrite,
      cost_usd: roundUsd(entry.cost),
    }));
  }
}

export function roundUsd(usd: number): number {
  return Math.round(usd * 1_000_000) / 1_000_000;
}

function exceeded(message: string): TinyBackspaceError {
  return new TinyBackspaceError('budget_exceeded', message, { remedy: BUDGET_REMEDY });
}
