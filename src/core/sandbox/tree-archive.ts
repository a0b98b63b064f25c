import { spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import { CancelledError, abortReason, throwIfAborted } from '../errors/cancelled-error';
import { TinyBackspaceError } from '../errors/tiny-backspace-error';
import { hostChildEnv } from '../process/child-env';
import { listTreeForSandbox } from './secret-withholding';

export interface TreeArchiveStream {
  /** The gzipped tar, produced as it is read: never held in memory whole. */
  readonly stream: ReadableStream<Uint8Array>;
  /** Resolves when tar exited cleanly; rejects with a clear error otherwise. Await it after the upload. */
  readonly finished: Promise<void>;
  /** Bytes produced so far (the whole archive once `finished` resolved). */
  bytes(): number;
  /** What was left out because it holds credentials. */
  readonly withheld: readonly string[];
  /** Stops tar (after a failed upload). */
  cancel(): void;
}

/**
 * Packs a host directory into one gzipped tar streamed to the caller, so a remote sandbox receives the
 * checkout in one upload without the archive ever sitting in memory. The clone step already removed
 * `.git` and the trusted git dir lives elsewhere. Credential files, and links that resolve to them, are
 * left out (see secret-withholding.ts). Symlinks are stored as links, never followed.
 */
export async function streamTree(hostDir: string, signal: AbortSignal): Promise<TreeArchiveStream> {
  const { kept, withheld } = await listTreeForSandbox(hostDir, signal);
  throwIfAborted(signal);
  // An explicit NUL-separated list (any byte but NUL may be in a name), each entry once (no recursion).
  const child = spawn('tar', ['-czf', '-', '--no-recursion', '--null', '--verbatim-files-from', '-C', hostDir, '-T', '-'], {
    env: hostChildEnv(),
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: process.platform !== 'win32',
  });
  let produced = 0;
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    if (stderr.length < 4096) stderr += chunk;
  });
  child.stdout.on('data', (chunk: Buffer) => {
    produced += chunk.length;
  });
  child.stdin.on('error', () => {
    // tar failed early; its exit status and stderr tell the story.
  });
  child.stdin.end(kept.map((entry) => `${entry}\0`).join(''));
  const kill = (): void => {
    if (child.exitCode === null && child.pid !== undefined) {
      try {
        process.kill(process.platform === 'win32' ? child.pid : -child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  };
  signal.addEventListener('abort', kill, { once: true });
  const finished = new Promise<void>((resolve, reject) => {
    child.on('error', (error) =>
      reject(new TinyBackspaceError('sandbox_failed', `Could not start tar to pack the checkout: ${error.message}.`, { remedy: 'Make sure `tar` is installed.', cause: error })),
    );
    child.on('close', (code) => {
      signal.removeEventListener('abort', kill);
      if (signal.aborted) reject(new CancelledError(abortReason(signal)));
      else if (code === 0) resolve();
      else
        reject(
          new TinyBackspaceError('sandbox_failed', `Could not pack the checkout for the sandbox: ${stderr.trim().slice(0, 300) || `tar exited with ${code}`}.`, {
            remedy: 'Make sure `tar` is installed and the checkout is readable.',
          }),
        );
    });
  });
  // Keep an unhandled rejection from surfacing before the caller awaits `finished`.
  finished.catch(() => undefined);
  return { stream: Readable.toWeb(child.stdout) as ReadableStream<Uint8Array>, finished, bytes: () => produced, withheld, cancel: kill };
}
