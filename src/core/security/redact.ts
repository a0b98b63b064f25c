import { MIN_SECRET_LENGTH, registeredSecrets } from './known-secrets';

/**
 * Scrubs credentials from text we did not write (git stderr, SDK errors, model output, file contents sent
 * to a model). Two passes:
 *   1. known secret values (passed in, or registered by the host: see known-secrets.ts) are replaced
 *      verbatim, which catches tokens of any shape;
 *   2. vendor-shaped tokens are replaced by pattern. Every pattern is anchored at token boundaries (no
 *      letter, digit, `_` or `-` on either side) and the token's body must look random (a digit and a
 *      long unbroken alphanumeric run), so identifiers such as `.task-card__header--highlighted-primary`
 *      or `disk-usage-threshold-warning-level` are never touched.
 * Code that is scrubbed must never be written back: see `containsRedactionMarker`.
 */
export const REDACTED = '[REDACTED]';

const TOKEN_CHAR = 'A-Za-z0-9_\\-';
const BEFORE = `(?<![${TOKEN_CHAR}])`;
const AFTER = `(?![${TOKEN_CHAR}])`;

interface SecretPattern {
  readonly pattern: RegExp;
  /** Index of the capture group holding the secret part (the rest of the match is kept). 0: all of it. */
  readonly group: number;
  /** Extra check on the secret part, for prefixes that also start ordinary words; none when undefined. */
  readonly accept?: (secret: string) => boolean;
}

function vendor(prefix: string, body: string, random = true): SecretPattern {
  return { pattern: new RegExp(`${BEFORE}(${prefix}${body})${AFTER}`, 'g'), group: 1, ...(random ? { accept: looksRandom } : {}) };
}

/** A token body that is not a word: it has a digit and a run of 10+ letters and digits without separators. */
function looksRandom(token: string): boolean {
  return /[0-9]/.test(token) && /[A-Za-z0-9]{10,}/.test(token);
}

/** A URL password that is not a placeholder such as `password` or `pass` from documentation. */
function notPlaceholder(secret: string): boolean {
  return /[0-9]/.test(secret) || secret.length >= 16;
}

const SECRET_PATTERNS: readonly SecretPattern[] = [
  vendor('gh[pousr]_', '[A-Za-z0-9]{30,}', false), // GitHub classic tokens (36 chars after the prefix today)
  vendor('github_pat_', '[A-Za-z0-9_]{40,}', false),
  vendor('sk-ant-', '[A-Za-z0-9_-]{16,}'), // Anthropic
  vendor('sk-(?:proj-|svcacct-|admin-|None-)?', '[A-Za-z0-9_-]{20,}'), // OpenAI and look-alikes
  vendor('e2b_', '[A-Za-z0-9]{16,}'),
  vendor('(?:AKIA|ASIA)', '[0-9A-Z]{16}', false), // AWS access key id
  vendor('xox[abposr]-', '[A-Za-z0-9-]{10,}'), // Slack
  vendor('xapp-', '[A-Za-z0-9-]{20,}'),
  vendor('glpat-', '[A-Za-z0-9_-]{20,}'), // GitLab
  vendor('npm_', '[A-Za-z0-9]{36}'),
  vendor('AIza', '[A-Za-z0-9_-]{35}'), // Google API key
  vendor('(?:sk|rk)_live_', '[A-Za-z0-9]{16,}'), // Stripe
  { pattern: /-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?-----END \1PRIVATE KEY-----/g, group: 0 },
  // Credentials in headers and URLs: only literal values (never `${token}` or a variable name).
  { pattern: /(?<=authorization\s*[:=]\s*["']?(?:basic|bearer|token)\s+)([A-Za-z0-9+/=._~-]{16,})/gi, group: 1, accept: looksRandom },
  { pattern: /(?<=x-api-key\s*[:=]\s*["']?)([A-Za-z0-9+/=._~-]{16,})/gi, group: 1, accept: looksRandom },
  { pattern: /(?<=https?:\/\/[^\s/@:{}$<>'"`]+:)([^\s/@:{}$<>'"`]+)(?=@)/gi, group: 1, accept: notPlaceholder },
];

function allKnown(knownSecrets: readonly string[]): string[] {
  const values = new Set<string>();
  for (const value of [...knownSecrets, ...registeredSecrets()]) if (value.length >= MIN_SECRET_LENGTH) values.add(value);
  // Longest first, so a secret that contains another is replaced whole.
  return [...values].sort((a, b) => b.length - a.length);
}

export function redactSecrets(text: string, knownSecrets: readonly string[] = []): string {
  let result = text;
  for (const secret of allKnown(knownSecrets)) if (result.includes(secret)) result = result.split(secret).join(REDACTED);
  for (const { pattern, group, accept } of SECRET_PATTERNS) {
    pattern.lastIndex = 0;
    result = result.replace(pattern, (match: string, ...groups: unknown[]) => {
      const secret = group === 0 ? match : String(groups[group - 1] ?? '');
      if (accept && !accept(secret)) return match;
      return group === 0 ? REDACTED : match.replace(secret, REDACTED);
    });
  }
  return result;
}

export function containsRedactionMarker(text: string): boolean {
  return text.includes(REDACTED);
}
