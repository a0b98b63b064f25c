import type { ChangedFile } from '../../../protocol/run-events';
import { TinyBackspaceError } from '../../errors/tiny-backspace-error';
import { commitTree } from '../../git/commit-from-changes';
import type { FollowUpTarget } from '../../github/pull-request-target';
import { redactSecrets } from '../../security/redact';
import type { RunContext } from '../run-context';
import type { RunState } from '../run-state';
import { requireState } from '../steps/require-state';
import { threadLabel } from './untrusted-context';

const MAX_SUMMARY_IN_REPLY = 1_500;

function firstLine(text: string, max: number): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > max ? `${line.slice(0, max - 1).trimEnd()}…` : line;
}

/** Names the prompt (or "address review") and the provider, so the PR's history says who did what. */
export function followUpCommitMessage(input: { followUp: FollowUpTarget; prompt: string; userPrompt: string | undefined; agent: string; requestId: string }): string {
  const { followUp } = input;
  const subject = followUp.addressReview ? `Tiny Backspace: address review on #${followUp.number}` : `Tiny Backspace: ${firstLine(input.prompt, 60)}`;
  const body = followUp.addressReview
    ? [`Address review: ${followUp.threads.length} unresolved thread(s).`, ...followUp.threads.map((thread, index) => `- ${threadLabel(index)} ${thread.path}${thread.line === undefined ? '' : `:${thread.line}`}`), ...(input.userPrompt ? ['', input.userPrompt.trim()] : [])]
    : [input.prompt.trim()];
  return `${subject}\n\n${body.join('\n')}\n\nFollow-up on #${followUp.number}\nAgent: ${input.agent}\nRequest: ${input.requestId}\n`;
}

/** git's porcelain line for a ref it would not update because the remote has commits we do not. */
function wasRejected(output: string): boolean {
  return /^!\t.*\[(?:rejected|remote rejected)\]/m.test(output) || /\b(?:fetch first|non-fast-forward|stale info)\b/.test(output);
}

/**
 * The follow-up's push: one commit on top of the head we cloned, a plain fast-forward to the head branch
 * (git refuses anything else, and we never force). If someone pushed meanwhile, the push is refused and
 * the change stays in the run's patch; nothing on GitHub is overwritten.
 */
export async function pushFollowUp(context: RunContext, state: RunState): Promise<void> {
  const followUp = requireState(state.followUp, 'followUp');
  const git = requireState(state.git, 'git');
  const gitDir = requireState(state.gitDir, 'gitDir');
  const agent = requireState(state.agentResult, 'agentResult');
  const { signal } = context;
  const commit = await commitTree(
    git,
    gitDir,
    requireState(state.treeSha, 'treeSha'),
    requireState(state.baseSha, 'baseSha'),
    followUpCommitMessage({ followUp, prompt: context.request.prompt, userPrompt: context.request.addressReview ? undefined : context.request.prompt, agent: agent.agent, requestId: context.requestId }),
    signal,
  );
  state.commitSha = commit;
  const pushed = await git.run(['--git-dir', gitDir, 'push', '--no-verify', '--porcelain', '--', requireState(state.remote, 'remote'), `${commit}:refs/heads/${followUp.headRef}`], { signal, allowFailure: true });
  if (pushed.exitCode !== 0) {
    const output = redactSecrets(`${pushed.stdout}\n${pushed.stderr}`, git.knownSecrets);
    if (wasRejected(output)) {
      throw new TinyBackspaceError(
        'pull_request_head_moved',
        `Pull request #${followUp.number}'s branch ${followUp.headRef} moved while the run worked (someone pushed after ${followUp.headSha.slice(0, 12)}), so GitHub refused the fast-forward; nothing was pushed or overwritten.`,
        { remedy: 'Your change is kept in this event\'s patch (the CLI prints it; apply it with `git apply`), or run the follow-up again to build on the new head.' },
      );
    }
    throw new TinyBackspaceError('git_failed', `Pushing to pull request #${followUp.number}'s branch failed: ${output.trim().slice(0, 1000)}`, {
      remedy: 'Check that your token may push to the head branch, then run again.',
    });
  }
  state.branch = followUp.headRef;
  state.pullRequest = { number: followUp.number, url: followUp.url, created: false };
  context.emit({ kind: 'step_progress', type: 'success', step: 'pull_request', message: `Pushed ${commit.slice(0, 12)} on top of ${followUp.headSha.slice(0, 12)} to ${followUp.headRef} (pull request #${followUp.number})` });
  if (followUp.addressReview) await replyToThreads(context, state, commit);
}

function replyText(input: { changed: ChangedFile | undefined; path: string; commit: string; agent: string; summary: string }): string {
  const summary = input.summary.trim() ? `\n\nAgent summary:\n> ${input.summary.trim().slice(0, MAX_SUMMARY_IN_REPLY).split('\n').join('\n> ')}` : '';
  if (input.changed) {
    return `Addressed in ${input.commit}: changed \`${input.path}\` (+${input.changed.additions} -${input.changed.deletions}), by Tiny Backspace with ${input.agent}.${summary}`;
  }
  return `Not addressed in ${input.commit}: Tiny Backspace (${input.agent}) made no change to \`${input.path}\` for this thread.${summary}`;
}

/** One reply per thread, after the push: what changed and the commit, or why not. A failed reply is a warning. */
async function replyToThreads(context: RunContext, state: RunState, commit: string): Promise<void> {
  const followUp = requireState(state.followUp, 'followUp');
  const api = requireState(state.pullRequestApi, 'pullRequestApi');
  const target = requireState(state.target, 'target');
  if (target.kind !== 'github') return;
  const agent = requireState(state.agentResult, 'agentResult');
  const changed = new Map((state.changedFiles ?? []).map((file) => [file.path, file]));
  let replied = 0;
  for (const thread of followUp.threads) {
    // Model output goes to a public page: scrub every secret this run knows first.
    const body = redactSecrets(replyText({ changed: changed.get(thread.path), path: thread.path, commit, agent: agent.agent, summary: agent.summary }), context.events.secrets);
    try {
      await api.replyToReviewComment(target.owner, target.repo, followUp.number, thread.commentId, body, context.signal);
      replied += 1;
    } catch (error) {
      context.emit({ kind: 'step_progress', type: 'warning', step: 'pull_request', message: `Could not reply to the thread on ${thread.path}: ${error instanceof Error ? error.message : String(error)}` });
    }
  }
  context.emit({ kind: 'step_progress', type: 'info', step: 'pull_request', message: `Replied to ${replied} of ${followUp.threads.length} review thread(s).` });
}
