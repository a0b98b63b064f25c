import { lstat, readdir, readlink, realpath, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { isSecretPath } from '../context/secret-files';
import { throwIfAborted } from '../errors/cancelled-error';

/** A path names a credential file, or a credential directory such as `.ssh` or `.aws`. */
function namesSecret(relativeOrAbsolute: string): boolean {
  const posix = relativeOrAbsolute.split(path.sep).join('/').replace(/^\/+/, '');
  return posix !== '' && (isSecretPath(posix) || isSecretPath(`${posix}/-`));
}

/** Where a symlink leads, as the sandbox would see it: inside the tree (relative) or anywhere else (absolute). */
async function symlinkLeadsToSecret(root: string, link: string): Promise<boolean> {
  const target = await readlink(link);
  const lexical = path.resolve(path.dirname(link), target);
  const resolved = await realpath(link).catch(() => lexical);
  for (const candidate of new Set([lexical, resolved])) {
    const inside = path.relative(root, candidate);
    const within = inside !== '' && !inside.startsWith('..') && !path.isAbsolute(inside);
    if (namesSecret(within ? inside : candidate)) return true;
  }
  return false;
}

export interface TreeListing {
  /** Every entry that may enter a sandbox, directories included, relative and `/`-separated. */
  readonly kept: string[];
  /** Credential files and links to them (see context/secret-files.ts); a withheld directory is listed alone. */
  readonly withheld: string[];
}

/**
 * Lists a checkout for import into a sandbox, leaving out what `isSecretPath` calls a credential file and
 * every symlink that resolves to one (a link named `config.json` pointing at `.env` is still `.env`).
 * Links are never followed into directories.
 */
export async function listTreeForSandbox(root: string, signal: AbortSignal): Promise<TreeListing> {
  const kept: string[] = [];
  const withheld: string[] = [];
  const pending: string[] = [''];
  while (pending.length > 0) {
    throwIfAborted(signal);
    const dir = pending.pop() ?? '';
    const entries = await readdir(path.join(root, dir), { withFileTypes: true });
    for (const entry of entries) {
      const relative = dir === '' ? entry.name : `${dir}/${entry.name}`;
      const absolute = path.join(root, relative);
      const secret = namesSecret(relative) || (entry.isSymbolicLink() && (await symlinkLeadsToSecret(root, absolute)));
      if (secret) {
        withheld.push(relative);
        continue;
      }
      kept.push(relative);
      if (entry.isDirectory()) pending.push(relative);
    }
  }
  return { kept: kept.sort(), withheld: withheld.sort() };
}

/** Removes credential files (and links to them) from a checkout a sandbox works in directly. */
export async function withholdSecretFiles(root: string, signal: AbortSignal): Promise<string[]> {
  const { withheld } = await listTreeForSandbox(root, signal);
  for (const relative of withheld) {
    const target = path.join(root, relative);
    // lstat, not stat: a link is removed itself, never what it points at.
    if (await lstat(target).catch(() => undefined)) await rm(target, { recursive: true, force: true });
  }
  return withheld;
}
