import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { TinyBackspaceError } from '../errors/tiny-backspace-error';

/** 256 random bits, URL- and header-safe. */
export function generateServerToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Below this a token is guessable enough to matter on a shared machine. */
export const MIN_TOKEN_LENGTH = 32;

export function assertUsableToken(token: string): void {
  if (token.length < MIN_TOKEN_LENGTH || /\s/.test(token)) {
    throw new TinyBackspaceError('invalid_request', `The server token must be at least ${MIN_TOKEN_LENGTH} characters without spaces.`, {
      remedy: 'Unset TINY_BACKSPACE_SERVER_TOKEN to have one generated, or use e.g. `openssl rand -base64 32`.',
    });
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * Compares in constant time. Hashing first gives both sides the same length, so neither the content
 * nor the length of the expected token leaks through timing.
 */
export function secretsMatch(provided: string, expected: string): boolean {
  return timingSafeEqual(digest(provided), digest(expected));
}

/** The credential of `Authorization: Bearer <token>`, or undefined for any other form. */
export function bearerCredential(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer[ ]+([^\s]+)[ ]*$/i.exec(header);
  return match?.[1];
}
