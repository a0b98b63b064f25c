/**
 * Secret values the process knows (API keys, the GitHub token, the local server's bearer token, values
 * read from VS Code SecretStorage). Every host registers what it resolves, and `redactSecrets` replaces
 * each one verbatim wherever it appears, whatever its shape. Values shorter than MIN_SECRET_LENGTH are
 * ignored: replacing a short common word everywhere would corrupt ordinary text.
 */
export const MIN_SECRET_LENGTH = 6;

const registered = new Set<string>();

export function registerKnownSecret(value: string | null | undefined): void {
  const trimmed = value?.trim();
  if (trimmed && trimmed.length >= MIN_SECRET_LENGTH) registered.add(trimmed);
}

export function registerKnownSecrets(values: Iterable<string | null | undefined>): void {
  for (const value of values) registerKnownSecret(value);
}

/** For a rotated or deleted secret: the old value need no longer be scrubbed. */
export function forgetKnownSecret(value: string | null | undefined): void {
  const trimmed = value?.trim();
  if (trimmed) registered.delete(trimmed);
}

export function registeredSecrets(): readonly string[] {
  return [...registered];
}
