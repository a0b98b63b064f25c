import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A real source tree as a git repository: files copied from a package in node_modules (pinned by the
 * lockfile) into a temp directory, committed. Used by the repository-map tests and bench, so they run on
 * real code at real sizes with no network.
 */
export interface SourceTreeRepo {
  readonly root: string;
  /** Tracked files (git ls-files). */
  readonly files: readonly string[];
  /** HEAD commit SHA. */
  readonly commit: string;
  cleanup(): Promise<void>;
}

const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: 'Bench', GIT_AUTHOR_EMAIL: 'bench@example.invalid', GIT_COMMITTER_NAME: 'Bench', GIT_COMMITTER_EMAIL: 'bench@example.invalid', GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };

export async function sourceTreeRepo(packageDirectory: string, include?: readonly string[]): Promise<SourceTreeRepo> {
  const source = path.join(__dirname, '..', '..', 'node_modules', packageDirectory);
  const root = await mkdtemp(path.join(tmpdir(), 'tb-source-tree-'));
  try {
    const entries = include ?? (await readdir(source)).filter((entry) => entry !== 'node_modules');
    for (const entry of entries) await cp(path.join(source, entry), path.join(root, entry), { recursive: true, filter: (from) => !path.relative(source, from).split(path.sep).includes('node_modules') });
    const git = (args: string[]) => run('git', args, { cwd: root, env: GIT_ENV, maxBuffer: 64 * 1024 * 1024 });
    await git(['init', '-q', '-b', 'main']);
    await git(['add', '-A']);
    await git(['commit', '-q', '-m', `${packageDirectory} as installed`]);
    const files = (await git(['ls-files', '-z'])).stdout.split('\0').filter((file) => file !== '');
    const commit = (await git(['rev-parse', 'HEAD'])).stdout.trim();
    return { root, files, commit, cleanup: () => rm(root, { recursive: true, force: true }) };
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
}
