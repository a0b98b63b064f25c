import { mkdir, rm } from 'node:fs/promises';
import * as path from 'node:path';
import type { Git } from '../git/git';
import type { Sandbox } from '../sandbox/sandbox';

export interface CheckTreeSource {
  readonly git: Git;
  /** The trusted git directory (never visible to the sandbox). */
  readonly gitDir: string;
  /** The run's temporary directory; trees are made under `<runDir>/trees/`. */
  readonly runDir: string;
  readonly sandbox: Sandbox;
}

export interface PlacedCheckTree {
  /** Rooted at the tree: what the checks run in. */
  readonly sandbox: Sandbox;
  /** Removes the tree from the sandbox and from the host. */
  dispose(): Promise<void>;
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
 * gone when the round ends. The commit and the agent never look at it.
 */
export async function placeCheckTree(source: CheckTreeSource, treeish: string, label: string, signal: AbortSignal): Promise<PlacedCheckTree> {
  counter += 1;
  const hostDir = path.join(source.runDir, 'trees', `${label}-${counter}`);
  const removeHostCopy = () => rm(hostDir, { recursive: true, force: true, maxRetries: 3 });
  let placed: Sandbox;
  try {
    await materializeTree(source.git, source.gitDir, treeish, hostDir, signal);
    placed = await source.sandbox.placeTree(hostDir, signal);
  } catch (error) {
    await removeHostCopy();
    throw error;
  }
  return {
    sandbox: placed,
    dispose: async () => {
      await placed.dispose().catch(() => undefined);
      await removeHostCopy();
    },
  };
}

/** Runs `body` on a fresh tree and always removes the tree afterwards. */
export async function withCheckTree<T>(source: CheckTreeSource, treeish: string, label: string, signal: AbortSignal, body: (sandbox: Sandbox) => Promise<T>): Promise<T> {
  const tree = await placeCheckTree(source, treeish, label, signal);
  try {
    return await body(tree.sandbox);
  } finally {
    await tree.dispose();
  }
}
