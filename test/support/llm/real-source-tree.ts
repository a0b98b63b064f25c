// Real source trees for tests and benchmarks: the files of a package that ships its source in
// node_modules, as a path -> content map (text files only), deterministic in order.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const TEXT = /\.(c?js|mjs|ts|cts|mts|json|md)$/;

export function realSourceTree(packageName: string, limit: number): Record<string, string> {
  const root = path.join(__dirname, '..', '..', '..', 'node_modules', packageName);
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      const stat = statSync(full);
      if (stat.isDirectory()) {
        if (name !== 'node_modules') walk(full);
      } else if (TEXT.test(name) && stat.size < 200_000) files.push(full);
    }
  };
  walk(root);
  const tree: Record<string, string> = {};
  for (const file of files.slice(0, limit)) tree[path.relative(root, file).split(path.sep).join('/')] = readFileSync(file, 'utf8');
  return tree;
}
