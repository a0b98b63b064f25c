import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { hostChildEnv } from '../process/child-env';
import { runProcess } from '../process/run-process';
import { TinyBackspaceError } from '../errors/tiny-backspace-error';

/**
 * Packs a host directory into one gzipped tar, so a remote sandbox receives the checkout in a single
 * upload. Nothing is excluded: the clone step already removed `.git`, and the trusted git dir lives
 * elsewhere. Symlinks are stored as links, never followed.
 */
export async function packTree(hostDir: string, signal: AbortSignal): Promise<Buffer> {
  const scratch = await mkdtemp(path.join(tmpdir(), 'tiny-backspace-tree-'));
  const archive = path.join(scratch, 'tree.tar.gz');
  try {
    const result = await runProcess(['tar', '-czf', archive, '-C', hostDir, '.'], {
      env: hostChildEnv(),
      signal,
      timeoutMs: 5 * 60_000,
      maxOutputBytes: 64 * 1024,
    });
    if (result.exitCode !== 0) {
      throw new TinyBackspaceError('sandbox_failed', `Could not pack the checkout for the sandbox: ${result.stderr.trim().slice(0, 300) || `tar exited with ${result.exitCode}`}.`, {
        remedy: 'Make sure `tar` is installed and the temporary directory has free space.',
      });
    }
    return await readFile(archive);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
