import { TinyBackspaceError } from '../errors/tiny-backspace-error';
import type { GitHubRepositoryTarget } from '../repo/repository-target';
import type { PullRequestApi, PullRequestFile, ReviewThread } from './pull-request-api';

/** The pull request a follow-up works on, checked before anything is cloned. */
export interface FollowUpTarget {
  readonly number: number;
  readonly url: string;
  readonly title: string;
  readonly body: string;
  /** Where the new commit goes: the head branch, in the head repository (a fork, or the base repository). */
  readonly headOwner: string;
  readonly headRepo: string;
  readonly headRef: string;
  readonly headCloneUrl: string;
  /** The commit the run builds on; the push is a fast-forward from exactly this commit. */
  readonly headSha: string;
  readonly baseRef: string;
  readonly files: readonly PullRequestFile[];
  readonly addressReview: boolean;
  /** Unresolved review threads: the task when `addressReview` is set. */
  readonly threads: readonly ReviewThread[];
}

const SAFE_NAME = /^[A-Za-z0-9_.-]+$/;

/**
 * Looks the pull request up and decides whether this token may extend it: it must exist, be open, and
 * its head branch must be pushable (the token can push to the head repository, or it is a fork whose
 * author allows edits from maintainers and the token can push to the base repository).
 */
export async function resolvePullRequestTarget(input: {
  api: PullRequestApi;
  target: GitHubRepositoryTarget;
  number: number;
  addressReview: boolean;
  /** Whether the token may push to the base repository. */
  canPushBase: boolean;
  dryRun: boolean;
  signal: AbortSignal;
}): Promise<FollowUpTarget> {
  const { api, target, number, signal } = input;
  const pull = await api.getPullRequest(target.owner, target.repo, number, signal);
  const name = `${target.owner}/${target.repo}#${number}`;
  if (pull.state !== 'open') {
    throw new TinyBackspaceError('pull_request_not_open', `Pull request ${name} is ${pull.merged ? 'merged' : 'closed'}, so a follow-up cannot add commits to it.`, {
      remedy: pull.merged ? 'Start a new run (without a pull request number) to change the merged code.' : 'Reopen the pull request on GitHub, or start a new run without a pull request number.',
    });
  }
  const headRepo = pull.head.repo;
  if (!headRepo) {
    throw new TinyBackspaceError('github_push_denied', `The head repository of ${name} no longer exists (the fork was deleted), so there is no branch to push to.`, {
      remedy: 'Start a new run without a pull request number.',
    });
  }
  if (!SAFE_NAME.test(headRepo.owner) || !SAFE_NAME.test(headRepo.name)) {
    throw new TinyBackspaceError('github_api_error', `GitHub reported an unexpected head repository for ${name}.`);
  }
  const sameRepository = headRepo.owner.toLowerCase() === target.owner.toLowerCase() && headRepo.name.toLowerCase() === target.repo.toLowerCase();
  const headLabel = `${headRepo.owner}:${pull.head.ref}`;
  if (!input.dryRun) {
    const mayPush = sameRepository ? input.canPushBase : headRepo.canPush || (pull.maintainerCanModify && input.canPushBase);
    if (!mayPush) {
      const why = sameRepository
        ? `your token cannot push to ${target.owner}/${target.repo}`
        : `its head ${headLabel} is in the fork ${headRepo.owner}/${headRepo.name}, which your token cannot push to${pull.maintainerCanModify ? '' : ', and the author has not allowed edits from maintainers'}`;
      throw new TinyBackspaceError('github_push_denied', `Cannot follow up on ${name}: ${why}. Nothing was cloned.`, {
        remedy: sameRepository
          ? 'Use a token with write access to the repository.'
          : 'Ask the author to tick "Allow edits by maintainers" on the pull request, or use a token that may push to the fork.',
      });
    }
  }
  const [files, threads] = await Promise.all([
    api.listFiles(target.owner, target.repo, number, signal),
    input.addressReview ? api.listUnresolvedThreads(target.owner, target.repo, number, signal) : Promise.resolve([]),
  ]);
  if (input.addressReview && threads.length === 0) {
    throw new TinyBackspaceError('no_changes', `Pull request ${name} has no unresolved review threads, so there is nothing to address.`, {
      remedy: 'Give a prompt instead (a follow-up), or wait for review comments.',
    });
  }
  // The clone URL is built from the configured server, never taken from the API answer, so the token
  // only ever goes to the host the user named.
  const headCloneUrl = `${target.server.webUrl.replace(/\/+$/, '')}/${headRepo.owner}/${headRepo.name}.git`;
  return {
    number: pull.number,
    url: pull.url,
    title: pull.title,
    body: pull.body,
    headOwner: headRepo.owner,
    headRepo: headRepo.name,
    headRef: pull.head.ref,
    headCloneUrl,
    headSha: pull.head.sha,
    baseRef: pull.base.ref,
    files,
    addressReview: input.addressReview,
    threads,
  };
}
