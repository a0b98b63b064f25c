import { normalizeRepoPath } from '../../workspace/path-guard';
import type { ToolCall } from '../model/model-client';
import type { ToolEnv } from './tool-env';
import type { ToolInput } from './tool-definitions';
import { ok, ToolRefusal, type ToolOutcome } from './tool-outcome';

const DEFAULT_DEPTH = 3;
/** Lines in one answer; a deeper tree is cut with a note to look at a subdirectory. */
const TREE_LINE_LIMIT = 400;

interface DirNode {
  readonly dirs: Map<string, DirNode>;
  readonly files: string[];
  count: number;
}

function node(): DirNode {
  return { dirs: new Map(), files: [], count: 0 };
}

/** Builds the directory tree of `files` below `root` (a directory prefix, '' for the repository). */
export function buildTree(files: readonly string[], root: string): DirNode {
  const top = node();
  for (const file of files) {
    if (root !== '' && !file.startsWith(`${root}/`)) continue;
    const parts = (root === '' ? file : file.slice(root.length + 1)).split('/');
    let current = top;
    current.count += 1;
    for (const part of parts.slice(0, -1)) {
      let next = current.dirs.get(part);
      if (!next) current.dirs.set(part, (next = node()));
      next.count += 1;
      current = next;
    }
    current.files.push(parts[parts.length - 1] ?? '');
  }
  return top;
}

/** Indented lines: directories first (with their file counts), then files; below `depth`, counts only. */
export function renderTree(tree: DirNode, depth: number, limit = TREE_LINE_LIMIT): { lines: string[]; cut: boolean } {
  const lines: string[] = [];
  let cut = false;
  const walk = (current: DirNode, level: number): void => {
    const indent = '  '.repeat(level);
    for (const [name, child] of [...current.dirs.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      if (lines.length >= limit) return void (cut = true);
      lines.push(`${indent}${name}/ (${child.count} file${child.count === 1 ? '' : 's'})`);
      if (level + 1 < depth) walk(child, level + 1);
    }
    for (const file of [...current.files].sort((a, b) => a.localeCompare(b))) {
      if (lines.length >= limit) return void (cut = true);
      lines.push(`${indent}${file}`);
    }
  };
  walk(tree, 0);
  return { lines, cut };
}

/** `tree`: the shape of the repository (or one directory) down to a depth limit. */
export async function showTree(env: ToolEnv, call: ToolCall, input: ToolInput<'tree'>): Promise<ToolOutcome> {
  const raw = (input.path ?? '').trim().replace(/\/+$/, '');
  const root = raw === '' || raw === '.' ? '' : normalizeRepoPath(raw);
  const depth = input.depth ?? DEFAULT_DEPTH;
  const tree = buildTree(await env.visibleFiles(), root);
  if (tree.count === 0) throw new ToolRefusal(`${root || 'the repository'} has no files${root ? ' (is it a directory of the repository?)' : ''}.`);
  const { lines, cut } = renderTree(tree, depth);
  env.event({ tool: 'List', message: `Tool: List ${root || '.'} (tree, depth ${depth})`, ...(root ? { filepath: root } : {}), output: `${tree.count} file(s)` });
  const header = `${root || '.'}/ (${tree.count} files, depth ${depth})`;
  const more = cut ? `\n(cut at ${TREE_LINE_LIMIT} lines; show a subdirectory, or a smaller depth)` : '';
  return ok(call, `${header}\n${lines.join('\n')}${more}`);
}
