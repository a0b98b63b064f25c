import { isAbortLike } from '../../errors/cancelled-error';
import { isTinyBackspaceError, TinyBackspaceError } from '../../errors/tiny-backspace-error';
import type { GitHubApi } from '../../github/github-api';
import type { GitHubRepositoryTarget } from '../../repo/repository-target';
import type { RunContext } from '../run-context';
import type { RunState } from '../run-state';

/** Deleting the branch must not hang a run that is already failing (or was cancelled). */
const DELETE_TIMEOUT_MS = 20_000;

export interface PushedBranch {
  readonly github: GitHubApi;
  readonly target: GitHubRepositoryTarget;
  readonly branch: string;
}

/**
 * The push worked and the PR did not (403, a rate limit longer than we wait, a refused body, a cancel):
 * delete the branch so nothing is left behind. It runs on its own signal, because a cancelled run's
 * signal is already aborted. Returns the error to throw: the original, or, when the branch could not be
 * deleted, the original with a sentence and a link saying where the branch was left.
 */
export async function removePushedBranch(context: RunContext, state: RunState, pushed: PushedBranch, error: unknown): Promise<unknown> {
  const { github, target, branch } = pushed;
  const link = `${target.htmlUrl}/tree/${branch.split('/').map(encodeURIComponent).join('/')}`;
  try {
    await github.deleteBranch({ owner: target.owner, repo: target.repo, branch }, AbortSignal.timeout(DELETE_TIMEOUT_MS));
    state.branch = undefined;
    context.emit({ kind: 'step_progress', type: 'warning', step: 'pull_request', message: `No pull request was opened, so the pushed branch ${branch} was deleted again.` });
    return error;
  } catch (deleteError) {
    const why = deleteError instanceof Error ? deleteError.message : String(deleteError);
    const left = `The branch ${branch} was pushed but could not be deleted (${why}); it is at ${link}. Delete it there, or run the same request again to reuse it.`;
    context.deps.logger.error('pushed branch not deleted', deleteError, { branch });
    context.emit({ kind: 'step_progress', type: 'warning', step: 'pull_request', message: left });
    if (isAbortLike(error, context.signal) || !isTinyBackspaceError(error)) return error;
    return new TinyBackspaceError(error.code, `${error.message} ${left}`, { ...(error.remedy === undefined ? {} : { remedy: error.remedy }), cause: error });
  }
}
