import * as path from 'node:path';
import type { FileChange } from '../workspace/change-set';
import type { Git } from './git';

const REMOVE = '0 0000000000000000000000000000000000000000';

/**
 * Builds a tree of exactly the staged changes on top of the base commit, using a private index. The
 * checkout on disk is never read, so whatever a sandboxed command did to it cannot enter the commit.
 */
export async function treeFromChanges(git: Git, gitDir: string, runDir: string, baseSha: string, changes: readonly FileChange[], signal: AbortSignal): Promise<string> {
  const env = { GIT_INDEX_FILE: path.join(runDir, 'tiny-backspace.index') };
  const call = { signal, env };
  await git.run(['--git-dir', gitDir, 'read-tree', baseSha], call);
  const modes = new Map<string, string>();
  await git.records(['--git-dir', gitDir, 'ls-files', '--stage', '-z'], (record) => {
    const tab = record.indexOf('\t');
    if (tab > 0) modes.set(record.slice(tab + 1), record.slice(0, record.indexOf(' ')));
  }, call);
  const lines: string[] = [];
  for (const change of changes) {
    if (change.after === null) {
      lines.push(`${REMOVE}\t${change.path}`);
      continue;
    }
    const sha = (await git.output(['--git-dir', gitDir, 'hash-object', '-w', '--stdin'], { ...call, stdin: change.after })).trim();
    lines.push(`${modes.get(change.path) ?? '100644'} ${sha}\t${change.path}`);
  }
  await git.run(['--git-dir', gitDir, 'update-index', '-z', '--index-info'], { ...call, stdin: lines.map((line) => `${line}\0`).join('') });
  return (await git.output(['--git-dir', gitDir, 'write-tree'], call)).trim();
}

export async function commitTree(git: Git, gitDir: string, treeSha: string, parentSha: string, message: string, signal: AbortSignal): Promise<string> {
  return (await git.output(['--git-dir', gitDir, 'commit-tree', treeSha, '-p', parentSha, '-F', '-'], { signal, stdin: message })).trim();
}
