import { REDACTED, redactSecrets } from '../security/redact';

/**
 * Key names whose values are credentials whatever they look like. Matched on the key lowercased with
 * `-`/`_` removed, so `Authorization`, `x-api-key`, `githubToken` and `client_secret` all hit. Numbers
 * and booleans pass (`input_tokens: 1200` is a count, not a token).
 */
const SENSITIVE_KEY_PARTS = ['authorization', 'token', 'secret', 'password', 'passwd', 'passphrase', 'apikey', 'cookie', 'credential', 'privatekey', 'accesskey'];

export function isSensitiveKey(key: string): boolean {
  const normalized = key.toLowerCase().replace(/[-_]/g, '');
  return SENSITIVE_KEY_PARTS.some((part) => normalized.includes(part));
}

const MAX_DEPTH = 8;

/**
 * Returns a redacted copy of a log record: sensitive keys blanked, every string scrubbed of known
 * secrets and credential-shaped values. Never mutates the input (callers keep their objects).
 */
export function redactLogValue(value: unknown, knownSecrets: readonly string[] = [], depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactSecrets(value, knownSecrets);
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof URL) return redactSecrets(value.href, knownSecrets);
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
