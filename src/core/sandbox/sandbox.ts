import type { SandboxMode } from '../../protocol/run-request';

export interface SandboxExecOptions {
  /** Working directory relative to the sandbox's workdir; defaults to the workdir itself. */
  readonly cwd?: string;
  /** Extra variables; the sandbox starts from a clean environment with no secrets. */
  readonly env?: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  readonly maxOutputBytes?: number;
  readonly onStdout?: (chunk: string) => void;
  readonly onStderr?: (chunk: string) => void;
  /**
   * What the command may reach. `none` (the default) for checks and agent commands; `registries` only for
   * dependency installs, limited to the configured package registries where the sandbox can enforce it.
   */
  readonly network?: NetworkAccess;
}

export type NetworkAccess = 'none' | 'registries';

export interface SandboxExecResult {
  /** A non-zero exit is a result, not an error. */
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  readonly truncated: boolean;
}

/**
 * `none`: no isolation here, so repository code does not run at all (no checks, installs or command tool).
 * `unisolated`: no isolation either, but the user opted in on this machine, so commands run as the user.
 */
export type IsolationLevel = 'e2b' | 'bubblewrap' | 'unisolated' | 'none';

export interface IsolationInfo {
  readonly level: IsolationLevel;
  /** One sentence for the user: what this sandbox does and does not protect against. */
  readonly summary: string;
  /** Whether checks and agent commands can reach the network (only when the user allowed it). */
  readonly network: boolean;
  /** Whether dependency installs can reach the allowed package registries. */
  readonly registryNetwork?: boolean;
  /** For `none`: why there is no isolation and how to get it. */
  readonly remedy?: string;
}

/**
 * Where commands derived from repository content run. Git and GitHub calls that need the token stay on
 * the host, in a git directory the sandbox cannot see or change.
 */
export interface Sandbox {
  readonly kind: 'local' | 'e2b';
  readonly id: string;
  readonly isolation: IsolationInfo;
  /** Absolute path of the repository checkout inside the sandbox. */
  readonly workdir: string;
  /** Makes the host checkout available at `workdir` (a no-op when they are the same directory). */
  importTree(hostDir: string, signal: AbortSignal): Promise<void>;
  /**
   * Places another host tree in a directory of its own and returns a sandbox rooted there, with the same
   * isolation and lifetime (the checks run each tree they test in one of these). Disposing the returned
   * sandbox frees only that directory; the caller still owns `hostDir`.
   */
  placeTree(hostDir: string, signal: AbortSignal): Promise<Sandbox>;
  exec(argv: readonly string[], options: SandboxExecOptions): Promise<SandboxExecResult>;
  readFile(relativePath: string, signal: AbortSignal): Promise<string>;
  writeFile(relativePath: string, content: string, signal: AbortSignal): Promise<void>;
  removeFile(relativePath: string, signal: AbortSignal): Promise<void>;
  listFiles(relativeDir: string, signal: AbortSignal): Promise<string[]>;
  /** Frees everything; safe to call twice and after a failure. */
  dispose(): Promise<void>;
}

export interface SandboxCreateOptions {
  readonly mode: SandboxMode;
  /** Host directory of this run's checkout; the local sandbox works in it directly. */
  readonly hostWorkdir: string;
  readonly signal: AbortSignal;
  readonly log: (message: string) => void;
  /** Host policy (CLI flag, environment, machine setting), never a request field: run unisolated when nothing isolates. */
  readonly allowUnisolated?: boolean;
  /** Host policy: where dependency installs may connect, and whether other commands get network. */
  readonly network?: SandboxNetworkPolicy;
}

export interface SandboxNetworkPolicy {
  /** Host names (`registry.npmjs.org`, `*.pythonhosted.org`) dependency installs may reach. */
  readonly registries: readonly string[];
  /** Checks and agent commands get network only when this is true. */
  readonly commands: boolean;
}

export type SandboxFactory = (options: SandboxCreateOptions) => Promise<Sandbox>;
