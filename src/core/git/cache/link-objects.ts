import { copyFile, link, mkdir, readdir } from 'node:fs/promises';
import * as path from 'node:path';

/**
 * Hard-links the mirror's objects into the run's git directory (a copy where links are not possible).
 * The run then owns its objects: a later repack or eviction of the mirror cannot pull them away, and
 * nothing the run writes (its commit) lands in the shared mirror.
 */
export async function linkObjects(mirror: string, runGitDir: string): Promise<void> {
  const from = path.join(mirror, 'objects');
  const to = path.join(runGitDir, 'objects');
  for (const dir of await readdir(from)) {
    if (dir !== 'pack' && !/^[0-9a-f]{2}$/.test(dir)) continue;
    await mkdir(path.join(to, dir), { recursive: true });
    for (const file of await readdir(path.join(from, dir))) {
      if (dir === 'pack' && !/\.(pack|idx|rev)$/.test(file)) continue;
      const source = path.join(from, dir, file);
      const destination = path.join(to, dir, file);
      await link(source, destination).catch(async (error: NodeJS.ErrnoException) => {
        if (error.code === 'EEXIST') return;
        await copyFile(source, destination);
      });
    }
  }
  await copyFile(path.join(mirror, 'shallow'), path.join(runGitDir, 'shallow')).catch(() => undefined);
}

