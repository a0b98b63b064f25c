import picomatch from 'picomatch';

/**
 * The one place repository paths are matched against globs (the offline agent's `in <scope>`, the agent's
 * List and Search tools). picomatch gives the full syntax users expect from their shell and editor:
 * `**`, `*`, `?`, braces `*.{ts,tsx}`, classes `[ab]`, extglobs `+(a|b)`, negation `!`.
 * Paths are the repository's POSIX-style relative paths. Dot files match like any other file (`dot: true`):
 * a scope of `src/**` must include `src/.eslintrc.js`.
 */

const GLOB_CHARACTERS = /[*?[\]{}()!]/;

/** Whether `pattern` is a glob rather than a plain file or directory path. */
export function isGlob(pattern: string): boolean {
  return GLOB_CHARACTERS.test(pattern) && picomatch.scan(pattern).isGlob;
}

/** A predicate for one glob, compiled once. */
export function globMatcher(glob: string): (relativePath: string) => boolean {
  return picomatch(glob, { dot: true });
}

export function normalizeScope(scope: string): string {
  return scope.trim().replace(/^\.\//, '').replace(/\/+$/, '');
}

/** Files the scope names: a glob, a directory (everything under it), or one file. */
export function filesInScope(files: readonly string[], scope: string): string[] {
  const cleaned = normalizeScope(scope);
  if (isGlob(cleaned)) {
    const matches = globMatcher(cleaned);
    return files.filter((file) => matches(file));
  }
  return files.filter((file) => file === cleaned || file.startsWith(`${cleaned}/`));
}
