import * as vscode from 'vscode';
import { ensureGitHubToken, githubProviderForRepoUrl } from '../auth/secret-resolution';
import type { CommandContext } from '../commands/command-context';
import { engineConfigFromSettings } from '../config/settings-config';
import { vscodeSettingsReader } from '../config/vscode-settings';
import { followRun } from '../runs/follow-run';
import { changesOf, replayRequestOf, type PersistedReview } from './persisted-reviews';
import { ReplayAgent } from './replay-agent';

/**
 * Create Pull Request on a review restored after a window reload. The run that produced it is gone (with
 * its clone and sandbox), so a new run clones the base again, re-applies exactly the reviewed change
 * (ReplayAgent, no model), runs the checks, and pushes; no second review, the user just gave it. A
 * follow-up's review goes back onto its pull request (one commit on the head as it is now).
 */
export async function replayReview(context: CommandContext, review: PersistedReview): Promise<'completed' | 'not_completed'> {
  const config = engineConfigFromSettings(vscodeSettingsReader(), context.env);
  const provider = githubProviderForRepoUrl(review.repoUrl, config);
  const token = await ensureGitHubToken(context.secretDeps, provider);
  if (!token) {
    void vscode.window.showErrorMessage('Tiny Backspace needs a GitHub token to push the restored change. Sign in to GitHub, then choose Create Pull Request again.', 'Sign in to GitHub').then((choice) =>
      choice ? vscode.commands.executeCommand('tinyBackspace.signInToGitHub') : undefined,
    );
    return 'not_completed';
  }
  const deps = await context.runDeps(provider, token);
  const changes = changesOf(review);
  const started = context.services.registry.start(replayRequestOf(review), {
    deps: { ...deps, review: undefined, createAgent: () => new ReplayAgent(changes, review.requestId) },
  });
  context.services.logger.info('replaying a restored review', { request_id: started.requestId, restored_from: review.requestId });
  context.panels.show({ selectRunId: started.requestId, preserveFocus: true });
  const label = review.repoUrl.replace(/^https?:\/\/[^/]+\//, '');
  followRun(context, started.requestId, review.pullRequest !== undefined ? `${label}#${review.pullRequest}` : label, started.done, review.pullRequest);
  const terminal = await started.done;
  return terminal.kind === 'completed' ? 'completed' : 'not_completed';
}
