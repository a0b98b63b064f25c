import { createHash } from 'node:crypto';

const STOP_WORDS = new Set(['a', 'an', 'the', 'to', 'of', 'in', 'on', 'and', 'with', 'for', 'please']);

/** A short, readable, ref-safe slug of the prompt: `add-input-validation`. */
export function slugify(prompt: string, maxLength = 32): string {
  const words = prompt
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .split(' ')
    .filter((word) => word !== '' && !STOP_WORDS.has(word));
  let slug = '';
  for (const word of words) {
    const next = slug === '' ? word : `${slug}-${word}`;
    if (next.length > maxLength) break;
    slug = next;
  }
  return slug === '' ? (words[0]?.slice(0, maxLength) ?? 'change') || 'change' : slug;
}

export interface RequestIdentity {
  /** The canonical clone URL (or the local repository path). */
  readonly repository: string;
  readonly baseSha: string;
  readonly prompt: string;
  /** `options.idempotencyKey`: when given, it alone names the request. */
  readonly idempotencyKey?: string;
}

/**
 * 12 hex characters that are the same for every attempt of one request: its idempotency key if it has
 * one, else repository + base commit + prompt. The branch carries it, so a retry lands on the same branch
 * and finds the PR an earlier attempt opened instead of opening a second one.
 */
export function requestFingerprint(identity: RequestIdentity): string {
  const material =
    identity.idempotencyKey !== undefined
      ? ['key', identity.idempotencyKey]
      : ['request', identity.repository.replace(/\/+$/, '').replace(/\.git$/, '').toLowerCase(), identity.baseSha, identity.prompt.trim().replace(/\r\n?/g, '\n')];
  return createHash('sha256').update(material.join('\0')).digest('hex').slice(0, 12);
}

/** `tiny-backspace/<slug>-<id>`; `id` is the request's fingerprint, so retries share a branch. */
export function branchName(prefix: string, prompt: string, requestId: string): string {
  const cleanPrefix = prefix
    .split('/')
    .map((part) => part.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+|[.-]+$/g, '').replace(/\.{2,}/g, '.'))
    .filter((part) => part !== '' && !part.endsWith('.lock'))
    .join('/');
  const shortId = requestId.replace(/[^a-z0-9]/gi, '').slice(0, 12).toLowerCase();
  return `${cleanPrefix || 'tiny-backspace'}/${slugify(prompt)}-${shortId}`;
}
