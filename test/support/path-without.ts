import { readdir, symlink } from 'node:fs/promises';
import * as path from 'node:path';

/**
 * A directory of links to every program on `searchPath` except `missing` (say, bwrap): a PATH on which the
 * program is honestly absent, so the code that looks it up takes the branch a user without it takes.
 */
export async function pathWithout(binDir: string, missing: readonly string[], searchPath = process.env.PATH ?? '/usr/bin:/bin'): Promise<string> {
  const linked = new Set<string>(missing);
  for (const dir of searchPath.split(path.delimiter)) {
    if (!path.isAbsolute(dir)) continue;
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names) {
      if (linked.has(name)) continue;
      linked.add(name);
      await symlink(path.join(dir, name), path.join(binDir, name));
    }
  }
  return binDir;
}
