import { REDACTED, redactSecrets } from '../security/redact';

/**
 * Key names whose values are credentials whatever they look like. Matched on the key lowercased with
 * `-`/`_` removed, so `Authorization`, `x-api-key`, `githubToken` and `client_secret` all hit. Numbers
 * and booleans pass (`input_tokens: 1200` is a count, not a token).
 */
const SENSITIVE_KEY_PARTS = ['authorization', 'token', 'secret', 'password', 'passwd', 'passphrase', 'apikey', 'cookie', 'credential', 'privatekey', 'accesskey'];

/** Whole key names that are credentials but too short to match as parts (`auth` inside `author` is not). */
const SENSITIVE_KEYS = new Set(['auth', 'pat', 'pass', 'pwd']);

export function isSensitiveKey(key: string): boolean {
  const normalized = key.toLowerCase().replace(/[-_]/g, '');
  return SENSITIVE_KEYS.has(normalized) || SENSITIVE_KEY_PARTS.some((part) => normalized.includes(part));
}

/**
 * Credentials recognised by where they stand, whatever their shape: log lines quote URLs, headers and
 * JSON bodies from SDKs and git. Only the credential is replaced, so the line stays readable.
 */
const CREDENTIAL_CONTEXTS: ReadonlyArray<readonly [RegExp, string]> = [
  // https://TOKEN@host and https://user:TOKEN@host (git remotes, proxies)
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>]+@/gi, `$1${REDACTED}@`],
  // ?access_token=… and friends in query strings
  [/([?&](?:access_token|token|api_key|apikey|key|client_secret|secret|password|sig|signature|ticket)=)[^&#\s"'<>]+/gi, `$1${REDACTED}`],
  // "authorization":"Bearer …" and other credential fields inside JSON text
  [/("(?:authorization|proxy-authorization|x-api-key|api[-_]?key|access[-_]?token|refresh[-_]?token|token|secret|password|auth)"\s*:\s*")(?:[^"\\]|\\.)*"/gi, `$1${REDACTED}"`],
  // Authorization: Bearer … / Basic … wherever it appears
  [/\b(Bearer|Basic)\s+[A-Za-z0-9+/=._~-]{16,}/g, `$1 ${REDACTED}`],
];

/** A log line's text: known secrets and vendor-shaped keys (redactSecrets), then credentials by context. */
export function redactLogText(text: string, knownSecrets: readonly string[] = []): string {
  let result = redactSecrets(text, knownSecrets);
  for (const [pattern, replacement] of CREDENTIAL_CONTEXTS) result = result.replace(pattern, replacement);
  return result;
}

const MAX_DEPTH = 8;

/**
 * Returns a redacted copy of a log record: sensitive keys blanked, every string scrubbed of known
 * secrets and credential-shaped values. Never mutates the input (callers keep their objects).
 */
export function redactLogValue(value: unknown, knownSecrets: readonly string[] = [], depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactLogText(value, knownSecrets);
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof URL) return redactLogText(value.href, knownSecrets);
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return `[${value.length} bytes]`;
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Truncated]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redactLogValue(item, knownSecrets, depth + 1, seen));
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    result[key] = isSensitiveKey(key) && item !== null && typeof item !== 'number' && typeof item !== 'boolean' && item !== undefined
      ? REDACTED
      : redactLogValue(item, knownSecrets, depth + 1, seen);
  }
  return result;
}

/**
 * pino `redact` paths: the same key names at the depths they usually appear (top level, one level down,
 * request/response headers). A second net under the formatter above, which already walks every key.
 */
export const PINO_REDACT_PATHS: readonly string[] = [
  'authorization',
  'token',
  'apiKey',
  'password',
  'secret',
  '*.authorization',
  '*.Authorization',
  '*.token',
  '*.apiKey',
  '*.password',
  '*.secret',
  'headers.authorization',
  'headers["x-api-key"]',
  'req.headers.authorization',
  'req.headers.cookie',
  'request.headers.authorization',
  'res.headers["set-cookie"]',
];
