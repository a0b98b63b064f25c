// Credential check shared by git and REST: GitHub accepts the token as the Basic password (any
// username, e.g. x-access-token), as the Basic username, or as `token X` / `Bearer X`.

import { timingSafeEqual } from 'node:crypto';

export type AuthOutcome = 'anonymous' | 'valid' | 'invalid';

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export function checkAuthorization(header: string | undefined, tokens: string | readonly string[]): AuthOutcome {
  const valid = typeof tokens === 'string' ? [tokens] : tokens;
  const same = (given: string) => valid.some((token) => sameSecret(given, token));
  if (header === undefined || header.trim() === '') return 'anonymous';
  const match = /^(\S+)\s+(.*)$/.exec(header.trim());
  const scheme = match?.[1]?.toLowerCase();
  const value = match?.[2]?.trim() ?? '';
  if (scheme === 'token' || scheme === 'bearer') return same(value) ? 'valid' : 'invalid';
  if (scheme === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const user = colon < 0 ? decoded : decoded.slice(0, colon);
    const password = colon < 0 ? '' : decoded.slice(colon + 1);
    return same(password) || same(user) ? 'valid' : 'invalid';
  }
  return 'invalid';
}
