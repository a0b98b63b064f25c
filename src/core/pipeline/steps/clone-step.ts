import { rm } from 'node:fs/promises';
import * as path from 'node:path';
import { cacheSettings } from '../../git/cache/cache-settings';
import { sweepRepositoryCacheNow } from '../../git/cache/cache-sweep';
import { mirrorPath, prepareFromMirror } from '../../git/cache/repository-mirror';
import { claimSpare, refillSpare, syncClaimedTree } from '../../git/cache/spare-checkout';
import type { Git } from '../../git/git';
import type { RunContext } from '../run-context';
import type { RunState } from '../run-state';
import { assertClonedHead } from '../follow-up/prepare-follow-up';
import { requireState } from './require-state';

/** A shallow clone of the base branch with its git directory apart from the checkout (no cache, or a local repository). */
async function shallowClone(git: Git, remote: string, base: string, gitDir: string, workDir: string, signal: AbortSignal): Promise<void> {
  await git.run(
    [
      'clone',
      '--depth',
      '1',
      '--single-branch',
      '--branch',
      base,
      '--no-tags',
      '--no-recurse-submodules',
      // For a local repository: a real transfer (no hard links into the user's .git), from a plain
      // absolute path, since as a file:// URL git would percent-decode it (`%41` is `A`).
      '--no-local',
      '--template=',
      `--separate-git-dir=${gitDir}`,
      '--',
      remote,
      workDir,
    ],
    { signal },
  );
  // The work tree keeps no pointer back to the trusted git directory.
  await rm(path.join(workDir, '.git'), { force: true });
}

/**
 * Step 3: the base commit in a git directory the sandbox never sees, so nothing a sandboxed command
 * does can change what we later commit or where we push. A GitHub repository goes through the
 * repository cache: the bare mirror fetches what changed, is checked against the remote's head, and
 * the checkout is written from the run's own (hard-linked) objects.
 */
export async function cloneStep(context: RunContext, state: RunState): Promise<void> {
  const { signal } = context;
  const git = requireState(state.git, 'git');
  const remote = requireState(state.remote, 'remote');
  const base = requireState(state.baseBranch, 'baseBranch');
  const workDir = requireState(state.workDir, 'workDir');
  const gitDir = requireState(state.gitDir, 'gitDir');
  const sandbox = requireState(state.sandbox, 'sandbox');
  const cache = state.target?.kind === 'github' ? cacheSettings(context.deps.config, context.deps.tempRoot) : undefined;
  let how = 'Cloned';
  if (cache && state.target?.kind === 'github') {
    const mirrored = await prepareFromMirror({
      git,
      cacheDir: cache.directory,
      target: state.target,
      remote,
      branch: base,
      runGitDir: gitDir,
      signal,
      onWait: () => context.emit({ kind: 'step_progress', type: 'info', step: 'clone', message: 'Waiting for another run that is fetching the same repository' }),
    });
    state.baseSha = mirrored.baseSha;
    const mirror = mirrorPath(cache.directory, state.target);
    const spareIndex = await claimSpare(mirror, workDir, path.join(requireState(state.runDir, 'runDir'), 'spare'));
    if (spareIndex) await syncClaimedTree(git, gitDir, workDir, spareIndex, mirrored.baseSha, signal);
    else await git.run(['--git-dir', gitDir, '--work-tree', workDir, '-c', 'checkout.workers=0', 'checkout', '--quiet', '--force', '--detach', mirrored.baseSha], { signal });
    how = mirrored.warm ? 'Fetched into the repository cache' : 'Cloned into the repository cache';
    if (spareIndex) how += ' (files from a spare checkout)';
    // The next run on this repository finds its files already written.
    refillSpare(git, mirror, mirrored.baseSha, signal, (error) => context.deps.logger.warn(`spare checkout failed: ${String(error)}`));
    await sweepRepositoryCacheNow(cache.directory, cache).catch((error: unknown) => context.deps.logger.warn(`repository cache sweep failed: ${String(error)}`));
  } else {
    await shallowClone(git, remote, base, gitDir, workDir, signal);
    state.baseSha = (await git.output(['--git-dir', gitDir, 'rev-parse', 'HEAD'], { signal })).trim();
  }
  assertClonedHead(state); // issue 15: a follow-up clones the PR head it validated, or stops
  await sandbox.importTree(workDir, signal);
  context.emit({ kind: 'step_progress', type: 'info', step: 'clone', message: `${how}: ${base} at ${state.baseSha.slice(0, 12)}` });
}
