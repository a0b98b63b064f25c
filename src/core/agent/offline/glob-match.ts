/** A small glob: `**` crosses directories, `*` and `?` do not. Enough for `in src/**\/*.ts`. */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let index = 0; index < glob.length; index += 1) {
    const char = glob[index] ?? '';
    if (char === '*') {
      if (glob[index + 1] === '*') {
        const slash = glob[index + 2] === '/';
        source += slash ? '(?:.*/)?' : '.*';
        index += slash ? 2 : 1;
      } else source += '[^/]*';
    } else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

export function isGlob(pattern: string): boolean {
  return /[*?]/.test(pattern);
}

/** Files the scope names: a glob, a directory (everything under it), or one file. */
export function filesInScope(files: readonly string[], scope: string): string[] {
  const cleaned = scope.replace(/^\.\//, '').replace(/\/+$/, '');
  if (isGlob(cleaned)) {
    const pattern = globToRegExp(cleaned);
    return files.filter((file) => pattern.test(file));
  }
  return files.filter((file) => file === cleaned || file.startsWith(`${cleaned}/`));
}
