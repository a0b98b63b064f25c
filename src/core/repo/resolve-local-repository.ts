import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { TinyBackspaceError } from '../errors/tiny-backspace-error';
import type { Git } from '../git/git';
import type { LocalRepositoryTarget } from './repository-target';

/** True when the input reads as a filesystem path rather than a URL. */
export function looksLikeLocalPath(input: string): boolean {
  const trimmed = input.trim();
  return trimmed.startsWith('/') || trimmed.startsWith('./') || trimmed.startsWith('../') || trimmed === '.' || trimmed === '..' || /^[A-Za-z]:[\\/]/.test(trimmed);
}

export async function resolveLocalRepository(input: string, git: Git, signal: AbortSignal): Promise<LocalRepositoryTarget> {
  const absolute = path.resolve(input.trim());
  const info = await stat(absolute).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new TinyBackspaceError('local_repository_invalid', `"${absolute}" is not a directory.`, {
      remedy: 'Pass the path of a git repository on this machine, or a GitHub URL.',
    });
  }
  const result = await git.run(['rev-parse', '--show-toplevel'], { cwd: absolute, signal, allowFailure: true });
  if (result.exitCode !== 0) {
    throw new TinyBackspaceError('local_repository_invalid', `"${absolute}" is not inside a git repository.`, {
      remedy: 'Run `git init` and commit your files first, or pass a GitHub URL.',
    });
  }
  return { kind: 'local', path: result.stdout.trim() };
}

/** The base branch for a local repository: the one asked for, else the branch checked out there. */
export async function localBaseBranch(target: LocalRepositoryTarget, requested: string | undefined, git: Git, signal: AbortSignal): Promise<string> {
  const base = requested ?? (await git.run(['symbolic-ref', '--quiet', '--short', 'HEAD'], { cwd: target.path, signal, allowFailure: true })).stdout.trim();
  if (base === '') {
    throw new TinyBackspaceError('branch_not_found', `${target.path} has a detached HEAD, so there is no branch to start from.`, {
      remedy: 'Pass --base <branch>, or check out a branch first.',
    });
  }
  const exists = await git.run(['rev-parse', '--verify', '--quiet', `refs/heads/${base}`], { cwd: target.path, signal, allowFailure: true });
  if (exists.exitCode !== 0) {
    throw new TinyBackspaceError('branch_not_found', `The branch "${base}" does not exist in ${target.path}.`, {
      remedy: 'Pass --base with an existing branch name.',
    });
  }
  return base;
}
