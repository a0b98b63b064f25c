import { constants } from 'node:fs';
import { access, lstat, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import * as path from 'node:path';
import { runProcess } from '../process/run-process';
import type { CommandWrapper } from './local-sandbox';
import type { IsolationInfo } from './sandbox';

/** Where the clone appears inside the sandbox; HOME is its parent, a throwaway tmpfs. */
export const BWRAP_HOME = '/home/user';
export const BWRAP_REPO = `${BWRAP_HOME}/repo`;

/** No single file a sandboxed command writes may grow past this (RLIMIT_FSIZE), so it cannot fill the disk. */
export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024 * 1024;

export const BUBBLEWRAP_ISOLATION: IsolationInfo = {
  level: 'bubblewrap',
  network: false,
  // A sandbox turns this on when it has a registry proxy (socat) and some registries are allowed.
  registryNetwork: false,
  summary:
    'Local sandbox isolated with bubblewrap: no network (dependency installs reach only the package registries, through a filtering proxy), your files read-only and home directories hidden, only the clone writable, no capabilities, its own PID namespace, a clean environment and a time limit.',
};

/** Hidden behind an empty tmpfs: temp dirs, homes, and /run (a read-only bind does not stop connect() on docker.sock). */
export const DEFAULT_HIDDEN_PATHS: readonly string[] = ['/tmp', '/var/tmp', '/run', '/root', '/home'];

export interface BubblewrapTools {
  readonly bwrap: string;
  /** `socat` bridges the sandbox's loopback to the registry proxy's socket; without it installs get no network. */
  readonly socat?: string;
  /** `prlimit` caps file sizes; without it the other limits still hold. */
  readonly prlimit?: string;
}

export interface BubblewrapWrapperOptions extends BubblewrapTools {
  readonly maxFileBytes?: number;
  /** Directories to hide (those of DEFAULT_HIDDEN_PATHS that exist here, plus an unusual $HOME); computed by the probe. */
  readonly hiddenPaths?: readonly string[];
}

/**
 * The verified flag set from ../shared/notes/stand-ins.md, plus hiding /run (see DEFAULT_HIDDEN_PATHS) and
 * the run directory that holds the trusted git dir.
 * `--cap-drop ALL` matters most when we run as root: without it a sandboxed command could remount / rw.
 * The environment is not passed as --setenv (argv is visible in `ps`): bwrap hands its own, already clean,
 * environment to the command.
 */
/** Where the registry proxy's socket appears inside the sandbox, and the port socat serves it on. */
export const PROXY_SOCKET_INSIDE = '/home/.tiny-backspace-registry.sock';
export const PROXY_PORT_INSIDE = 3128;

/**
 * Runs argv behind a loopback listener that forwards to the registry proxy socket, once it accepts
 * connections (bounded wait), with the proxy variables npm, pip and friends honour.
 */
export function throughRegistryProxy(argv: readonly string[], socat: string): string[] {
  const listen = `${socat} TCP-LISTEN:${PROXY_PORT_INSIDE},bind=127.0.0.1,fork,reuseaddr UNIX-CONNECT:${PROXY_SOCKET_INSIDE} 2>/dev/null &`;
  const ready = `i=0; until ${socat} -u OPEN:/dev/null TCP:127.0.0.1:${PROXY_PORT_INSIDE} 2>/dev/null; do i=$((i+1)); [ "$i" -gt 300 ] && break; sleep 0.01; done`;
  return ['/bin/sh', '-c', `${listen}\n${ready}\nexec "$@"`, 'tiny-backspace-install', ...argv];
}

export const PROXY_ENV: Readonly<Record<string, string>> = Object.fromEntries(
  ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'npm_config_https_proxy', 'npm_config_proxy'].map((name) => [name, `http://127.0.0.1:${PROXY_PORT_INSIDE}`]),
);

export function bubblewrapArgs(
  hostWorkdir: string,
  innerCwd: string,
  hiddenPaths: readonly string[] = DEFAULT_HIDDEN_PATHS,
  shareNetwork = false,
  proxySocket?: string,
): string[] {
  // /home is always a fresh tmpfs: the clone's mount point lives in it.
  const hide = new Set(['/home', ...hiddenPaths]);
  const runDir = path.dirname(path.resolve(hostWorkdir));
  // The clone's parent is this run's private directory (it also holds the git dir); hide it unless it is a top-level system directory.
  if (runDir.split('/').filter(Boolean).length >= 2) hide.add(runDir);
  const args = ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc'];
  for (const hidden of [...hide].sort((a, b) => a.length - b.length)) args.push('--tmpfs', hidden);
  // After the tmpfs over /home (always mounted), so the socket shows through it.
  if (proxySocket) args.push('--bind', proxySocket, PROXY_SOCKET_INSIDE);
  args.push(
    '--bind',
    hostWorkdir,
    BWRAP_REPO,
    '--chdir',
    innerCwd,
    // Own user, PID, IPC, UTS, cgroup and network namespaces: the command sees no host process (so no
    // parent's /proc/PID/environ) and, unless the user allowed it, no network.
    '--unshare-all',
    ...(shareNetwork ? ['--share-net'] : []),
    '--cap-drop',
    'ALL',
    '--die-with-parent',
    '--new-session',
  );
  return args;
}

/** Maps a host cwd inside the clone to the same place under BWRAP_REPO. */
export function innerPath(hostWorkdir: string, hostCwd: string): string {
  const relative = path.relative(hostWorkdir, hostCwd);
  if (relative === '') return BWRAP_REPO;
  if (relative.startsWith('..') || path.isAbsolute(relative)) throw new Error(`cwd ${hostCwd} is outside the sandbox workdir`);
  return path.posix.join(BWRAP_REPO, ...relative.split(path.sep));
}

export function createBubblewrapWrapper(options: BubblewrapWrapperOptions): CommandWrapper {
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const socat = options.socat;
  return {
    isolation: socat ? BUBBLEWRAP_ISOLATION : { ...BUBBLEWRAP_ISOLATION, registryNetwork: false, summary: `${BUBBLEWRAP_ISOLATION.summary} (socat is missing, so dependency installs get no network either.)` },
    registryProxy: socat !== undefined,
    wrap(argv, { workdir, cwd, env, policy, network, registryProxySocket }) {
      const shareNetwork = policy?.commands === true;
      const proxied = network === 'registries' && registryProxySocket !== undefined && socat !== undefined && !shareNetwork;
      const inner = proxied ? throughRegistryProxy(argv, socat) : [...argv];
      const bwrap = [options.bwrap, ...bubblewrapArgs(workdir, innerPath(workdir, cwd), options.hiddenPaths, shareNetwork, proxied ? registryProxySocket : undefined), '--', ...inner];
      const limited = options.prlimit ? [options.prlimit, `--fsize=${maxFileBytes}`, '--', ...bwrap] : bwrap;
      // HOME is the tmpfs parent of the clone: caches written there vanish with the sandbox.
      return { argv: limited, env: { ...env, HOME: BWRAP_HOME, ...(proxied ? PROXY_ENV : {}) }, cwd: workdir };
    },
  };
}

async function findExecutable(name: string, searchPath: string | undefined): Promise<string | undefined> {
  for (const dir of (searchPath ?? '/usr/local/bin:/usr/bin:/bin').split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here; keep looking.
    }
  }
  return undefined;
}

export type BubblewrapProbe =
  | { readonly available: true; readonly wrapper: CommandWrapper; readonly tools: BubblewrapTools }
  | { readonly available: false; readonly reason: string };

async function isRealDirectory(candidate: string): Promise<boolean> {
  const stat = await lstat(candidate).catch(() => undefined);
  return stat?.isDirectory() ?? false;
}

/**
 * The default hidden paths that exist here as real directories (bwrap cannot mount over a missing one on a
 * read-only root, and /var/run is usually a link into /run), plus an unusual home directory.
 */
async function hiddenPathsHere(): Promise<string[]> {
  const hidden: string[] = [];
  for (const candidate of [...DEFAULT_HIDDEN_PATHS, '/var/run']) if (await isRealDirectory(candidate)) hidden.push(candidate);
  const home = homedir();
  const usual = !home || home === '/' || home === '/home' || home.startsWith('/home/') || home === '/root';
  if (!usual && (await isRealDirectory(home))) hidden.push(home);
  return hidden;
}

/**
 * Finds bwrap and proves it can build the sandbox here (user namespaces may be disabled, e.g. in some
 * containers). Cheap (~5 ms per sandbox start), so a host runs it once and caches the answer.
 */
export async function probeBubblewrap(env: NodeJS.ProcessEnv = process.env): Promise<BubblewrapProbe> {
  if (process.platform !== 'linux') return { available: false, reason: `bubblewrap is Linux-only (this is ${process.platform})` };
  const bwrap = await findExecutable('bwrap', env.PATH);
  if (!bwrap) return { available: false, reason: 'bubblewrap (bwrap) is not installed; on Debian/Ubuntu: apt-get install bubblewrap' };
  const prlimit = await findExecutable('prlimit', env.PATH);
  const socat = await findExecutable('socat', env.PATH);
  const hiddenPaths = await hiddenPathsHere();
  const wrapper = createBubblewrapWrapper({ bwrap, ...(prlimit ? { prlimit } : {}), ...(socat ? { socat } : {}), hiddenPaths });
  const probeRoot = await mkdtemp(path.join(tmpdir(), 'tiny-backspace-bwrap-probe-'));
  try {
    const workdir = path.join(probeRoot, 'work');
    await mkdir(workdir);
    const wrapped = wrapper.wrap(['/bin/sh', '-c', 'echo sandbox-ok'], { workdir, cwd: workdir, env: { PATH: '/usr/bin:/bin' }, timeoutMs: 10_000 });
    const result = await runProcess(wrapped.argv, { cwd: wrapped.cwd, env: wrapped.env, timeoutMs: 10_000, maxOutputBytes: 64 * 1024, onOverflow: 'truncate' });
    if (result.exitCode === 0 && result.stdout.trim() === 'sandbox-ok') return { available: true, wrapper, tools: { bwrap, ...(prlimit ? { prlimit } : {}), ...(socat ? { socat } : {}) } };
    const why = (result.stderr.trim().split('\n')[0] ?? '').slice(0, 200) || `exit code ${result.exitCode}`;
    return { available: false, reason: `bubblewrap is installed but cannot create a sandbox here (${why}); user namespaces may be disabled` };
  } catch (error) {
    return { available: false, reason: `bubblewrap could not be started (${error instanceof Error ? error.message : String(error)})` };
  } finally {
    await rm(probeRoot, { recursive: true, force: true });
  }
}
