import { spawn } from 'node:child_process';
import { CancelledError, abortReason } from '../errors/cancelled-error';
import { TinyBackspaceError } from '../errors/tiny-backspace-error';
import { killProcessTree } from './kill-tree';

export interface RunProcessOptions {
  cwd?: string;
  /** The complete environment; nothing is inherited implicitly. */
  env: NodeJS.ProcessEnv;
  stdin?: string | Buffer;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** At most this many bytes per stream are kept, so a chatty command cannot exhaust memory. */
  maxOutputBytes?: number;
  /**
   * What happens when a stream passes `maxOutputBytes`. `fail` (the default): the command is stopped and the
   * call rejects with `output_too_large`, because a caller that parses the output must never get part of it.
   * `truncate`: keep the first bytes and set `truncated`, for callers that show output (and stream it
   * through `onStdout`/`onStderr`, which always see everything).
   */
  onOverflow?: 'fail' | 'truncate';
  onStdout?: (chunk: string) => void;
  onStderr?: (chunk: string) => void;
}

export interface ProcessResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  truncated: boolean;
}

const DEFAULT_MAX_OUTPUT = 8 * 1024 * 1024;

class OutputBuffer {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  truncated = false;

  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    if (this.size >= this.limit) {
      this.truncated = true;
      return;
    }
    const room = this.limit - this.size;
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
    if (kept.length < chunk.length) this.truncated = true;
    this.chunks.push(kept);
    this.size += kept.length;
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/**
 * Runs argv (never a shell string) in its own process group, so a timeout or cancel kills the whole
 * tree the command started, not just its first process.
 */
export function runProcess(argv: readonly string[], options: RunProcessOptions): Promise<ProcessResult> {
  const [command, ...args] = argv;
  if (command === undefined) return Promise.reject(new Error('runProcess needs a command'));
  if (options.signal?.aborted) return Promise.reject(new CancelledError(abortReason(options.signal)));

  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
      windowsHide: true,
    });
    const limit = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
    const stdout = new OutputBuffer(limit);
    const stderr = new OutputBuffer(limit);
    let timedOut = false;
    let settled = false;

    let overflowed: 'stdout' | 'stderr' | undefined;
    const killTree = (): void => {
      if (child.pid !== undefined) killProcessTree(child.pid);
    };
    const killGroup = (): void => {
      if (child.pid === undefined) return;
      try {
        if (process.platform === 'win32') child.kill('SIGKILL');
        else process.kill(-child.pid, 'SIGKILL');
      } catch {
        // The group is already gone.
      }
    };
    const failOnOverflow = (options.onOverflow ?? 'fail') === 'fail';
    const checkOverflow = (buffer: OutputBuffer, stream: 'stdout' | 'stderr'): void => {
      if (!failOnOverflow || !buffer.truncated || overflowed) return;
      overflowed = stream;
      killTree();
    };
    const onAbort = (): void => killTree();
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            killTree();
          }, options.timeoutMs);
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const cleanUp = (): void => {
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    };

    child.stdout.on('data', (chunk: Buffer) => {
      stdout.push(chunk);
      options.onStdout?.(chunk.toString('utf8'));
      checkOverflow(stdout, 'stdout');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr.push(chunk);
      options.onStderr?.(chunk.toString('utf8'));
      checkOverflow(stderr, 'stderr');
    });
    child.stdin.on('error', () => {
      // The command may exit before reading its input; its exit code tells the story.
    });
    child.on('error', (error) => {
      if (settled) return;
      settled = true;
      cleanUp();
      reject(error);
    });
    child.on('close', (code, signalName) => {
      if (settled) return;
      settled = true;
      cleanUp();
      // The leader exited; make sure nothing it left behind in its group lives on. (Its other children
      // now belong to init, so walking /proc from it would find nothing: the group kill is all there is.)
      killGroup();
      if (options.signal?.aborted) {
        reject(new CancelledError(abortReason(options.signal)));
        return;
      }
      if (overflowed) {
        const mib = Math.round((limit / (1024 * 1024)) * 10) / 10;
        reject(
          new TinyBackspaceError('output_too_large', `\`${command}${args[0] ? ` ${args[0]}` : ''}\` wrote more than ${mib} MiB to ${overflowed}; it was stopped rather than read in part.`, {
            remedy: 'Tiny Backspace reads at most this much from one command. Please report the command above; until it streams that output, repositories or changes that produce more are not supported.',
          }),
        );
        return;
      }
      resolve({
        exitCode: code ?? (signalName ? 128 + 9 : 1),
        stdout: stdout.text(),
        stderr: stderr.text(),
        timedOut,
        truncated: stdout.truncated || stderr.truncated,
      });
    });
    if (options.stdin !== undefined) child.stdin.end(options.stdin);
    else child.stdin.end();
  });
}
