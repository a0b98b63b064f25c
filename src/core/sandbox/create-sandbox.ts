import * as path from 'node:path';
import type { SandboxMode } from '../../protocol/run-request';
import type { EngineConfig } from '../config/engine-config';
import { CancelledError, abortReason, isAbortLike } from '../errors/cancelled-error';
import { TinyBackspaceError } from '../errors/tiny-backspace-error';
import { nullLogger, type Logger } from '../logging/logger';
import { probeBubblewrap, type BubblewrapProbe } from './bubblewrap';
import { createE2bSdkSandbox, type E2bConnection, type E2bSandboxLike } from './e2b-client';
import { E2bSandbox, e2bEgressRules } from './e2b-sandbox';
import { DEFAULT_PACKAGE_REGISTRIES } from './isolation-policy';
import { DEFAULT_SANDBOX_PATH, LocalSandbox, NO_ISOLATION, plainWrapper, refusingWrapper, type CommandWrapper } from './local-sandbox';
import type { IsolationInfo, Sandbox, SandboxCreateOptions, SandboxFactory, SandboxNetworkPolicy } from './sandbox';

const DEFAULT_NETWORK: SandboxNetworkPolicy = { registries: DEFAULT_PACKAGE_REGISTRIES, commands: false };

export const DEFAULT_E2B_LIFETIME_MS = 10 * 60_000;

export interface SandboxFactoryOptions {
  readonly e2bApiKey?: () => Promise<string | undefined>;
  readonly e2b?: EngineConfig['e2b'];
  readonly logger?: Logger;
  /** Tests may swap the SDK call; production uses the real `@e2b/code-interpreter`. */
  readonly createE2bClient?: (connection: E2bConnection) => Promise<E2bSandboxLike>;
  /** Tests may force an answer; production probes bubblewrap once per factory. */
  readonly probeLocalIsolation?: () => Promise<BubblewrapProbe>;
  /** The host's PATH, so local commands find tools installed outside the system directories. */
  readonly hostPath?: string;
}

/** Absolute entries of the host PATH, then the system defaults; a relative entry would resolve inside the clone. */
export function sandboxSearchPath(hostPath: string | undefined): string {
  const defaults = process.platform === 'win32' ? [] : DEFAULT_SANDBOX_PATH.split(':');
  const entries = [...(hostPath ?? '').split(path.delimiter), ...defaults].filter((entry) => entry !== '' && path.isAbsolute(entry));
  return [...new Set(entries)].join(path.delimiter);
}

/** `auto` means E2B when a key is set, else local. An explicit `e2b` without a key is an error, not a silent downgrade. */
export async function resolveSandboxMode(mode: SandboxMode, e2bApiKey: string | undefined): Promise<'e2b' | 'local'> {
  if (mode === 'local') return 'local';
  if (e2bApiKey) return 'e2b';
  if (mode === 'auto') return 'local';
  throw new TinyBackspaceError('sandbox_failed', 'The E2B sandbox was requested, but no E2B API key is set.', {
    remedy: 'Set E2B_API_KEY (CLI/server) or store the E2B key in VS Code, or choose the local sandbox (--sandbox local).',
  });
}

/**
 * What the local sandbox offers on this machine, in words for the stream and the health view. Without
 * isolation nothing runs (`none`), unless the host opted in (`unisolated`); there is no silent middle.
 */
export function localIsolationFor(probe: BubblewrapProbe, allowUnisolated = false): { wrapper: CommandWrapper; isolation: IsolationInfo } {
  if (probe.available) return { wrapper: probe.wrapper, isolation: probe.wrapper.isolation };
  const base = allowUnisolated ? plainWrapper : refusingWrapper;
  const remedy = `${probe.reason}. ${NO_ISOLATION.remedy ?? ''}`.trim();
  const isolation: IsolationInfo = allowUnisolated
    ? { ...base.isolation, summary: `${base.isolation.summary} (Why no isolation: ${probe.reason}.)` }
    : { ...base.isolation, summary: `${base.isolation.summary} (Why: ${probe.reason}.)`, remedy };
  return { wrapper: { ...base, isolation }, isolation };
}

/** For the health view and `tiny-backspace health`: what a local run gets on this machine, in words. */
export async function describeLocalIsolation(probe: () => Promise<BubblewrapProbe> = () => probeBubblewrap(), allowUnisolated = false): Promise<IsolationInfo> {
  return localIsolationFor(await probe(), allowUnisolated).isolation;
}

export function createSandboxFactory(options: SandboxFactoryOptions = {}): SandboxFactory {
  const logger = options.logger ?? nullLogger;
  let probe: Promise<BubblewrapProbe> | undefined;
  // Probed once per host: the answer does not change while the process runs.
  const localIsolation = (): Promise<BubblewrapProbe> => {
    // bwrap is looked up on the host's PATH, the same one its commands would get.
    probe ??= (options.probeLocalIsolation ?? (() => probeBubblewrap({ PATH: options.hostPath ?? process.env.PATH })))();
    return probe;
  };

  return async (create: SandboxCreateOptions): Promise<Sandbox> => {
    const apiKey = create.mode === 'local' ? undefined : await options.e2bApiKey?.();
    const mode = await resolveSandboxMode(create.mode, apiKey);
    if (mode === 'local' || !apiKey) {
      const { wrapper } = localIsolationFor(await localIsolation(), create.allowUnisolated === true);
      return new LocalSandbox(create.hostWorkdir, wrapper, { searchPath: sandboxSearchPath(options.hostPath), network: create.network ?? DEFAULT_NETWORK });
    }
    return createE2bSandbox(apiKey, create, options, logger);
  };
}

async function createE2bSandbox(apiKey: string, create: SandboxCreateOptions, options: SandboxFactoryOptions, logger: Logger): Promise<Sandbox> {
  const e2b = options.e2b ?? {};
  const lifetimeMs = e2b.timeoutMs ?? DEFAULT_E2B_LIFETIME_MS;
  const started = Date.now();
  const network = create.network ?? DEFAULT_NETWORK;
  const rules = e2bEgressRules(network, 'registries');
  create.log(`Creating an E2B sandbox${e2b.template ? ` from template ${e2b.template}` : ''}`);
  let client: E2bSandboxLike;
  try {
    // Not given the run's signal: an aborted create request may still have started a sandbox at E2B, which
    // we would then never learn about. The call finishes, and a sandbox that arrives after a cancel is killed.
    const creating = (options.createE2bClient ?? createE2bSdkSandbox)({
      apiKey,
      ...(e2b.apiUrl ? { apiUrl: e2b.apiUrl } : {}),
      ...(e2b.sandboxUrl ? { sandboxUrl: e2b.sandboxUrl } : {}),
      ...(e2b.template ? { template: e2b.template } : {}),
      timeoutMs: lifetimeMs,
      ...(rules ? { network: rules } : {}),
    });
    client = await untilCreatedOrCancelled(creating, create.signal, (late) => {
      void late.kill({ requestTimeoutMs: 15_000 }).then(
        () => create.log(`Killed E2B sandbox ${late.sandboxId}, created after the run was cancelled`),
        (error: unknown) => logger.error('Could not kill an E2B sandbox created after cancel', error, { sandbox: late.sandboxId }),
      );
    });
  } catch (error) {
    if (create.signal.aborted || isAbortLike(error)) throw new CancelledError(create.signal.aborted ? abortReason(create.signal) : undefined);
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0]?.slice(0, 300);
    const auth = error instanceof Error && error.name === 'AuthenticationError';
    throw new TinyBackspaceError('sandbox_failed', `Could not create an E2B sandbox: ${message}`, {
      remedy: auth ? 'Check the E2B API key (E2B_API_KEY, or the key stored in VS Code).' : 'Check your network and E2B status, or use the local sandbox (--sandbox local).',
      cause: error,
    });
  }
  // The run's signal: cancelling kills the sandbox at once, even while a step is still waiting on it.
  const sandbox = new E2bSandbox(client, { lifetimeMs, log: create.log, logger, signal: create.signal, network });
  if (!rules) create.log('E2B sandbox network is open: you allowed commands to reach the network (TINY_BACKSPACE_COMMAND_NETWORK).');
  create.log(`E2B sandbox ${sandbox.id} ready in ${Date.now() - started} ms`);
  return sandbox;
}

/**
 * Waits for a sandbox create call, but gives up at once on cancel. The create call itself keeps going: what
 * it returns after the cancel goes to `onLate` (which kills it), so no sandbox is left running at E2B.
 */
export function untilCreatedOrCancelled<T>(creating: Promise<T>, signal: AbortSignal, onLate: (late: T) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let gaveUp = false;
    const onAbort = (): void => {
      gaveUp = true;
      reject(new CancelledError(abortReason(signal)));
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    creating.then(
      (created) => {
        signal.removeEventListener('abort', onAbort);
        if (gaveUp) onLate(created);
        else resolve(created);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        if (!gaveUp) reject(error);
      },
    );
  });
}
