import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { CancelledError, abortReason, throwIfAborted } from '../errors/cancelled-error';
import { TinyBackspaceError } from '../errors/tiny-backspace-error';
import { nullLogger, type Logger } from '../logging/logger';
import { normalizeRepoPath, writablePath } from '../workspace/path-guard';
import { CappedText } from './capped-text';
import { E2B_ALL_TRAFFIC, type E2bCommandHandleLike, type E2bEgressRules, type E2bSandboxLike } from './e2b-client';
import { E2bPlacedTree } from './e2b-placed-tree';
import type { IsolationInfo, NetworkAccess, Sandbox, SandboxExecOptions, SandboxExecResult, SandboxNetworkPolicy } from './sandbox';
import { shellJoin } from './shell-quote';
import { streamTree } from './tree-archive';

export const E2B_HOME = '/home/user';
export const E2B_REPO = `${E2B_HOME}/repo`;
const IMPORT_ARCHIVE = '.tiny-backspace-tree.tar.gz';

/** The SDK's own deadline is a backstop only; ours fires first and kills the command. */
const SDK_DEADLINE_GRACE_MS = 15_000;
const CONTROL_REQUEST_TIMEOUT_MS = 15_000;
const DEFAULT_MAX_OUTPUT = 1024 * 1024;

/** Every command starts from the template's environment plus these: nothing secret, ever. */
const BASE_ENV: Readonly<Record<string, string>> = { CI: 'true', GIT_TERMINAL_PROMPT: '0', LANG: 'C.UTF-8' };

export const E2B_ISOLATION: IsolationInfo = {
  level: 'e2b',
  network: false,
  registryNetwork: true,
  summary:
    'E2B cloud sandbox: a fresh VM for this run that holds no token or key and is killed when the run ends; egress is limited by E2B to the package registries while dependencies install, and closed for checks and commands.',
};

/** The egress rules E2B enforces for a phase of the run: registries only, nothing, or (user's choice) everything. */
export function e2bEgressRules(policy: SandboxNetworkPolicy, access: NetworkAccess): E2bEgressRules | undefined {
  if (policy.commands) return undefined;
  return access === 'registries' ? { allowOut: [...policy.registries], denyOut: [E2B_ALL_TRAFFIC] } : { denyOut: [E2B_ALL_TRAFFIC] };
}

export function e2bIsolationFor(policy: SandboxNetworkPolicy): IsolationInfo {
  if (!policy.commands) return E2B_ISOLATION;
  return { ...E2B_ISOLATION, network: true, summary: 'E2B cloud sandbox: a fresh VM for this run that holds no token or key and is killed when the run ends; commands can reach the internet (you allowed it).' };
}

export interface E2bSandboxOptions {
  /** The sandbox's own lifetime at E2B; renewed while the run is active. */
  readonly lifetimeMs: number;
  readonly renewEveryMs?: number;
  /** Lifecycle lines for the run's stream. */
  readonly log?: (message: string) => void;
  readonly logger?: Logger;
  /** When this aborts (the run is cancelled) the sandbox is killed right away. */
  readonly signal?: AbortSignal;
  /** The egress policy the sandbox was created with (`registries` rules); absent: no network control. */
  readonly network?: SandboxNetworkPolicy;
}

function isNamed(error: unknown, ...names: string[]): error is Error {
  return error instanceof Error && names.includes(error.name);
}

function isCommandExit(error: unknown): error is Error & { exitCode: number } {
  return isNamed(error, 'CommandExitError') && typeof (error as { exitCode?: unknown }).exitCode === 'number';
}

function describe(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]?.slice(0, 300) ?? '';
}

/**
 * One E2B sandbox for one run. The checkout arrives as one archive (`importTree`); commands run with
 * `commands.run` and stream their output; a non-zero exit is a result. The sandbox is killed in
 * `dispose()`, which the pipeline calls on every exit path; after a host crash E2B ends it once its
 * lifetime lapses, because nobody renews it any more.
 */
export class E2bSandbox implements Sandbox {
  readonly kind = 'e2b';
  readonly workdir = E2B_REPO;
  readonly isolation: IsolationInfo;
  readonly id: string;
  /** The egress phase E2B currently enforces; the sandbox is created in the `registries` phase. */
  private networkPhase: NetworkAccess = 'registries';
  private networkChange: Promise<void> = Promise.resolve();
  private state: 'active' | 'expired' | 'disposed' = 'active';
  private renewTimer: NodeJS.Timeout | undefined;
  private disposing: Promise<void> | undefined;
  private readonly logger: Logger;
  private readonly onRunAborted = (): void => void this.dispose();

  constructor(
    private readonly sdk: E2bSandboxLike,
    private readonly options: E2bSandboxOptions,
  ) {
    this.id = sdk.sandboxId;
    this.isolation = options.network ? e2bIsolationFor(options.network) : { ...E2B_ISOLATION, network: true, summary: 'E2B cloud sandbox (no egress rules applied).' };
    this.logger = options.logger ?? nullLogger;
    const every = options.renewEveryMs ?? Math.max(1_000, Math.floor(options.lifetimeMs / 3));
    this.renewTimer = setInterval(() => void this.renew(), every);
    // A pending renewal must not keep a CLI process alive after the run.
    this.renewTimer.unref();
    if (options.signal?.aborted) void this.dispose();
    else options.signal?.addEventListener('abort', this.onRunAborted, { once: true });
  }

  get isDisposed(): boolean {
    return this.state === 'disposed';
  }

  /** Streams the checkout up as one gzipped tar (never held in memory), credential files left out. */
  async importTree(hostDir: string, signal: AbortSignal): Promise<void> {
    const bytes = await this.upload(hostDir, 'repo', IMPORT_ARCHIVE, signal);
    this.options.log?.(`Uploaded the checkout (${Math.ceil(bytes / 1024)} KiB) to E2B sandbox ${this.id}`);
  }

  /** Uploads the tree to a directory of its own under the home directory; its sandbox removes it on dispose. */
  async placeTree(hostDir: string, signal: AbortSignal): Promise<Sandbox> {
    const name = `trees/${randomUUID().slice(0, 8)}`;
    await this.upload(hostDir, name, `.tiny-backspace-${name.slice(6)}.tar.gz`, signal);
    const workdir = path.posix.join(E2B_HOME, name);
    return new E2bPlacedTree({ id: `${this.id}:${name}`, isolation: this.isolation, workdir, hostDir, parent: this, run: (command, cwd, options) => this.run(command, cwd, options) });
  }

  /** Streams the tree (credential files withheld) into the sandbox and unpacks it into `into`; returns the archive's size. */
  private async upload(hostDir: string, into: string, archiveName: string, signal: AbortSignal): Promise<number> {
    const archive = await streamTree(hostDir, signal);
    const target = path.posix.join(E2B_HOME, archiveName);
    try {
      await this.call('upload the checkout', signal, () => this.sdk.files.write(target, archive.stream, { signal, useOctetStream: true }));
    } catch (error) {
      archive.cancel();
      throw error;
    }
    await archive.finished;
    if (archive.withheld.length > 0) this.options.log?.(`Left ${archive.withheld.length} credential file(s) out of the sandbox copy (.env*, keys, credential files, links to them)`);
    const unpack = `mkdir -p ${into} && tar -xzf ${archiveName} -C ${into} --no-same-owner && rm -f ${archiveName}`;
    const result = await this.run(unpack, E2B_HOME, { timeoutMs: 5 * 60_000, signal });
    if (result.exitCode !== 0) {
      throw new TinyBackspaceError('sandbox_failed', `Could not unpack the checkout in E2B sandbox ${this.id}: ${result.stderr.trim().slice(0, 300) || `exit code ${result.exitCode}`}.`, {
        remedy: 'Use a sandbox template that has tar and enough disk space, or --sandbox local.',
      });
    }
    return archive.bytes();
  }

  async exec(argv: readonly string[], options: SandboxExecOptions): Promise<SandboxExecResult> {
    if (argv.length === 0) throw new Error('exec needs a command');
    const cwd = options.cwd === undefined ? E2B_REPO : path.posix.join(E2B_REPO, normalizeRepoPath(options.cwd));
    await this.enterNetworkPhase(options.network ?? 'none', options.signal);
    return this.run(shellJoin(argv), cwd, options);
  }

  /** Asks E2B to switch egress rules before a command of another phase runs (installs vs checks). */
  private enterNetworkPhase(access: NetworkAccess, signal: AbortSignal): Promise<void> {
    const policy = this.options.network;
    this.networkChange = this.networkChange.then(async () => {
      if (!policy || this.networkPhase === access) return;
      const rules = e2bEgressRules(policy, access);
      if (rules) await this.call('change its network rules', signal, () => this.sdk.updateNetwork({ ...rules }, { signal, requestTimeoutMs: CONTROL_REQUEST_TIMEOUT_MS }));
      this.networkPhase = access;
      this.options.log?.(access === 'registries' ? `E2B sandbox ${this.id}: network limited to ${policy.registries.join(', ')}` : `E2B sandbox ${this.id}: network closed`);
    });
    const change = this.networkChange;
    // A failed change is reported to its caller; the next caller tries again.
    this.networkChange = change.catch(() => undefined);
    return change;
  }

  async readFile(relativePath: string, signal: AbortSignal): Promise<string> {
    const target = path.posix.join(E2B_REPO, normalizeRepoPath(relativePath));
    return this.call(`read ${relativePath}`, signal, () => this.sdk.files.read(target, { signal }));
  }

  async writeFile(relativePath: string, content: string, signal: AbortSignal): Promise<void> {
    const target = path.posix.join(E2B_REPO, writablePath(relativePath));
    await this.call(`write ${relativePath}`, signal, () => this.sdk.files.write(target, content, { signal }));
  }

  async removeFile(relativePath: string, signal: AbortSignal): Promise<void> {
    const target = path.posix.join(E2B_REPO, writablePath(relativePath));
    try {
      await this.call(`remove ${relativePath}`, signal, () => this.sdk.files.remove(target, { signal }));
    } catch (error) {
      // Like `rm -f`: a file that is already gone is what we wanted.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }

  async listFiles(relativeDir: string, signal: AbortSignal): Promise<string[]> {
    const target = relativeDir === '' || relativeDir === '.' ? E2B_REPO : path.posix.join(E2B_REPO, normalizeRepoPath(relativeDir));
    const entries = await this.call(`list ${relativeDir || '.'}`, signal, () => this.sdk.files.list(target, { depth: 1, signal }));
    return entries.map((entry) => (entry.type === 'dir' ? `${entry.name}/` : entry.name)).sort();
  }

  /** Kills the sandbox; safe to call twice, concurrently, and after expiry. */
  dispose(): Promise<void> {
    this.disposing ??= this.kill();
    return this.disposing;
  }

  private async kill(): Promise<void> {
    this.state = 'disposed';
    this.stopRenewing();
    this.options.signal?.removeEventListener('abort', this.onRunAborted);
    try {
      const killed = await this.sdk.kill({ requestTimeoutMs: CONTROL_REQUEST_TIMEOUT_MS });
      this.options.log?.(killed ? `Killed E2B sandbox ${this.id}` : `E2B sandbox ${this.id} was already gone`);
    } catch (error) {
      this.logger.error('E2B sandbox kill failed', error, { sandbox: this.id });
      this.options.log?.(`Could not kill E2B sandbox ${this.id} (${describe(error)}); E2B ends it within ${Math.round(this.options.lifetimeMs / 1000)} s.`);
    }
  }

  private async run(command: string, cwd: string, options: SandboxExecOptions): Promise<SandboxExecResult> {
    const { signal } = options;
    this.assertActive();
    throwIfAborted(signal);
    const limit = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
    const stdout = new CappedText(limit);
    const stderr = new CappedText(limit);
    const handle = await this.call('start a command', signal, () =>
      this.sdk.commands.run(command, {
        background: true,
        cwd,
        envs: { ...BASE_ENV, ...options.env },
        timeoutMs: options.timeoutMs + SDK_DEADLINE_GRACE_MS,
        signal,
        onStdout: (chunk) => {
          stdout.push(chunk);
          options.onStdout?.(chunk);
        },
        onStderr: (chunk) => {
          stderr.push(chunk);
          options.onStderr?.(chunk);
        },
      }),
    );
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      void this.killCommand(handle);
    }, options.timeoutMs);
    const onAbort = (): void => void this.killCommand(handle);
    signal.addEventListener('abort', onAbort, { once: true });
    const result = (exitCode: number): SandboxExecResult => ({
      exitCode: timedOut ? 137 : exitCode,
      stdout: stdout.text(),
      stderr: stderr.text(),
      timedOut,
      truncated: stdout.truncated || stderr.truncated,
    });
    try {
      const done = await handle.wait();
      return result(done.exitCode);
    } catch (error) {
      if (signal.aborted) throw new CancelledError(abortReason(signal));
      if (isCommandExit(error)) return result(error.exitCode);
      // We killed it at the deadline and the stream ended without an exit status.
      if (timedOut) return result(137);
      throw await this.translate(error, signal, 'run a command');
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
  }

  private async killCommand(handle: E2bCommandHandleLike): Promise<void> {
    if (this.state !== 'active') return;
    try {
      await this.sdk.commands.kill(handle.pid, { requestTimeoutMs: CONTROL_REQUEST_TIMEOUT_MS });
    } catch (error) {
      this.logger.warn('E2B command kill failed', { sandbox: this.id, pid: handle.pid, error: describe(error) });
    }
  }

  private async call<T>(action: string, signal: AbortSignal, operation: () => Promise<T>): Promise<T> {
    this.assertActive();
    throwIfAborted(signal);
    try {
      return await operation();
    } catch (error) {
      throw await this.translate(error, signal, action);
    }
  }

  private assertActive(): void {
    if (this.state === 'expired') throw this.expiredError();
    if (this.state === 'disposed') {
      throw new TinyBackspaceError('sandbox_failed', `E2B sandbox ${this.id} was already shut down.`, { remedy: 'Start a new run.' });
    }
  }

  private async translate(error: unknown, signal: AbortSignal, action: string): Promise<Error> {
    if (signal.aborted) return new CancelledError(abortReason(signal));
    if (error instanceof TinyBackspaceError) return error;
    if (isNamed(error, 'FileNotFoundError')) return Object.assign(new Error(`Not found in the sandbox: ${action}`), { code: 'ENOENT' });
    if (isNamed(error, 'AuthenticationError')) {
      return new TinyBackspaceError('sandbox_failed', `E2B refused the request to ${action}: ${describe(error)}`, {
        remedy: 'Check the E2B API key (E2B_API_KEY, or the key stored in VS Code).',
        cause: error,
      });
    }
    if (this.state === 'active') {
      // Whatever went wrong, a sandbox that is no longer running explains it best.
      const running = await this.sdk.isRunning({ requestTimeoutMs: 5_000 }).catch(() => undefined);
      if (running === false) this.markExpired();
    }
    if (this.state === 'expired') return this.expiredError(error);
    return new TinyBackspaceError('sandbox_failed', `E2B sandbox ${this.id} could not ${action}: ${describe(error)}`, {
      remedy: 'Try again; if it keeps failing, check E2B status or use --sandbox local.',
      cause: error,
    });
  }

  private expiredError(cause?: unknown): TinyBackspaceError {
    return new TinyBackspaceError('sandbox_expired', `The E2B sandbox ${this.id} expired or was stopped by E2B before the run finished.`, {
      remedy: 'Run again. If runs take this long, raise the sandbox lifetime (e2b.timeoutMs) within your E2B plan limit.',
      ...(cause === undefined ? {} : { cause }),
    });
  }

  private markExpired(): void {
    if (this.state !== 'active') return;
    this.state = 'expired';
    this.stopRenewing();
    this.options.log?.(`E2B sandbox ${this.id} is no longer running (expired or stopped by E2B)`);
  }

  private async renew(): Promise<void> {
    if (this.state !== 'active') return;
    try {
      await this.sdk.setTimeout(this.options.lifetimeMs, { requestTimeoutMs: CONTROL_REQUEST_TIMEOUT_MS });
    } catch (error) {
      if (isNamed(error, 'SandboxNotFoundError')) this.markExpired();
      else this.logger.warn('E2B sandbox renewal failed', { sandbox: this.id, error: describe(error) });
    }
  }

  private stopRenewing(): void {
    if (this.renewTimer) clearInterval(this.renewTimer);
    this.renewTimer = undefined;
  }
}
