import { isAbortLike } from '../../errors/cancelled-error';
import { commitTree } from '../../git/commit-from-changes';
import { branchName, requestFingerprint } from '../branch-name';
import { pullRequestIsolationNote } from '../../sandbox/isolation-policy';
import { disposeSandbox } from '../dispose-sandbox';
import { RECEIVE_PACK_WITHOUT_HOOKS } from '../../git/git-config-env';
import { commitMessage, commitSubject, pullRequestBody } from '../pull-request-text';
import type { RunContext } from '../run-context';
import type { RunState } from '../run-state';
import { removePushedBranch } from './pushed-branch';
import { pushFollowUp } from '../follow-up/push-follow-up';
import { requireState } from './require-state';

/**
 * Step 8: after review (if the host asks for one), one commit on the request's branch, pushed, and the
 * PR. The branch name comes from the request (repository, base commit, prompt, or its idempotency key),
 * so a retry finds the PR an earlier attempt opened. If the PR cannot be opened after the push, the
 * branch is deleted again, or the run says where it was left.
 */
export async function pullRequestStep(context: RunContext, state: RunState): Promise<void> {
  const { request, signal } = context;
  const git = requireState(state.git, 'git');
  const gitDir = requireState(state.gitDir, 'gitDir');
  const target = requireState(state.target, 'target');
  const changedFiles = requireState(state.changedFiles, 'changedFiles');
  const agent = requireState(state.agentResult, 'agentResult');

  if (context.options.dryRun) {
    context.emit({ kind: 'step_progress', type: 'info', step: 'pull_request', message: 'Dry run: nothing was committed or pushed.' });
    return;
  }
  const review = context.deps.review;
  if (review) {
    const changes = requireState(state.workspace, 'workspace').changes.list();
    // The change is in memory and the commit is made from the host's git dir, so nothing the review needs
    // is in the sandbox: free it (an E2B machine is billed) and the execution slot before a human answers.
    // Done before review_required, so that event means "waiting, holding nothing", and the gate is
    // entered right after it.
    await disposeSandbox(state, context.deps.logger);
    state.releaseSlot?.();
    context.emit({
      kind: 'review_required',
      type: 'info',
      step: 'pull_request',
      message: `Review ${changedFiles.length} changed file(s) before anything is pushed.`,
      changed_files: changedFiles,
    });
    const decision = await review(
      {
        requestId: context.requestId,
        changes,
        changedFiles,
        patch: state.patch ?? '',
        baseRef: requireState(state.baseBranch, 'baseBranch'),
      },
      signal,
    );
    if (decision === 'discard') {
      state.discarded = true;
      context.emit({ kind: 'step_progress', type: 'info', step: 'pull_request', message: 'Discarded: nothing was pushed.' });
      return;
    }
  }

  if (state.followUp) return pushFollowUp(context, state); // issue 15: one commit on the PR's head, no new PR

  const baseBranch = requireState(state.baseBranch, 'baseBranch');
  const fingerprint = requestFingerprint({
    repository: requireState(state.remote, 'remote'),
    baseSha: requireState(state.baseSha, 'baseSha'),
    prompt: request.prompt,
    ...(context.options.idempotencyKey === undefined ? {} : { idempotencyKey: context.options.idempotencyKey }),
  });
  const github = target.kind === 'github' ? requireState(state.github, 'github') : undefined;
  // With an idempotency key the caller says what the request is; the wording of the prompt may differ.
  // A local repository gets no PR to find again, and its branches may hold the user's own commits: each
  // run gets a branch of its own there, and nothing is ever forced.
  const branch = github
    ? branchName(context.deps.config.branchPrefix, context.options.idempotencyKey ?? request.prompt, fingerprint)
    : branchName(context.deps.config.branchPrefix, request.prompt, context.requestId);
  if (target.kind === 'github' && github) {
    const earlier = await github.findOpenPullRequest({ owner: target.owner, repo: target.repo, head: branch, base: baseBranch }, signal);
    if (earlier) {
      state.branch = branch;
      state.pullRequest = earlier;
      context.emit({ kind: 'step_progress', type: 'success', step: 'pull_request', message: `Pull request #${earlier.number} for this request is already open: ${earlier.url}` });
      return;
    }
  }

  const commit = await commitTree(git, gitDir, requireState(state.treeSha, 'treeSha'), requireState(state.baseSha, 'baseSha'), commitMessage(request.prompt, agent.agent, context.requestId, agent.title), signal);
  state.commitSha = commit;
  // On GitHub the push is forced: the branch belongs to this request, and without an open PR anything on
  // it is a leftover of an earlier attempt that did not finish.
  const refspec = `${github ? '+' : ''}${commit}:refs/heads/${branch}`;
  try {
    await git.run(['--git-dir', gitDir, 'push', '--no-verify', RECEIVE_PACK_WITHOUT_HOOKS, '--porcelain', '--', requireState(state.remote, 'remote'), refspec], { signal });
  } catch (error) {
    // Cancelled mid-push, the branch may or may not have landed: make sure it did not.
    if (github && target.kind === 'github' && isAbortLike(error, signal)) throw await removePushedBranch(context, state, { github, target, branch }, error);
    throw error;
  }
  state.branch = branch;
  context.emit({ kind: 'step_progress', type: 'info', step: 'pull_request', message: `Pushed ${commit.slice(0, 12)} to ${branch}` });
  if (target.kind === 'local' || !github) return;

  try {
    const pull = await github.createOrFindPullRequest(
      {
        owner: target.owner,
        repo: target.repo,
        head: branch,
        base: baseBranch,
        title: commitSubject(request.prompt, agent.title),
        body: pullRequestBody({
          prompt: request.prompt,
          agent: agent.agent,
          summary: agent.summary,
          requestId: context.requestId,
          changedFiles,
          checks: state.checks ?? [],
          checksNote: pullRequestIsolationNote(state.sandbox?.isolation),
        }),
        draft: context.options.draft ?? context.deps.config.draftPullRequests,
      },
      signal,
    );
    state.pullRequest = pull;
    context.emit({ kind: 'step_progress', type: 'success', step: 'pull_request', message: `Pull request #${pull.number}${pull.created ? ' opened' : ' already existed'}: ${pull.url}` });
  } catch (error) {
    throw await removePushedBranch(context, state, { github, target, branch }, error);
  }
}
