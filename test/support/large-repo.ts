// Builds a large repository in one `git fast-import` stream (100,000 files in a few seconds, where
// 100,000 `git add`s would take minutes): regular, executable and symlinked files, deep enough that
// `ls-tree -r` prints well over 8 MiB.
import { runProcess } from '../../src/core/process/run-process';

export interface LargeRepoShape {
  readonly files: number;
}

const IDENTITY = 'Large Repo <large@example.com>';

/** The mode of generated file `index`: every 97th is executable, every 101st a symlink. */
export function generatedMode(index: number): '100644' | '100755' | '120000' {
  if (index % 101 === 100) return '120000';
  if (index % 97 === 96) return '100755';
  return '100644';
}

export function generatedPath(index: number): string {
  const mode = generatedMode(index);
  const name = mode === '120000' ? `link-${index}` : mode === '100755' ? `script-${index}.sh` : `module-${index}.ts`;
  return `packages/pkg-${String(Math.floor(index / 1000)).padStart(3, '0')}/src/dir-${String(Math.floor(index / 50) % 20).padStart(2, '0')}/${name}`;
}

function generatedContent(index: number): string {
  const mode = generatedMode(index);
  if (mode === '120000') return `module-${index - 1}.ts`;
  if (mode === '100755') return `#!/bin/sh\necho "script ${index}"\n`;
  return `export const value${index} = ${index};\n`;
}

/**
 * Replaces `branch` of the bare repository with one commit (child of its current tip) holding `files`
 * generated files plus `extra` (path -> [mode, content]). Returns the new tip.
 */
export async function fastImportLargeTree(
  barePath: string,
  branch: string,
  files: number,
  extra: Record<string, readonly [string, string]>,
): Promise<string> {
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', HOME: '/nonexistent' };
  const parent = (await runProcess(['git', '--git-dir', barePath, 'rev-parse', `refs/heads/${branch}`], { env })).stdout.trim();
  const message = `Large tree of ${files} files\n`;
  const parts: Buffer[] = [
    Buffer.from(`commit refs/heads/${branch}\ncommitter ${IDENTITY} ${Math.floor(Date.now() / 1000)} +0000\ndata ${Buffer.byteLength(message)}\n${message}from ${parent}\ndeleteall\n`),
  ];
  const add = (mode: string, file: string, content: string): void => {
    const data = Buffer.from(content, 'utf8');
    parts.push(Buffer.from(`M ${mode} inline ${file}\ndata ${data.length}\n`), data, Buffer.from('\n'));
  };
  for (let index = 0; index < files; index += 1) add(generatedMode(index), generatedPath(index), generatedContent(index));
  for (const [file, [mode, content]] of Object.entries(extra)) add(mode, file, content);
  const imported = await runProcess(['git', '--git-dir', barePath, 'fast-import', '--quiet'], { env, stdin: Buffer.concat(parts), timeoutMs: 10 * 60_000 });
  if (imported.exitCode !== 0) throw new Error(`fast-import failed: ${imported.stderr}`);
  return (await runProcess(['git', '--git-dir', barePath, 'rev-parse', `refs/heads/${branch}`], { env })).stdout.trim();
}

/** `mode sha path` for every entry of a commit's tree, streamed into a Map (path -> "mode sha"). */
export async function treeListing(barePath: string, commit: string): Promise<Map<string, string>> {
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', HOME: '/nonexistent' };
  const result = await runProcess(['git', '--git-dir', barePath, 'ls-tree', '-r', '-z', '--full-tree', commit], { env, maxOutputBytes: 512 * 1024 * 1024 });
  if (result.exitCode !== 0 || result.truncated) throw new Error(`ls-tree failed: ${result.stderr}`);
  const listing = new Map<string, string>();
  for (const record of result.stdout.split('\0')) {
    const tab = record.indexOf('\t');
    if (tab < 0) continue;
    const [mode, , sha] = record.slice(0, tab).split(' ');
    listing.set(record.slice(tab + 1), `${mode} ${sha}`);
  }
  return listing;
}
