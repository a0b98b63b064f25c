/**
 * The largest `max_tokens` each model family accepts, from the vendors' model tables (early 2026). A
 * request above the cap is refused with a 400, and a cap far below it makes large writes impossible, so the
 * per-turn output limit is chosen per model: the configured `maxOutputTokens` when given (clamped to the
 * model's cap), else DEFAULT_TURN_OUTPUT clamped the same way. Unknown models (local servers) get
 * UNKNOWN_MODEL_OUTPUT, which every OpenAI-compatible server accepts.
 */
const CAPS: ReadonlyArray<readonly [RegExp, number]> = [
  [/^claude-opus-4-[56]/, 64_000],
  [/^claude-opus-4/, 32_000],
  [/^claude-(sonnet|haiku)-4|^claude-4-/, 64_000],
  [/^claude-3-7-sonnet/, 64_000],
  [/^claude-3-5-/, 8_192],
  [/^claude-3-/, 4_096],
  [/^gpt-5/, 128_000],
  [/^gpt-4\.1/, 32_768],
  [/^gpt-4o/, 16_384],
  [/^o[134](-mini)?/, 100_000],
];

/** Enough for a 1,500-line file in one create_file; more per turn only raises the cost of a runaway reply. */
export const DEFAULT_TURN_OUTPUT = 32_000;
export const UNKNOWN_MODEL_OUTPUT = 8_192;

export function modelOutputCap(model: string): number | undefined {
  const name = model.toLowerCase().replace(/^(openai|anthropic)\//, '');
  return CAPS.find(([pattern]) => pattern.test(name))?.[1];
}

/** Output tokens to ask for in one turn of `model`; `configured` is the user's `agent.maxOutputTokens`. */
export function turnOutputTokens(model: string, configured: number | undefined): number {
  const cap = modelOutputCap(model);
  if (cap === undefined) return configured ?? UNKNOWN_MODEL_OUTPUT;
  return Math.min(cap, configured ?? DEFAULT_TURN_OUTPUT);
}
