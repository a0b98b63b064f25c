import { randomUUID } from 'node:crypto';
import { readFile, readdir, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { TinyBackspaceError } from '../errors/tiny-backspace-error';
import { runProcess } from '../process/run-process';
import { writeFileAtomic } from '../workspace/atomic-write';
import { normalizeRepoPath, resolveReadTarget, resolveWriteTarget } from '../workspace/path-guard';
import { NO_ISOLATION_REMEDY } from './isolation-policy';
import { startRegistryProxy, type RegistryProxy } from './registry-proxy';
import type { IsolationInfo, NetworkAccess, Sandbox, SandboxExecOptions, SandboxExecResult, SandboxNetworkPolicy } from './sandbox';
import { withholdSecretFiles } from './secret-withholding';

/** Turns a command into the argv that runs it under some isolation (or none). */
export interface CommandWrapper {
  readonly isolation: IsolationInfo;
  /** Whether `wrap` can route a `registries` command through a registry proxy socket. */
  readonly registryProxy?: boolean;
  wrap(
    argv: readonly string[],
    options: {
      workdir: string;
      cwd: string;
      env: Record<string, string>;
      timeoutMs: number;
      network?: NetworkAccess;
      policy?: SandboxNetworkPolicy;
      /** For `registries`: the Unix socket of this command's registry proxy (see registry-proxy.ts). */
      registryProxySocket?: string;
    },
  ): {
    argv: string[];
    env: NodeJS.ProcessEnv;
    cwd: string;
  };
}

/** Nothing isolates here and the user did not opt in: repository code does not run at all. */
export const NO_ISOLATION: IsolationInfo = {
  level: 'none',
  network: false,
  summary: 'No sandbox isolation on this machine, so repository code will not run: no checks, no dependency install, no command tool. The run still ends in a pull request.',
  remedy: NO_ISOLATION_REMEDY,
};

/** The user opted in (host setting, never a request): commands run as the user. */
export const UNISOLATED: IsolationInfo = {
  level: 'unisolated',
  network: true,
  registryNetwork: true,
  summary:
    'Local sandbox WITHOUT isolation (you opted in): repository commands run as you, in a temporary directory, with a time limit and an environment that holds no tokens, but they can read your files, reach the network, and read the environment of their parent processes.',
};

function refuseWithoutIsolation(): never {
  throw new TinyBackspaceError('isolation_unavailable', 'Repository code does not run here: this machine has no sandbox isolation.', { remedy: NO_ISOLATION_REMEDY });
}

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

/** Runs commands as they are; only for the opted-in unisolated sandbox. */
export const plainWrapper: CommandWrapper = {
  isolation: UNISOLATED,
  wrap(argv, { cwd, env }) {
    return { argv: [...argv], env: { ...env }, cwd };
  },
};

/** Runs nothing: the sandbox of a machine without isolation. */
export const refusingWrapper: CommandWrapper = {
  isolation: NO_ISOLATION,
  wrap: refuseWithoutIsolation,
};

/** A per-run temporary directory on this machine; the pipeline owns and removes the directory itself. */
export class LocalSandbox implements Sandbox {
  readonly kind = 'local';
  readonly id = `local-${randomUUID().slice(0, 8)}`;

  constructor(
    readonly workdir: string,
    private readonly wrapper: CommandWrapper = refusingWrapper,
    private readonly options: { readonly searchPath?: string; readonly network?: SandboxNetworkPolicy } = {},
  ) {}

  get isolation(): IsolationInfo {
    const isolation = this.wrapper.isolation;
    if (isolation.level !== 'bubblewrap') return isolation;
    const policy = this.options.network;
    if (policy?.commands) return { ...isolation, network: true, registryNetwork: true, summary: `${isolation.summary} Network: allowed for commands (you allowed it).` };
    // Installs reach the registries only through this sandbox's proxy, and only if some are allowed.
    const registries = this.wrapper.registryProxy === true && (policy?.registries.length ?? 0) > 0;
    return registries === isolation.registryNetwork ? isolation : { ...isolation, registryNetwork: registries };
  }

  /**
   * The local sandbox works in the run checkout itself. Credential files are taken out of it (the commit is
   * built from git objects, so they stay in the repository): a sandboxed command never reads them.
   */
  async importTree(hostDir: string, signal: AbortSignal): Promise<void> {
    if (path.resolve(hostDir) !== path.resolve(this.workdir)) {
      throw new Error('The local sandbox works in the run checkout itself; importing another tree is not supported.');
    }
    await withholdSecretFiles(this.workdir, signal);
  }

  /** The tree stays where it is on the host; commands for it run there, under the same wrapper. */
  async placeTree(hostDir: string): Promise<Sandbox> {
    return new LocalSandbox(hostDir, this.wrapper, this.options);
  }

  async exec(argv: readonly string[], options: SandboxExecOptions): Promise<SandboxExecResult> {
    const cwd = options.cwd === undefined ? this.workdir : path.join(this.workdir, normalizeRepoPath(options.cwd));
    if (this.isolation.level === 'none') refuseWithoutIsolation();
    const env = { ...cleanSandboxEnv(this.workdir, this.options.searchPath), ...options.env };
    const network = options.network ?? 'none';
    const policy = this.options.network;
    // An install's only way out: a proxy for this one command that lets it reach the allowed registries.
    const proxy: RegistryProxy | undefined =
      network === 'registries' && this.wrapper.registryProxy && !policy?.commands && (policy?.registries.length ?? 0) > 0
        ? await startRegistryProxy(policy?.registries ?? [])
        : undefined;
    try {
      const wrapped = this.wrapper.wrap(argv, {
        workdir: this.workdir,
        cwd,
        env,
        timeoutMs: options.timeoutMs,
        network,
        ...(policy ? { policy } : {}),
        ...(proxy ? { registryProxySocket: proxy.socketPath } : {}),
      });
      const result = await this.run(wrapped, options);
      if (!proxy || proxy.denied.length === 0) return result;
      const note = `\n[tiny-backspace] refused: ${[...new Set(proxy.denied)].join(', ')} (only the package registries ${policy?.registries.join(', ')} are reachable while installing; see TINY_BACKSPACE_PACKAGE_REGISTRIES)\n`;
      options.onStderr?.(note);
      return { ...result, stderr: `${result.stderr}${note}` };
    } finally {
      await proxy?.close();
    }
  }

  private run(wrapped: { argv: string[]; env: NodeJS.ProcessEnv; cwd: string }, options: SandboxExecOptions): Promise<SandboxExecResult> {
    return runProcess(wrapped.argv, {
      cwd: wrapped.cwd,
      env: wrapped.env,
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      maxOutputBytes: options.maxOutputBytes ?? 1024 * 1024,
      // A sandboxed command's output is shown, not parsed: keep its head, say `truncated`, stream the rest.
      onOverflow: 'truncate',
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
