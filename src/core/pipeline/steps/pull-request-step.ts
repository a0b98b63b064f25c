import { commitTree } from '../../git/commit-from-changes';
import { RECEIVE_PACK_WITHOUT_HOOKS } from '../../git/git-config-env';
import { branchName } from '../branch-name';
import { commitMessage, commitSubject, pullRequestBody } from '../pull-request-text';
import type { RunContext } from '../run-context';
import type { RunState } from '../run-state';
import { requireState } from './require-state';

/** Step 8: after review (if the host asks for one), one commit on a new branch, pushed, and the PR. */
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
        changes: requireState(state.workspace, 'workspace').changes.list(),
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

  const branch = branchName(context.deps.config.branchPrefix, request.prompt, context.requestId);
  const commit = await commitTree(
    git,
    gitDir,
    requireState(state.treeSha, 'treeSha'),
    requireState(state.baseSha, 'baseSha'),
    commitMessage(request.prompt, agent.agent, context.requestId),
    signal,
  );
  state.commitSha = commit;
  await git.run(['--git-dir', gitDir, 'push', '--no-verify', RECEIVE_PACK_WITHOUT_HOOKS, '--porcelain', '--', requireState(state.remote, 'remote'), `${commit}:refs/heads/${branch}`], { signal });
  state.branch = branch;
  context.emit({ kind: 'step_progress', type: 'info', step: 'pull_request', message: `Pushed ${commit.slice(0, 12)} to ${branch}` });
  if (target.kind === 'local') return;

  const github = requireState(state.github, 'github');
  const pull = await github.createOrFindPullRequest(
    {
      owner: target.owner,
      repo: target.repo,
      head: branch,
      base: requireState(state.baseBranch, 'baseBranch'),
      title: commitSubject(request.prompt),
      body: pullRequestBody({
        prompt: request.prompt,
        agent: agent.agent,
        summary: agent.summary,
        requestId: context.requestId,
        changedFiles,
        checks: state.checks ?? [],
      }),
      draft: context.options.draft ?? context.deps.config.draftPullRequests,
    },
    signal,
  );
  state.pullRequest = pull;
  context.emit({ kind: 'step_progress', type: 'success', step: 'pull_request', message: `Pull request #${pull.number}${pull.created ? ' opened' : ' already existed'}: ${pull.url}` });
}
