/**
 * Value patterns for credentials that may appear in text we did not write (git stderr, SDK errors,
 * model output). Known secrets are also replaced verbatim, which catches tokens of any shape.
 */
const SECRET_PATTERNS: readonly RegExp[] = [
  /gh[pousr]_[A-Za-z0-9_]{16,}/g,
  /github_pat_[A-Za-z0-9_]{22,}/g,
  /sk-ant-[A-Za-z0-9_-]{10,}/g,
  /sk-[A-Za-z0-9_-]{20,}/g,
  /e2b_[A-Za-z0-9]{16,}/g,
  /(authorization\s*[:=]\s*)(basic|bearer|token)\s+[A-Za-z0-9+/=._~-]+/gi,
  /(x-api-key\s*[:=]\s*)[^\s,;]+/gi,
  /(https?:\/\/)[^\s/@:]+:[^\s/@]+(?=@)/gi,
];

export const REDACTED = '[REDACTED]';

export function redactSecrets(text: string, knownSecrets: readonly string[] = []): string {
  let result = text;
  for (const secret of knownSecrets) {
    if (secret.length >= 6) result = result.split(secret).join(REDACTED);
  }
  for (const pattern of SECRET_PATTERNS) {
    result = result.replace(pattern, (match, prefix?: unknown) =>
      typeof prefix === 'string' && match.startsWith(prefix) ? `${prefix}${REDACTED}` : REDACTED,
    );
  }
  return result;
}
