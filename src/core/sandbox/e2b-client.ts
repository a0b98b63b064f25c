import type { Sandbox as E2bSdkSandbox } from '@e2b/code-interpreter';

/**
 * The slice of the E2B SDK the adapter uses. `_sdkStillFits` below makes `tsc --strict` fail when an SDK
 * upgrade changes one of these signatures, so the break shows up in the build, not in a user's run.
 */
export interface E2bRequestOptions {
  readonly signal?: AbortSignal;
  readonly requestTimeoutMs?: number;
}

export interface E2bCommandResultLike {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly error?: string;
}

export interface E2bCommandHandleLike {
  readonly pid: number;
  /** Rejects with `CommandExitError` on a non-zero exit (a result for us, not a crash). */
  wait(): Promise<E2bCommandResultLike>;
  kill(): Promise<boolean>;
}

export interface E2bStartOptions extends E2bRequestOptions {
  readonly background: true;
  readonly cwd?: string;
  readonly envs?: Record<string, string>;
  readonly timeoutMs?: number;
  readonly onStdout?: (data: string) => void;
  readonly onStderr?: (data: string) => void;
}

export interface E2bEntryLike {
  readonly name: string;
  readonly type?: string;
}

export interface E2bSandboxLike {
  readonly sandboxId: string;
  readonly commands: {
    run(cmd: string, opts: E2bStartOptions): Promise<E2bCommandHandleLike>;
    kill(pid: number, opts?: E2bRequestOptions): Promise<boolean>;
  };
  readonly files: {
    read(path: string, opts?: E2bRequestOptions): Promise<string>;
    write(path: string, data: string | Blob | ReadableStream<Uint8Array>, opts?: E2bRequestOptions & { useOctetStream?: boolean }): Promise<unknown>;
    list(path: string, opts?: E2bRequestOptions & { depth?: number }): Promise<E2bEntryLike[]>;
    remove(path: string, opts?: E2bRequestOptions): Promise<void>;
  };
  setTimeout(timeoutMs: number, opts?: E2bRequestOptions): Promise<void>;
  isRunning(opts?: E2bRequestOptions): Promise<boolean>;
  kill(opts?: E2bRequestOptions): Promise<boolean>;
  /** Replaces the sandbox's egress rules (allowed entries win over denied ones). */
  updateNetwork(network: E2bEgressRules, opts?: E2bRequestOptions): Promise<void>;
}

export interface E2bEgressRules {
  readonly allowOut?: string[];
  readonly denyOut?: string[];
}

/** E2B's "all traffic" sentinel (the SDK exports it as ALL_TRAFFIC). */
export const E2B_ALL_TRAFFIC = '0.0.0.0/0';

// Compile-time only: the real SDK class must keep fitting the narrow interface.
const _sdkStillFits = (sandbox: E2bSdkSandbox): E2bSandboxLike => sandbox;
void _sdkStillFits;

export interface E2bConnection {
  readonly apiKey: string;
  /** Control plane; the SDK's own E2B_API_URL is read into config by the host, and passed explicitly here. */
  readonly apiUrl?: string;
  /** envd; E2B_SANDBOX_URL likewise. */
  readonly sandboxUrl?: string;
  readonly template?: string;
  readonly timeoutMs: number;
  readonly requestTimeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Egress rules from the start; without them the sandbox can reach the internet. */
  readonly network?: E2bEgressRules;
}

/** Creates a sandbox with the real SDK (loaded lazily, so runs that stay local never load it). */
export async function createE2bSdkSandbox(connection: E2bConnection): Promise<E2bSandboxLike> {
  const { Sandbox } = await import('@e2b/code-interpreter');
  const options = {
    apiKey: connection.apiKey,
    ...(connection.apiUrl ? { apiUrl: connection.apiUrl } : {}),
    ...(connection.sandboxUrl ? { sandboxUrl: connection.sandboxUrl } : {}),
    timeoutMs: connection.timeoutMs,
    requestTimeoutMs: connection.requestTimeoutMs ?? 30_000,
    // The sandbox gets no environment variables: no token or key ever enters it.
    envs: {},
    ...(connection.network ? { network: { ...connection.network } } : {}),
    ...(connection.signal ? { signal: connection.signal } : {}),
  };
  return connection.template ? Sandbox.create(connection.template, options) : Sandbox.create(options);
}
