// Starts one code-server (VS Code 1.100 with a server-side Node extension host) on a free loopback port,
// with its own short-pathed user-data, extensions and temp dirs, and stops it with everything it spawned.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { codeServerBinary } from './paths';

export interface CodeServerOptions {
  /** Extra environment for code-server and so for the extension host (e.g. GITHUB_PAT, TINY_BACKSPACE_*). */
  readonly env?: Readonly<Record<string, string>>;
  /** Settings merged over the seeded defaults in the user settings.json. */
  readonly settings?: Readonly<Record<string, unknown>>;
  /** Reuse an extensions dir (e.g. one a .vsix was installed into); default: a fresh empty one. */
  readonly extensionsDir?: string;
  /** Receives code-server's stdout/stderr lines (diagnostics); default: kept for `output()`. */
  readonly onOutput?: (line: string) => void;
  /** Keep workspace trust on (a fresh folder opens in Restricted Mode until trusted). Default: off. */
  readonly workspaceTrust?: boolean;
}

export interface CodeServer {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;
  /** The authority VS Code uses for `vscode-remote://` URIs of this server. */
  readonly remoteAuthority: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  /** Everything code-server printed so far (for failure messages). */
  output(): string;
  /** Kills code-server's whole process group and removes its temp dirs. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Settings every test run needs: no welcome page stealing focus, no trust prompt, the built-in git
 * extension on (the run command reads `origin` through it), nothing reaching for the network.
 */
export const SEEDED_SETTINGS: Readonly<Record<string, unknown>> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'git.enabled': true,
  'git.autofetch': false,
  'git.openRepositoryInParentFolders': 'always',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'telemetry.telemetryLevel': 'off',
  'chat.commandCenter.enabled': false,
};

/** No marketplace: code-server would query open-vsx.org; a refused loopback port fails at once instead. */
export const NO_MARKETPLACE_ENV: Readonly<Record<string, string>> = {
  EXTENSIONS_GALLERY: JSON.stringify({ serviceUrl: 'http://127.0.0.1:9/gallery' }),
};

const HEALTH_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 5_000;

export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * The environment code-server gets. GITHUB_TOKEN is removed on purpose: code-server would take it as
 * `--github-auth` and hand a host token to the browser workbench, which a test must never do.
 */
function childEnv(tempDir: string, extra: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.GITHUB_TOKEN;
  // Variables from an outer VS Code (when a developer runs this from its terminal) confuse code-server.
  for (const key of Object.keys(env)) {
    if (key.startsWith('VSCODE_') || key === 'ELECTRON_RUN_AS_NODE') delete env[key];
  }
  return {
    ...env,
    TMPDIR: tempDir,
    ...NO_MARKETPLACE_ENV,
    ...extra,
  };
}

async function waitForHealth(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`code-server exited (${child.exitCode ?? child.signalCode}) before answering:\n${output()}`);
    }
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`code-server did not answer ${url}/healthz within ${HEALTH_TIMEOUT_MS} ms:\n${output()}`);
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    // Negative pid: the group this spawn created (code-server forks the server and extension hosts).
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

export async function startCodeServer(options: CodeServerOptions = {}): Promise<CodeServer> {
  // Short paths: VS Code puts IPC sockets under TMPDIR and the user-data dir (Unix socket paths max ~107).
  const root = await mkdtemp('/tmp/tbv-');
  const userDataDir = path.join(root, 'u');
  const extensionsDir = options.extensionsDir ?? path.join(root, 'x');
  const tempDir = path.join(root, 't');
  const configFile = path.join(root, 'config.yaml');
  await mkdir(path.join(userDataDir, 'User'), { recursive: true });
  await mkdir(extensionsDir, { recursive: true });
  await mkdir(tempDir);
  const trust = options.workspaceTrust === true ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'always' } : {};
  await writeFile(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...SEEDED_SETTINGS, ...trust, ...options.settings }, null, 2));
  // An explicit (empty) config keeps code-server from writing ~/.config/code-server/config.yaml.
  await writeFile(configFile, '');

  const port = await freeLoopbackPort();
  const url = `http://127.0.0.1:${port}`;
  const lines: string[] = [];
  const onOutput = options.onOutput ?? ((line: string) => lines.push(line));
  const child = spawn(
    codeServerBinary(),
    [
      '--config', configFile,
      '--bind-addr', `127.0.0.1:${port}`,
      '--auth', 'none',
      '--disable-telemetry',
      '--disable-update-check',
      ...(options.workspaceTrust === true ? [] : ['--disable-workspace-trust']),
      '--disable-getting-started-override',
      '--user-data-dir', userDataDir,
      '--extensions-dir', extensionsDir,
    ],
    { env: childEnv(tempDir, options.env ?? {}), stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  for (const stream of [child.stdout, child.stderr]) {
    let pending = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      pending += chunk;
      const parts = pending.split('\n');
      pending = parts.pop() ?? '';
      for (const line of parts) onOutput(line);
    });
  }
  const output = (): string => lines.join('\n');
  // The group is detached, so it would outlive a harness that exits without reaching stop() (an uncaught
  // error, process.exit). 'exit' handlers must be synchronous: a SIGKILL to the group is.
  const killOnExit = (): void => killGroup(child, 'SIGKILL');
  process.once('exit', killOnExit);

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      killGroup(child, 'SIGTERM');
      if (!(await waitForExit(child, STOP_GRACE_MS))) killGroup(child, 'SIGKILL');
      await waitForExit(child, STOP_GRACE_MS);
      // The extension host may outlive the server for a moment; make sure nothing of the group survives.
      killGroup(child, 'SIGKILL');
      process.removeListener('exit', killOnExit);
      await rm(root, { recursive: true, force: true, maxRetries: 3 });
    })();
    return stopped;
  };

  try {
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    await waitForHealth(url, child, output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, port, remoteAuthority: `127.0.0.1:${port}`, userDataDir, extensionsDir, output, stop };
}
