import { randomBytes } from 'node:crypto';
import { chmod, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';

/**
 * A file is written whole or not at all: write a sibling temp file, then rename over the target. The
 * target's permission bits survive (an executable script stays executable); bytes are written as given.
 */
export async function writeFileAtomic(target: string, content: string | Uint8Array, options: { mode?: number } = {}): Promise<void> {
  await mkdir(path.dirname(target), { recursive: true });
  const temp = path.join(path.dirname(target), `.tb-${randomBytes(6).toString('hex')}.tmp`);
  try {
    const existingMode = options.mode ?? (await stat(target).then((stats) => stats.mode & 0o7777, () => undefined));
    await writeFile(temp, content, { flag: 'wx' });
    if (existingMode !== undefined) await chmod(temp, existingMode);
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
