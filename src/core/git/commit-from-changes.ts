import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { FileChange } from '../workspace/change-set';
import type { Git } from './git';

const REMOVE = '0 0000000000000000000000000000000000000000';

/**
 * Builds a tree of exactly the staged changes on top of the base commit, using a private index. The
 * checkout on disk is never read, so whatever a sandboxed command did to it cannot enter the commit.
 * Modes come with the change (an edit keeps 100755, a rename keeps its source's mode and blob).
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
  // A renamed, unedited file is committed by blob id: its bytes (binary or not) are never decoded.
  const toHash = changes.filter((change) => change.after !== null && change.blob === undefined);
  const hashed = await hashContents(git, gitDir, runDir, toHash.map((change) => change.after ?? ''), signal);
  const shas = new Map(toHash.map((change, index) => [change.path, hashed[index]]));
  const lines: string[] = [];
  for (const change of changes) {
    if (change.after === null) {
      lines.push(`${REMOVE}\t${change.path}`);
      continue;
    }
    const sha = change.blob ?? shas.get(change.path);
    lines.push(`${change.mode ?? modes.get(change.path) ?? '100644'} ${sha}\t${change.path}`);
  }
  await git.run(['--git-dir', gitDir, 'update-index', '-z', '--index-info'], { ...call, stdin: lines.map((line) => `${line}\0`).join('') });
  return (await git.output(['--git-dir', gitDir, 'write-tree'], call)).trim();
}

/**
 * Writes the blobs with one `git hash-object --stdin-paths` instead of one process per file (a change to
 * a thousand files would otherwise spawn a thousand processes). The contents go through private temp
 * files, and no filters apply (no --path), so the blobs hold exactly these bytes.
 */
async function hashContents(git: Git, gitDir: string, runDir: string, contents: readonly string[], signal: AbortSignal): Promise<string[]> {
  if (contents.length === 0) return [];
  const dir = await mkdtemp(path.join(runDir, 'blobs-'));
  try {
    const files = contents.map((_, index) => path.join(dir, String(index)));
    await Promise.all(contents.map((content, index) => writeFile(files[index] ?? '', content, { flag: 'wx' })));
    const output = await git.output(['--git-dir', gitDir, 'hash-object', '-w', '--no-filters', '--stdin-paths'], { signal, stdin: files.map((file) => `${file}\n`).join('') });
    const shas = output.split('\n').filter((line) => line !== '');
    if (shas.length !== contents.length) throw new Error(`git hash-object returned ${shas.length} ids for ${contents.length} files`);
    return shas;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function commitTree(git: Git, gitDir: string, treeSha: string, parentSha: string, message: string, signal: AbortSignal): Promise<string> {
  return (await git.output(['--git-dir', gitDir, 'commit-tree', treeSha, '-p', parentSha, '-F', '-'], { signal, stdin: message })).trim();
}
