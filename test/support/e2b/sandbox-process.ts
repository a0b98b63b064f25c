// Runs one envd `process.Process/Start` for the E2B stand-in. With bubblewrap the command sees the
// sandbox's own /home/user and /tmp at their real paths (like a VM would), and none of the host's
// home or temp directories; without bwrap it falls back to running in the mapped cwd.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

export interface ProcessSpec {
  cmd: string;
  args: string[];
  envs: Record<string, string>;
  /** Absolute path inside the sandbox. */
  cwd: string;
}

export interface ProcessExit {
  exitCode: number;
  /** envd's wording: `exit status N` or `signal: killed`. */
  status: string;
}

export interface SandboxProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<ProcessExit>;
  kill(): void;
}

const BWRAP = ['/usr/bin/bwrap', '/bin/bwrap', '/usr/local/bin/bwrap'].find((candidate) => existsSync(candidate));

export const standInUsesBubblewrap = BWRAP !== undefined;

/** Maps an absolute sandbox path into the sandbox's root directory on the host, refusing escapes. */
export function hostPathOf(root: string, sandboxPath: string): string {
  const normalized = path.posix.normalize(`/${sandboxPath}`);
  const mapped = path.join(root, normalized);
  if (mapped !== root && !mapped.startsWith(`${root}${path.sep}`)) throw new Error(`path escapes the sandbox: ${sandboxPath}`);
  return mapped;
}

export function startSandboxProcess(root: string, spec: ProcessSpec, onStdout: (chunk: Buffer) => void, onStderr: (chunk: Buffer) => void): SandboxProcess {
  const env = {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    USER: 'user',
    HOME: BWRAP ? '/home/user' : hostPathOf(root, '/home/user'),
    ...spec.envs,
  };
  const argv = BWRAP
    ? [
        BWRAP,
        '--ro-bind', '/', '/',
        '--dev', '/dev',
        '--proc', '/proc',
        '--tmpfs', '/home',
        '--tmpfs', '/root',
        '--bind', hostPathOf(root, '/home/user'), '/home/user',
        '--bind', hostPathOf(root, '/tmp'), '/tmp',
        '--chdir', spec.cwd,
        '--unshare-pid',
        '--die-with-parent',
        '--cap-drop', 'ALL',
        '--',
        spec.cmd,
        ...spec.args,
      ]
    : [spec.cmd, ...spec.args];
  const [command, ...args] = argv as [string, ...string[]];
  const child = spawn(command, args, {
    cwd: BWRAP ? root : hostPathOf(root, spec.cwd),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout?.on('data', onStdout);
  child.stderr?.on('data', onStderr);
  const exited = new Promise<ProcessExit>((resolve) => {
    child.on('error', (error) => resolve({ exitCode: 127, status: `error: ${error.message}` }));
    child.on('close', (code, signal) => resolve(signal ? { exitCode: -1, status: `signal: ${signal === 'SIGKILL' ? 'killed' : signal}` } : { exitCode: code ?? -1, status: `exit status ${code}` }));
  });
  return {
    child,
    exited,
    kill() {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    },
  };
}
