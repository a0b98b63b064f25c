import { mkdir, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { GitHubRepositoryTarget } from '../../repo/repository-target';
import type { Git } from '../git';
import { acquireLock } from './directory-lock';
import { linkObjects } from './link-objects';

/** Touched on every use; the sweep evicts by its age. */
export const USED_MARKER = 'tiny-backspace-last-used';
/** Past this many packs the mirror is repacked into one (old, unreachable tips go with it). */
const MAX_PACKS = 16;

export interface MirrorRequest {
  readonly git: Git;
  readonly cacheDir: string;
  readonly target: GitHubRepositoryTarget;
  /** The canonical clone URL; the token travels only in Git's environment. */
  readonly remote: string;
  readonly branch: string;
  /** A fresh, empty path for this run's own git directory. */
  readonly runGitDir: string;
  readonly signal: AbortSignal;
  readonly onWait?: () => void;
}

export interface MirrorResult {
  /** The remote's current head of the branch, as the fetch just saw it. */
  readonly baseSha: string;
  /** Whether the mirror already existed (a fetch of what changed) or was created (a full shallow fetch). */
  readonly warm: boolean;
}

/** `<cacheDir>/<host>/<owner>/<repo>.git`, lower-cased (GitHub names are case-insensitive); `:` of a port becomes `_`. */
export function mirrorPath(cacheDir: string, target: GitHubRepositoryTarget): string {
  const host = target.server.host.toLowerCase().replace(/[^a-z0-9.-]/g, '_');
  return path.join(cacheDir, host, target.owner.toLowerCase(), `${target.repo.toLowerCase()}.git`);
}

async function exists(file: string): Promise<boolean> {
  return (await stat(file).catch(() => undefined)) !== undefined;
}

async function initBare(git: Git, dir: string, signal: AbortSignal): Promise<void> {
  // No template: nothing from the machine's git templates (sample hooks) is copied in.
  await git.run(['init', '--quiet', '--bare', '--template=', '--', dir], { signal });
}

async function fetchInto(request: MirrorRequest, mirror: string): Promise<void> {
  await request.git.run(
    [
      '--git-dir',
      mirror,
      // Every fetch lands as a pack, never loose objects, so a run links a handful of files.
      '-c',
      'fetch.unpackLimit=1',
      'fetch',
      '--quiet',
      '--depth',
      '1',
      '--no-tags',
      '--no-write-fetch-head',
      '--no-recurse-submodules',
      '--',
      request.remote,
      `+refs/heads/${request.branch}:refs/heads/${request.branch}`,
    ],
    { signal: request.signal },
  );
}

/**
 * The run's git directory written directly (two git processes fewer per run than `init` + `update-ref`):
 * a bare repository whose HEAD is the base commit, detached.
 */
async function writeRunGitDir(dir: string, baseSha: string): Promise<void> {
  await mkdir(path.join(dir, 'objects', 'pack'), { recursive: true });
  await mkdir(path.join(dir, 'objects', 'info'), { recursive: true });
  await mkdir(path.join(dir, 'refs', 'heads'), { recursive: true });
  await mkdir(path.join(dir, 'refs', 'tags'), { recursive: true });
  await writeFile(path.join(dir, 'config'), '[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = true\n');
  await writeFile(path.join(dir, 'HEAD'), `${baseSha}\n`);
}

async function packCount(mirror: string): Promise<number> {
  return (await readdir(path.join(mirror, 'objects', 'pack')).catch(() => [] as string[])).filter((file) => file.endsWith('.pack')).length;
}

/**
 * Brings the per-repository bare mirror up to date with the remote's branch head and gives this run
 * its own git directory holding that commit. The fetch always asks the remote, so a mirror whose
 * remote moved is never trusted; a mirror that cannot be fetched into is rebuilt once from scratch.
 * Two runs on one repository take turns through a lock held only for the fetch and the links.
 */
export async function prepareFromMirror(request: MirrorRequest): Promise<MirrorResult> {
  const { git, signal } = request;
  const mirror = mirrorPath(request.cacheDir, request.target);
  await mkdir(path.dirname(mirror), { recursive: true });
  const release = await acquireLock(`${mirror}.lock`, signal, request.onWait);
  try {
    let warm = await exists(path.join(mirror, 'shallow'));
    if (!warm) {
      await rm(mirror, { recursive: true, force: true });
      await initBare(git, mirror, signal);
    }
    try {
      await fetchInto(request, mirror);
    } catch (error) {
      if (!warm || signal.aborted) throw error;
      // A damaged mirror (interrupted repack, disk trouble): start over once; a network failure fails again.
      warm = false;
      await rm(mirror, { recursive: true, force: true });
      await initBare(git, mirror, signal);
      await fetchInto(request, mirror);
    }
    const baseSha = (await git.output(['--git-dir', mirror, 'rev-parse', '--verify', `refs/heads/${request.branch}^{commit}`], { signal })).trim();
    await writeRunGitDir(request.runGitDir, baseSha);
    await linkObjects(mirror, request.runGitDir);
    if ((await packCount(mirror)) > MAX_PACKS) await git.run(['--git-dir', mirror, 'repack', '-a', '-d', '-q'], { signal });
    const marker = path.join(mirror, USED_MARKER);
    const now = new Date();
    await utimes(marker, now, now).catch(() => writeFile(marker, ''));
    return { baseSha, warm };
  } finally {
    await release();
  }
}
