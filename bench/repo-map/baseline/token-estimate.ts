// The repository map as it was before issue 11 (commit 603428d), kept verbatim as the recall bench's baseline.
/**
 * Token counts for budgeting, estimated as characters / 4 (rounded up). That is the usual rule of thumb
 * for English and code with BPE tokenizers; it is cheap, needs no tokenizer download, and errs a little
 * high for code, which keeps a budget on the safe side. Real usage comes from the provider's reply.
 */
export const CHARS_PER_TOKEN = 4;

export function estimateTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

/** The longest prefix of `text` whose estimate fits in `tokens`. */
export function truncateToTokens(text: string, tokens: number): string {
  const limit = Math.max(0, tokens) * CHARS_PER_TOKEN;
  return text.length <= limit ? text : text.slice(0, limit);
}
