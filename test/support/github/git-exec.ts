// Async git child processes for the stand-in. Never synchronous: the stand-in usually shares its
// process with the test that drives git against it, and a blocking call would deadlock both.

import { spawn, type ChildProcess } from 'node:child_process';

export interface GitResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

export interface GitRunOptions {
  cwd?: string;
  input?: Buffer | string;
  /** Extra variables on top of the isolated base environment. */
  env?: Record<string, string>;
  /** Exit codes that resolve instead of reject (default only 0). */
  okCodes?: readonly number[];
}

/** The host's environment minus anything git would read as configuration or repository location. */
export function isolatedGitEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith('GIT_')) env[key] = value;
  }
  return {
    ...env,
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    LC_ALL: 'C',
    ...extra,
  };
}

/** Runs git and remembers live children so `killAll` can stop them when the stand-in closes. */
export class GitRunner {
  private readonly live = new Set<ChildProcess>();

  run(args: readonly string[], options: GitRunOptions = {}): Promise<GitResult> {
    const okCodes = options.okCodes ?? [0];
    return new Promise((resolve, reject) => {
      const child = spawn('git', [...args], {
        cwd: options.cwd,
        env: isolatedGitEnv(options.env),
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      this.live.add(child);
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
      // A child killed on close() may see EPIPE on stdin; the exit handler reports the failure.
      child.stdin.on('error', () => undefined);
      child.on('error', (error) => {
        this.live.delete(child);
        reject(error);
      });
      child.on('close', (code, signal) => {
        this.live.delete(child);
        const result: GitResult = {
          code: code ?? -1,
          stdout: Buffer.concat(out),
          stderr: Buffer.concat(err).toString('utf8'),
        };
        if (code !== null && okCodes.includes(code)) resolve(result);
        else {
          const how = signal === null ? `exit ${String(code)}` : `signal ${signal}`;
          reject(new Error(`git ${args.join(' ')} failed (${how}): ${result.stderr.trim()}`));
        }
      });
      child.stdin.end(options.input ?? '');
    });
  }

  killAll(): void {
    for (const child of this.live) child.kill('SIGKILL');
    this.live.clear();
  }
}
