import * as vscode from 'vscode';
import { z } from 'zod';
import { MAX_PROMPT_LENGTH, type RunRequest } from '../../protocol/run-request';
import { ensureGitHubToken, githubProviderFor } from '../auth/secret-resolution';
import { engineConfigFromSettings, extensionSettings } from '../config/settings-config';
import { vscodeSettingsReader } from '../config/vscode-settings';
import { findRepository } from '../repo/find-repository';
import { followRun } from '../runs/follow-run';
import { ensureTrustedWorkspace } from '../trust/workspace-trust';
import type { CommandContext } from './command-context';
import { parsePullRequestInput } from './pull-request-input';
import type { RunPromptResult } from './run-prompt-command';
import { showCommandError } from './show-error';

/*
 * `tinyBackspace.followUpPullRequest`: Follow Up on a Pull Request (issue 15).
 * Asks for a PR URL or number of the current repository, then for a prompt, or "Address Review
 * Comments". Test hook: executeCommand(id, { pullRequest, prompt?, addressReview?, repositoryRoot? }).
 */

const ArgsSchema = z.object({
  pullRequest: z.union([z.string(), z.number()]).optional(),
  prompt: z.string().optional(),
  addressReview: z.boolean().optional(),
  repositoryRoot: z.string().min(1).optional(),
});

const FOLLOW_UP = 'Follow Up with a Prompt';
const ADDRESS_REVIEW = 'Address Review Comments';

export async function followUpPullRequestCommand(context: CommandContext, rawArgs: unknown): Promise<RunPromptResult | undefined> {
  const parsed = ArgsSchema.safeParse(rawArgs ?? {});
  const args = parsed.success ? parsed.data : {};
  const { services, env } = context;
  try {
    if (!(await ensureTrustedWorkspace())) return undefined;
    const read = vscodeSettingsReader();
    const config = engineConfigFromSettings(read, env);
    const candidate = await findRepository({ hosts: config.github, ...(args.repositoryRoot ? { repositoryRoot: args.repositoryRoot } : {}) });
    if (!candidate) return undefined;
    const { target } = candidate;
    const label = `${target.owner}/${target.repo}`;

    const typedPull =
      args.pullRequest === undefined
        ? await vscode.window.showInputBox({
            title: `Tiny Backspace: follow up on a pull request in ${label}`,
            prompt: 'Pull request number or URL. The run adds one commit to its branch; it never force-pushes or opens a new PR.',
            placeHolder: 'e.g. 42 or https://github.com/OWNER/REPO/pull/42',
            ignoreFocusOut: true,
            validateInput: (value) => {
              const result = parsePullRequestInput(value, target);
              return 'problem' in result ? result.problem : undefined;
            },
          })
        : String(args.pullRequest);
    if (typedPull === undefined) return undefined;
    const pull = parsePullRequestInput(typedPull, target);
    if ('problem' in pull) {
      void vscode.window.showErrorMessage(`Tiny Backspace: ${pull.problem}`);
      return undefined;
    }

    let addressReview = args.addressReview ?? false;
    let prompt = args.prompt;
    if (args.addressReview === undefined && prompt === undefined) {
      const choice = await vscode.window.showQuickPick([FOLLOW_UP, ADDRESS_REVIEW], { title: `Pull request #${pull.number}`, ignoreFocusOut: true });
      if (choice === undefined) return undefined;
      addressReview = choice === ADDRESS_REVIEW;
    }
    if (!addressReview && prompt === undefined) {
      prompt = await vscode.window.showInputBox({
        title: `Tiny Backspace: follow up on #${pull.number}`,
        prompt: 'What else should change on this pull request?',
        ignoreFocusOut: true,
        validateInput: (value) => (value.trim() === '' ? 'Describe the follow-up change.' : value.length > MAX_PROMPT_LENGTH ? `At most ${MAX_PROMPT_LENGTH} characters.` : undefined),
      });
      if (prompt === undefined || prompt.trim() === '') return undefined;
    }

    const provider = githubProviderFor(target.server);
    const token = await ensureGitHubToken(context.secretDeps, provider);
    if (!token) {
      void vscode.window.showErrorMessage('Tiny Backspace needs a GitHub token to push to the pull request. Run "Tiny Backspace: Sign in to GitHub".');
      return undefined;
    }
    const deps = await context.runDeps(provider, token);
    const review = extensionSettings(read).reviewBeforePullRequest ? context.reviews.gate : undefined;
    const request: RunRequest = {
      repoUrl: target.htmlUrl,
      pullRequest: pull.number,
      ...(prompt?.trim() ? { prompt: prompt.trim() } : {}),
      ...(addressReview ? { addressReview: true } : {}),
    };
    const started = services.registry.start(request, { deps: { ...deps, ...(review ? { review } : { review: undefined }) } });
    services.logger.info('follow-up started', { request_id: started.requestId, repo: label, pull_request: pull.number, address_review: addressReview });
    context.panels.show({ selectRunId: started.requestId, preserveFocus: true });
    followRun(context, started.requestId, `${label}#${pull.number}`, started.done);
    return started;
  } catch (error) {
    await showCommandError(error, services.logger, 'Follow Up on Pull Request');
    return undefined;
  }
}
