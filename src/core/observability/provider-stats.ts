import type { ProviderStats, UsageTotals } from '../../protocol/health-report';
import type { RunFacts } from './run-facts';

/** Error codes that mean the model side failed, as opposed to the prompt, the budget or the repository. */
export const PROVIDER_FAILURE_CODES: ReadonlySet<string> = new Set(['provider_error', 'agent_failed']);

const ratio = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((part / whole) * 1000) / 1000);

/**
 * Per provider, over runs: tried (`attempts`), produced the change (`successes`), failed and handed over
 * (`fallbacks`), failed with nothing to take over so the run failed (`failures`).
 */
export function providerStats(runs: readonly RunFacts[]): ProviderStats[] {
  const table = new Map<string, { attempts: number; successes: number; fallbacks: number; failures: number; reasons: Map<string, number> }>();
  const row = (provider: string) => {
    let entry = table.get(provider);
    if (!entry) {
      entry = { attempts: 0, successes: 0, fallbacks: 0, failures: 0, reasons: new Map() };
      table.set(provider, entry);
    }
    return entry;
  };
  for (const run of runs) {
    const fellBack = new Set(run.fallbacks.map((fallback) => fallback.provider));
    for (const provider of run.providersTried) row(provider).attempts += 1;
    for (const provider of fellBack) row(provider).fallbacks += 1;
    for (const fallback of run.fallbacks) {
      const reasons = row(fallback.provider).reasons;
      reasons.set(fallback.reason, (reasons.get(fallback.reason) ?? 0) + 1);
    }
    if (run.servedBy) row(run.servedBy).successes += 1;
    // The provider still in charge when the agent gave up failed the run. Prompt problems (nothing to
    // replace, an instruction the offline agent does not understand) are not the provider's failure.
    const last = run.providersTried.at(-1);
    if (run.status === 'failed' && PROVIDER_FAILURE_CODES.has(run.error?.code ?? '') && last && !fellBack.has(last)) row(last).failures += 1;
  }
  return [...table.entries()]
    .map(([provider, entry]) => ({
      provider,
      attempts: entry.attempts,
      successes: entry.successes,
      fallbacks: entry.fallbacks,
      failures: entry.failures,
      success_rate: ratio(entry.successes, entry.attempts),
      fallback_rate: ratio(entry.fallbacks, entry.attempts),
      failure_rate: ratio(entry.failures, entry.attempts),
      fallback_reasons: [...entry.reasons.entries()].sort((a, b) => b[1] - a[1]).map(([reason, count]) => ({ reason, count })),
    }))
    .sort((a, b) => b.attempts - a.attempts || a.provider.localeCompare(b.provider));
}

export function usageTotals(runs: readonly RunFacts[]): UsageTotals {
  const byProvider = new Map<string, { input_tokens: number; output_tokens: number; cost_usd: number }>();
  for (const run of runs) {
    for (const usage of run.usage) {
      const entry = byProvider.get(usage.provider) ?? { input_tokens: 0, output_tokens: 0, cost_usd: 0 };
      entry.input_tokens += usage.inputTokens;
      entry.output_tokens += usage.outputTokens;
      entry.cost_usd += usage.costUsd;
      byProvider.set(usage.provider, entry);
    }
  }
  const rows = [...byProvider.entries()].map(([provider, entry]) => ({ provider, ...entry, cost_usd: roundCost(entry.cost_usd) }));
  return {
    input_tokens: rows.reduce((sum, row) => sum + row.input_tokens, 0),
    output_tokens: rows.reduce((sum, row) => sum + row.output_tokens, 0),
    cost_usd: roundCost(rows.reduce((sum, row) => sum + row.cost_usd, 0)),
    by_provider: rows.sort((a, b) => b.cost_usd - a.cost_usd || b.input_tokens - a.input_tokens),
  };
}

function roundCost(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

const DISPLAY_NAMES: Readonly<Record<string, string>> = { anthropic: 'Anthropic', openai: 'OpenAI', offline: 'The offline agent' };

export function providerDisplayName(provider: string): string {
  return DISPLAY_NAMES[provider] ?? provider;
}
