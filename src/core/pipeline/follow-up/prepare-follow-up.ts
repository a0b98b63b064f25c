import { OctokitPullRequestApi } from '../../github/octokit-pull-request-api';
import type { PullRequestApi } from '../../github/pull-request-api';
import { resolvePullRequestTarget } from '../../github/pull-request-target';
import { TinyBackspaceError } from '../../errors/tiny-backspace-error';
import type { GitHubServer } from '../../repo/github-hosts';
import type { RunContext } from '../run-context';
import type { RunState } from '../run-state';
import { requireState } from '../steps/require-state';

function pullRequestApi(context: RunContext, server: GitHubServer, token: string | undefined): PullRequestApi {
  return (
    context.deps.createPullRequestApi?.(server, token) ??
    new OctokitPullRequestApi({ apiUrl: server.apiUrl, ...(token ? { token } : {}), userAgent: 'tiny-backspace' })
  );
}

/**
 * Called by the validate step when the request names a pull request: checks it (exists, open, head
 * pushable) before anything is cloned, and points the run at the PR's head branch instead of the base.
 */
export async function prepareFollowUp(context: RunContext, state: RunState, canPushBase: boolean): Promise<void> {
  const number = context.request.pullRequest;
  if (number === undefined) return;
  const target = requireState(state.target, 'target');
  if (target.kind !== 'github') {
    throw new TinyBackspaceError('invalid_request', 'pullRequest needs a GitHub repository URL; a local repository has no pull requests.', {
      remedy: 'Pass https://github.com/OWNER/REPO with the pull request number.',
    });
  }
  if (context.request.base !== undefined) {
    throw new TinyBackspaceError('invalid_request', 'base cannot be combined with pullRequest: a follow-up always builds on the pull request\'s head branch.', {
      remedy: 'Leave base out.',
    });
  }
  const api = pullRequestApi(context, target.server, state.secrets.githubToken);
  const followUp = await resolvePullRequestTarget({
    api,
    target,
    number,
    addressReview: context.request.addressReview === true,
    canPushBase,
    dryRun: context.options.dryRun ?? false,
    signal: context.signal,
  });
  state.followUp = followUp;
  state.pullRequestApi = api;
  // The clone step clones `baseBranch` from `remote`: for a follow-up that is the head branch, in the
  // head repository (which may be a fork), and the push later goes back to the same place.
  state.baseBranch = followUp.headRef;
  state.remote = followUp.headCloneUrl;
  context.emit({
    kind: 'step_progress',
    type: 'info',
    step: 'validate',
    message: `Follow-up on pull request #${followUp.number} (${followUp.headOwner}:${followUp.headRef} at ${followUp.headSha.slice(0, 12)}, into ${followUp.baseRef})${followUp.addressReview ? `: ${followUp.threads.length} unresolved review thread(s)` : ''}`,
  });
}

/** Called by the clone step: the clone must be the commit we validated, or the context would be stale. */
export function assertClonedHead(state: RunState): void {
  const followUp = state.followUp;
  if (!followUp || state.baseSha === followUp.headSha) return;
  throw new TinyBackspaceError(
    'pull_request_head_moved',
    `The head of pull request #${followUp.number} moved from ${followUp.headSha.slice(0, 12)} to ${state.baseSha?.slice(0, 12) ?? 'an unknown commit'} while the run started; nothing was changed.`,
    { remedy: 'Run the follow-up again: it will build on the new head.' },
  );
}
