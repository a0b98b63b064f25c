import { mkdir, rm } from 'node:fs/promises';
import * as path from 'node:path';
import type { Git } from '../git/git';
import type { Sandbox, SandboxExecOptions, SandboxExecResult } from '../sandbox/sandbox';
import { normalizeRepoPath } from '../workspace/path-guard';

export interface CheckTreeSource {
  readonly git: Git;
  /** The trusted git directory (never visible to the sandbox). */
  readonly gitDir: string;
  /** The run's temporary directory; trees are made under `<runDir>/trees/`. */
  readonly runDir: string;
  readonly sandbox: Sandbox;
}

/**
 * Writes a git tree object (a commit's tree, or the tree about to be committed) into an empty host
 * directory through a private index: every path, mode (100644, 100755, 120000) and byte as git has it,
 * nothing from any working copy.
 */
export async function materializeTree(git: Git, gitDir: string, treeish: string, hostDir: string, signal: AbortSignal): Promise<void> {
  await mkdir(hostDir, { recursive: true });
  const call = { signal, env: { GIT_INDEX_FILE: `${hostDir}.index` } };
  try {
    await git.run(['--git-dir', gitDir, 'read-tree', treeish], call);
    await git.run(['--git-dir', gitDir, '--work-tree', hostDir, 'checkout-index', '--all', '--force'], call);
  } finally {
    await rm(`${hostDir}.index`, { force: true });
  }
}

let counter = 0;

/**
 * A fresh copy of `treeish` for one round of checks, placed in the sandbox in a directory of its own:
 * whatever the checks write there (`eslint --fix`, build output, a deleted file) stays there, and is
 * gone when the round ends. The commit and the agent never look at it. The copy is made on the first
 * command only: reading the top-level manifests (to find the checks) comes straight from git, so a
 * repository without checks costs no checkout at all.
 */
class LazyCheckTree implements Sandbox {
  readonly id: string;
  private placed: Promise<Sandbox> | undefined;
  private readonly hostDir: string;

  constructor(
    private readonly source: CheckTreeSource,
    private readonly treeish: string,
    label: string,
  ) {
    counter += 1;
    this.hostDir = path.join(source.runDir, 'trees', `${label}-${counter}`);
    this.id = `${source.sandbox.id}:${label}-${counter}`;
  }

  get kind(): Sandbox['kind'] {
    return this.source.sandbox.kind;
  }

  get isolation(): Sandbox['isolation'] {
    return this.source.sandbox.isolation;
  }

  /** The host directory the tree is (or will be) written to; the sandbox's own path once placed. */
  get workdir(): string {
    return this.hostDir;
  }

  importTree(): Promise<void> {
    return Promise.reject(new Error('A check tree is made from a git tree object, not imported.'));
  }

  placeTree(hostDir: string, signal: AbortSignal): Promise<Sandbox> {
    return this.source.sandbox.placeTree(hostDir, signal);
  }

  async exec(argv: readonly string[], options: SandboxExecOptions): Promise<SandboxExecResult> {
    return (await this.place(options.signal)).exec(argv, options);
  }

  async readFile(relativePath: string, signal: AbortSignal): Promise<string> {
    const normalized = normalizeRepoPath(relativePath);
    const result = await this.source.git.run(['--git-dir', this.source.gitDir, 'cat-file', 'blob', `${this.treeish}:${normalized}`], { signal, allowFailure: true });
    if (result.exitCode !== 0) throw Object.assign(new Error(`${normalized} is not a file of the tree`), { code: 'ENOENT' });
    return result.stdout;
  }

  writeFile(): Promise<void> {
    return Promise.reject(new Error('A check tree is never written from the host.'));
  }

  removeFile(): Promise<void> {
    return Promise.reject(new Error('A check tree is never written from the host.'));
  }

  async listFiles(relativeDir: string, signal: AbortSignal): Promise<string[]> {
    const dir = relativeDir === '' || relativeDir === '.' ? '' : normalizeRepoPath(relativeDir);
    const listing = await this.source.git.output(['--git-dir', this.source.gitDir, 'ls-tree', '-z', `${this.treeish}:${dir}`], { signal });
    const names: string[] = [];
    for (const record of listing.split('\0')) {
      const tab = record.indexOf('\t');
      if (tab < 0) continue;
      const type = record.slice(0, tab).split(' ')[1];
      const name = record.slice(tab + 1);
      names.push(type === 'tree' ? `${name}/` : name);
    }
    return names.sort();
  }

  async dispose(): Promise<void> {
    const placed = this.placed;
    this.placed = undefined;
    if (placed) await placed.then((sandbox) => sandbox.dispose(), () => undefined).catch(() => undefined);
    await rm(this.hostDir, { recursive: true, force: true, maxRetries: 3 });
  }

  private place(signal: AbortSignal): Promise<Sandbox> {
    this.placed ??= (async () => {
      await materializeTree(this.source.git, this.source.gitDir, this.treeish, this.hostDir, signal);
      return this.source.sandbox.placeTree(this.hostDir, signal);
    })();
    return this.placed;
  }
}

/** Runs `body` on a fresh copy of `treeish` (see LazyCheckTree) and always removes the copy afterwards. */
export async function withCheckTree<T>(source: CheckTreeSource, treeish: string, label: string, signal: AbortSignal, body: (sandbox: Sandbox) => Promise<T>): Promise<T> {
  const tree = new LazyCheckTree(source, treeish, label);
  try {
    return await body(tree);
  } finally {
    await tree.dispose();
  }
}
