import { lstat, readlink, realpath } from 'node:fs/promises';
import * as path from 'node:path';
import { TinyBackspaceError } from '../errors/tiny-backspace-error';

/**
 * Top-level directories an agent may never write: CI and repository automation (`.github/` holds
 * workflows, composite actions and CODEOWNERS), git hooks (`.husky/`), the dev container a teammate's
 * editor builds and runs, and editor settings that can run tasks. Compared case-insensitively, because
 * macOS and Windows file systems are.
 */
const PROTECTED_TOP_LEVEL = ['.github', '.husky', '.devcontainer', '.vscode'];
export const PROTECTED_DESCRIPTION = '.git (at any depth), .github/, .husky/, .devcontainer/ and .vscode/ are protected';

function unsafe(input: string, why: string): never {
  throw new TinyBackspaceError('unsafe_path', `Refused the path "${input.replace(/[^\x20-\x7e]/g, '?').slice(0, 200)}": ${why}.`, {
    remedy: 'Edits must name a file inside the repository with a relative path.',
  });
}

/** Normalizes a repository-relative path or refuses it: no NUL, no absolute paths, no `..`, no backslashes. */
export function normalizeRepoPath(input: string): string {
  if (input.includes('\0')) unsafe(input, 'it contains a NUL byte');
  if (input.includes('\\')) unsafe(input, 'use forward slashes');
  if (input.startsWith('/') || /^[A-Za-z]:/.test(input)) unsafe(input, 'absolute paths are not allowed');
  const segments = input.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.length === 0) unsafe(input, 'it is empty');
  if (segments.some((segment) => segment === '..')) unsafe(input, '".." is not allowed');
  return segments.join('/');
}

/** A `.git` segment anywhere (a nested repository's internals, a submodule's git dir) or a protected top-level directory. */
export function isProtectedPath(relativePath: string): boolean {
  const segments = relativePath.toLowerCase().split('/');
  return segments.includes('.git') || PROTECTED_TOP_LEVEL.includes(segments[0] ?? '');
}

/** Normalizes and refuses protected paths; for anything that is about to be written, renamed or deleted. */
export function writablePath(input: string): string {
  const normalized = normalizeRepoPath(input);
  if (isProtectedPath(normalized)) {
    throw new TinyBackspaceError('protected_path', `Refused to change "${normalized}": ${PROTECTED_DESCRIPTION}.`, {
      remedy: 'Ask for a change that leaves git internals, CI and repository automation, git hooks, the dev container and editor settings alone.',
    });
  }
  return normalized;
}

function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

async function lstatOrUndefined(target: string) {
  try {
    return await lstat(target);
  } catch {
    return undefined;
  }
}

/**
 * Resolves where a write would really land and refuses any write through a symlink: a link to outside
 * the clone or into a protected directory, the file itself being a link, or a directory link inside the
 * repository (`lib -> src`). The commit records paths as written, so `lib/a.ts` would become a new file
 * under a path that is a link on disk: the two would disagree. The message names the real path.
 */
export async function resolveWriteTarget(root: string, relativePath: string): Promise<string> {
  const normalized = writablePath(relativePath);
  const realRoot = await realpath(root);
  const target = path.join(realRoot, ...normalized.split('/'));
  const existing = await lstatOrUndefined(target);
  if (existing?.isSymbolicLink()) unsafe(normalized, 'it is a symbolic link; edit the file it points to instead');
  let ancestor = path.dirname(target);
  while (!(await lstatOrUndefined(ancestor))) ancestor = path.dirname(ancestor);
  const realAncestor = await realpath(ancestor);
  if (!isInside(realRoot, realAncestor)) unsafe(normalized, 'a symbolic link in its directory points outside the repository');
  const relativeToReal = path.relative(realRoot, path.join(realAncestor, path.relative(ancestor, target)));
  const realRelative = relativeToReal.split(path.sep).join('/');
  if (isProtectedPath(realRelative)) unsafe(normalized, 'a symbolic link redirects it into a protected directory');
  if (realRelative !== normalized) {
    const link = await firstLinkedAncestor(realRoot, normalized);
    unsafe(normalized, `${link ?? 'a directory on its path'} is a symbolic link in the repository; write "${realRelative}" instead`);
  }
  return path.join(realAncestor, path.relative(ancestor, target));
}

async function firstLinkedAncestor(realRoot: string, normalized: string): Promise<string | undefined> {
  const segments = normalized.split('/');
  for (let count = 1; count < segments.length; count += 1) {
    const prefix = segments.slice(0, count).join('/');
    if ((await lstatOrUndefined(path.join(realRoot, ...segments.slice(0, count))))?.isSymbolicLink()) return `"${prefix}"`;
  }
  return undefined;
}

/** Resolves a path for reading; reading through a link is fine as long as it stays inside the clone. */
export async function resolveReadTarget(root: string, relativePath: string): Promise<string> {
  const normalized = normalizeRepoPath(relativePath);
  const realRoot = await realpath(root);
  const target = path.join(realRoot, ...normalized.split('/'));
  let real: string;
  try {
    real = await realpath(target);
  } catch {
    return target;
  }
  if (!isInside(realRoot, real)) unsafe(normalized, 'it points outside the repository');
  return real;
}

/**
 * Where a repository path really leads, every symlink followed (in the file and in its directories):
 * the repository-relative real path, `outside` when it leaves the clone, or `missing` when nothing is
 * there. A dangling link is resolved lexically from its target text, so a link to a credential file
 * that does not exist yet is still recognised as one.
 */
export async function resolveRepoRelative(root: string, relativePath: string): Promise<string | 'outside' | 'missing'> {
  const normalized = normalizeRepoPath(relativePath);
  const realRoot = await realpath(root);
  const target = path.join(realRoot, ...normalized.split('/'));
  let real: string;
  try {
    real = await realpath(target);
  } catch {
    const link = await lstatOrUndefined(target);
    if (!link?.isSymbolicLink()) return 'missing';
    const text = await readlink(target);
    real = path.resolve(path.dirname(target), text);
  }
  if (!isInside(realRoot, real)) return 'outside';
  return path.relative(realRoot, real).split(path.sep).join('/');
}
