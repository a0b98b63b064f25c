import { lstat, readlink, realpath } from 'node:fs/promises';
import * as path from 'node:path';
import { TinyBackspaceError } from '../errors/tiny-backspace-error';

/** Paths an agent may never write: git internals, CI workflows, editor settings. */
const PROTECTED_PREFIXES = ['.git/', '.github/workflows/', '.vscode/'];

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

export function isProtectedPath(relativePath: string): boolean {
  const lower = `${relativePath.toLowerCase()}/`;
  return PROTECTED_PREFIXES.some((prefix) => lower.startsWith(prefix)) || lower === '.git/';
}

/** Normalizes and refuses protected paths; for anything that is about to be written, renamed or deleted. */
export function writablePath(input: string): string {
  const normalized = normalizeRepoPath(input);
  if (isProtectedPath(normalized)) {
    throw new TinyBackspaceError('protected_path', `Refused to change "${normalized}": .git/, .github/workflows/ and .vscode/ are protected.`, {
      remedy: 'Ask for a change that leaves git internals, CI workflows and editor settings alone.',
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
 * Resolves where a write would really land, following symlinks in every existing ancestor, and refuses
 * anything outside the clone or any write through a symlink (a committed link must not redirect it).
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
  if (isProtectedPath(relativeToReal.split(path.sep).join('/'))) unsafe(normalized, 'a symbolic link redirects it into a protected directory');
  return path.join(realAncestor, path.relative(ancestor, target));
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
