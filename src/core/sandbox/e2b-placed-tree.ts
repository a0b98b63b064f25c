import { readdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { TinyBackspaceError } from '../errors/tiny-backspace-error';
import { normalizeRepoPath, resolveReadTarget } from '../workspace/path-guard';
import type { IsolationInfo, Sandbox, SandboxExecOptions, SandboxExecResult } from './sandbox';
import { shellJoin } from './shell-quote';

export interface E2bPlacedTreeOptions {
  readonly id: string;
  readonly isolation: IsolationInfo;
  /** Absolute directory in the E2B sandbox that holds the tree. */
  readonly workdir: string;
  /** The host copy that was uploaded (identical until a command in the sandbox changes it). */
  readonly hostDir: string;
  readonly parent: Sandbox;
  readonly run: (command: string, cwd: string, options: SandboxExecOptions) => Promise<SandboxExecResult>;
}

/**
 * A second tree inside a run's E2B sandbox (`placeTree`). Commands run in its directory in the same VM;
 * reads come from the host copy that was uploaded, which is what the tree holds before any command runs
 * (the checks read manifests first). Nothing is ever written into it from the host.
 */
export class E2bPlacedTree implements Sandbox {
  readonly kind = 'e2b';
  readonly id: string;
  readonly isolation: IsolationInfo;
  readonly workdir: string;
  private disposed = false;

  constructor(private readonly options: E2bPlacedTreeOptions) {
    this.id = options.id;
    this.isolation = options.isolation;
    this.workdir = options.workdir;
  }

  importTree(): Promise<void> {
    return Promise.reject(new Error('A placed tree is filled once, by placeTree.'));
  }

  placeTree(hostDir: string, signal: AbortSignal): Promise<Sandbox> {
    return this.options.parent.placeTree(hostDir, signal);
  }

  exec(argv: readonly string[], options: SandboxExecOptions): Promise<SandboxExecResult> {
    if (argv.length === 0) return Promise.reject(new Error('exec needs a command'));
    const cwd = options.cwd === undefined ? this.workdir : path.posix.join(this.workdir, normalizeRepoPath(options.cwd));
    return this.options.run(shellJoin(argv), cwd, options);
  }

  async readFile(relativePath: string): Promise<string> {
    return readFile(await resolveReadTarget(this.options.hostDir, relativePath), 'utf8');
  }

  writeFile(): Promise<void> {
    return Promise.reject(new TinyBackspaceError('sandbox_failed', 'A tree placed for checks is never written from the host.'));
  }

  removeFile(): Promise<void> {
    return Promise.reject(new TinyBackspaceError('sandbox_failed', 'A tree placed for checks is never written from the host.'));
  }

  async listFiles(relativeDir: string): Promise<string[]> {
    const dir = relativeDir === '' || relativeDir === '.' ? this.options.hostDir : await resolveReadTarget(this.options.hostDir, relativeDir);
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.map((entry) => (entry.isDirectory() ? `${entry.name}/` : entry.name)).sort();
  }

  /** Removes the tree's directory; a sandbox already gone (killed at the end of the run) has nothing to remove. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const controller = new AbortController();
    await this.options.run(shellJoin(['rm', '-rf', '--', this.workdir]), '/', { timeoutMs: 60_000, signal: controller.signal }).catch(() => undefined);
  }
}
