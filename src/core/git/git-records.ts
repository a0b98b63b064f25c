import { spawn } from 'node:child_process';
import { CancelledError, abortReason } from '../errors/cancelled-error';

export interface RecordStreamOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd?: string;
  readonly signal?: AbortSignal;
  readonly timeoutMs: number;
  /** Records are split on this byte: 0 for `-z` output, 10 for line output. */
  readonly separator?: number;
}

export interface RecordStreamResult {
  readonly exitCode: number;
  readonly stderr: string;
  readonly timedOut: boolean;
  readonly records: number;
}

const STDERR_LIMIT = 64 * 1024;

/**
 * Runs git and hands each separator-terminated record of its stdout to `onRecord` as it arrives, so a
 * 100,000-file `ls-tree` neither sits in memory as one string nor meets an output cap. Only the
 * unfinished tail of the last chunk is held, and records are decoded whole, so a multi-byte character
 * split across chunks is never damaged. Same process-group kill on timeout or cancel as runProcess.
 */
export function streamGitRecords(argv: readonly string[], onRecord: (record: string) => void, options: RecordStreamOptions): Promise<RecordStreamResult> {
  if (options.signal?.aborted) return Promise.reject(new CancelledError(abortReason(options.signal)));
  const separator = options.separator ?? 0;
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...argv], {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
      windowsHide: true,
    });
    let tail: Buffer = Buffer.alloc(0);
    let stderr = '';
    let records = 0;
    let timedOut = false;
    let failure: unknown;
    let settled = false;
    const killTree = (): void => {
      if (child.pid === undefined) return;
      try {
        if (process.platform === 'win32') child.kill('SIGKILL');
        else process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killTree();
    }, options.timeoutMs);
    const onAbort = (): void => killTree();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const emit = (record: Buffer): void => {
      if (failure !== undefined) return;
      records += 1;
      try {
        onRecord(record.toString('utf8'));
      } catch (error) {
        // A consumer that gives up (e.g. a limit it enforces) stops git too.
        failure = error;
        killTree();
      }
    };
    child.stdout.on('data', (chunk: Buffer) => {
      let data = tail.length > 0 ? Buffer.concat([tail, chunk]) : chunk;
      let start = 0;
      for (let end = data.indexOf(separator, start); end >= 0; end = data.indexOf(separator, start)) {
        emit(data.subarray(start, end));
        start = end + 1;
      }
      // Copy the tail so the (possibly large) chunk it came from can be freed.
      tail = start < data.length ? Buffer.from(data.subarray(start)) : Buffer.alloc(0);
      data = tail;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < STDERR_LIMIT) stderr += chunk.toString('utf8').slice(0, STDERR_LIMIT - stderr.length);
    });
    const finish = (): void => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    };
    child.on('error', (error) => {
      if (settled) return;
      settled = true;
      finish();
      reject(error);
    });
    child.on('close', (code) => {
      if (settled) return;
      settled = true;
      finish();
      killTree();
      if (options.signal?.aborted) return reject(new CancelledError(abortReason(options.signal)));
      if (failure !== undefined) return reject(failure);
      // Output without a final separator still ends in one whole record.
      if (tail.length > 0 && code === 0) emit(tail);
      if (failure !== undefined) return reject(failure);
      resolve({ exitCode: code ?? 137, stderr, timedOut, records });
    });
  });
}
