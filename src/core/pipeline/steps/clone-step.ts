import { rm } from 'node:fs/promises';
import * as path from 'node:path';
import type { RunContext } from '../run-context';
import type { RunState } from '../run-state';
import { requireState } from './require-state';

/**
 * Step 3: a shallow clone of the base branch into a git directory the sandbox never sees, so nothing a
 * sandboxed command does can change what we later commit or where we push.
 */
export async function cloneStep(context: RunContext, state: RunState): Promise<void> {
  const git = requireState(state.git, 'git');
  const remote = requireState(state.remote, 'remote');
  const base = requireState(state.baseBranch, 'baseBranch');
  const workDir = requireState(state.workDir, 'workDir');
  const gitDir = requireState(state.gitDir, 'gitDir');
  const sandbox = requireState(state.sandbox, 'sandbox');
  const local = state.target?.kind === 'local';
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
      ...(local ? ['--no-local'] : []),
      `--separate-git-dir=${gitDir}`,
      '--',
      // A plain absolute path: as a file:// URL git would percent-decode it (`%41` is `A`).
      remote,
      workDir,
    ],
    { signal: context.signal },
  );
  // The work tree keeps no pointer back to the trusted git directory.
  await rm(path.join(workDir, '.git'), { force: true });
  state.baseSha = (await git.output(['--git-dir', gitDir, 'rev-parse', 'HEAD'], { signal: context.signal })).trim();
  await sandbox.importTree(workDir, context.signal);
  context.emit({ kind: 'step_progress', type: 'info', step: 'clone', message: `Cloned ${base} at ${state.baseSha.slice(0, 12)}` });
}
