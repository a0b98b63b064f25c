import type { TurnUsage } from '../model/model-client';

/**
 * USD per million tokens, by model family: an ESTIMATE from the vendors' public list prices as of
 * early 2026, for showing the user roughly what a run costs and for the optional cost cap. Real bills
 * differ (batch and regional pricing, long-context surcharges, price changes). Unknown models (local
 * models on an OpenAI-compatible server among them) are priced at 0 and say so.
 */
interface Price {
  readonly input: number;
  readonly output: number;
  readonly cacheRead: number;
  /** Anthropic bills writes to the prompt cache at 1.25x input; OpenAI caches for free. */
  readonly cacheWrite: number;
}

const PRICES: ReadonlyArray<readonly [RegExp, Price]> = [
  [/^claude-opus-4-[56]/, { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 }],
  [/^claude-opus-4/, { input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75 }],
  [/^claude-(3-7-)?sonnet|^claude-sonnet/, { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 }],
  [/^claude-haiku-4|^claude-4-haiku/, { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 }],
  [/^claude-3-5-haiku/, { input: 0.8, output: 4, cacheRead: 0.08, cacheWrite: 1 }],
  [/^gpt-5(\.\d+)?-nano/, { input: 0.05, output: 0.4, cacheRead: 0.005, cacheWrite: 0 }],
  [/^gpt-5(\.\d+)?-mini/, { input: 0.25, output: 2, cacheRead: 0.025, cacheWrite: 0 }],
  [/^gpt-5/, { input: 1.25, output: 10, cacheRead: 0.125, cacheWrite: 0 }],
  [/^gpt-4\.1-nano/, { input: 0.1, output: 0.4, cacheRead: 0.025, cacheWrite: 0 }],
  [/^gpt-4\.1-mini/, { input: 0.4, output: 1.6, cacheRead: 0.1, cacheWrite: 0 }],
  [/^gpt-4\.1/, { input: 2, output: 8, cacheRead: 0.5, cacheWrite: 0 }],
  [/^gpt-4o-mini/, { input: 0.15, output: 0.6, cacheRead: 0.075, cacheWrite: 0 }],
  [/^gpt-4o/, { input: 2.5, output: 10, cacheRead: 1.25, cacheWrite: 0 }],
  [/^o4-mini|^o3-mini/, { input: 1.1, output: 4.4, cacheRead: 0.275, cacheWrite: 0 }],
  [/^o3/, { input: 2, output: 8, cacheRead: 0.5, cacheWrite: 0 }],
];

export interface CostEstimate {
  readonly usd: number;
  /** Set when the model has no price here, so the user knows the 0 is not a real price. */
  readonly note?: string;
}

export function priceOf(model: string): Price | undefined {
  const name = model.toLowerCase().replace(/^(openai|anthropic)\//, '');
  return PRICES.find(([pattern]) => pattern.test(name))?.[1];
}

export function estimateCost(model: string, usage: TurnUsage): CostEstimate {
  const price = priceOf(model);
  if (!price) return { usd: 0, note: `no price known for ${model}; its cost is counted as 0` };
  const uncached = Math.max(0, usage.inputTokens - usage.cacheReadTokens - usage.cacheWriteTokens);
  const usd =
    (uncached * price.input + usage.cacheReadTokens * price.cacheRead + usage.cacheWriteTokens * price.cacheWrite + usage.outputTokens * price.output) / 1_000_000;
  return { usd };
}
