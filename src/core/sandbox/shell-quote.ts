const SAFE_WORD = /^[A-Za-z0-9_\/.,:=@%+-]+$/;

/** Quotes one word for bash so it reaches the program verbatim: no expansion, no splitting. */
export function shellQuote(word: string): string {
  if (word !== '' && SAFE_WORD.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * E2B only runs command strings (`/bin/bash -l -c <string>`); quoting every word keeps our argv contract:
 * what the caller passed is exactly what the program gets.
 */
export function shellJoin(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}
