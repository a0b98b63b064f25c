import { randomUUID } from 'node:crypto';
import { readFile, readdir, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { runProcess } from '../process/run-process';
import { writeFileAtomic } from '../workspace/atomic-write';
import { normalizeRepoPath, resolveReadTarget, resolveWriteTarget } from '../workspace/path-guard';
import type { IsolationInfo, Sandbox, SandboxExecOptions, SandboxExecResult } from './sandbox';

/** Turns a command into the argv that runs it under some isolation (or none). */
export interface CommandWrapper {
  readonly isolation: IsolationInfo;
  wrap(argv: readonly string[], options: { workdir: string; cwd: string; env: Record<string, string>; timeoutMs: number }): {
    argv: string[];
    env: NodeJS.ProcessEnv;
    cwd: string;
  };
}

export const NO_ISOLATION: IsolationInfo = {
  level: 'none',
  network: true,
  summary:
    'Local sandbox without isolation: commands run as you, in a temporary directory, with a time limit and an environment that holds no tokens, but they can reach the network and your files.',
};

export const DEFAULT_SANDBOX_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * The environment every sandboxed command starts from: nothing inherited, so no token or key leaks in.
 * `searchPath` may carry the host's PATH (not a secret) so tools installed elsewhere (Homebrew, nvm) are found.
 */
export function cleanSandboxEnv(home: string, searchPath: string = DEFAULT_SANDBOX_PATH): Record<string, string> {
  return {
    PATH: searchPath,
    HOME: home,
    LANG: 'C.UTF-8',
    CI: 'true',
    GIT_TERMINAL_PROMPT: '0',
  };
}

export const plainWrapper: CommandWrapper = {
  isolation: NO_ISOLATION,
  wrap(argv, { cwd, env }) {
    return { argv: [...argv], env: { ...env }, cwd };
  },
};

/** A per-run temporary directory on this machine; the pipeline owns and removes the directory itself. */
export class LocalSandbox implements Sandbox {
  readonly kind = 'local';
  readonly id = `local-${randomUUID().slice(0, 8)}`;

  constructor(
    readonly workdir: string,
    private readonly wrapper: CommandWrapper = plainWrapper,
    private readonly options: { readonly searchPath?: string } = {},
  ) {}

  get isolation(): IsolationInfo {
    return this.wrapper.isolation;
  }

  async importTree(hostDir: string): Promise<void> {
    if (path.resolve(hostDir) !== path.resolve(this.workdir)) {
      throw new Error('The local sandbox works in the run checkout itself; importing another tree is not supported.');
    }
  }

  /** The tree stays where it is on the host; commands for it run there, under the same wrapper. */
  async placeTree(hostDir: string): Promise<Sandbox> {
    return new LocalSandbox(hostDir, this.wrapper, this.options);
  }

  async exec(argv: readonly string[], options: SandboxExecOptions): Promise<SandboxExecResult> {
    const cwd = options.cwd === undefined ? this.workdir : path.join(this.workdir, normalizeRepoPath(options.cwd));
    const env = { ...cleanSandboxEnv(this.workdir, this.options.searchPath), ...options.env };
    const wrapped = this.wrapper.wrap(argv, { workdir: this.workdir, cwd, env, timeoutMs: options.timeoutMs });
    return runProcess(wrapped.argv, {
      cwd: wrapped.cwd,
      env: wrapped.env,
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      maxOutputBytes: options.maxOutputBytes ?? 1024 * 1024,
      ...(options.onStdout ? { onStdout: options.onStdout } : {}),
      ...(options.onStderr ? { onStderr: options.onStderr } : {}),
    });
  }

  async readFile(relativePath: string): Promise<string> {
    return readFile(await resolveReadTarget(this.workdir, relativePath), 'utf8');
  }

  async writeFile(relativePath: string, content: string): Promise<void> {
    await writeFileAtomic(await resolveWriteTarget(this.workdir, relativePath), content);
  }

  async removeFile(relativePath: string): Promise<void> {
    await rm(await resolveWriteTarget(this.workdir, relativePath), { force: true });
  }

  async listFiles(relativeDir: string): Promise<string[]> {
    const dir = relativeDir === '' || relativeDir === '.' ? this.workdir : await resolveReadTarget(this.workdir, relativeDir);
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.map((entry) => (entry.isDirectory() ? `${entry.name}/` : entry.name)).sort();
  }

  /** Nothing to free: the pipeline owns and removes the run directory. */
  async dispose(): Promise<void> {}
}
