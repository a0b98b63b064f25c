import * as vscode from 'vscode';
import { z } from 'zod';
import type { GitHubHosts } from '../../core/repo/github-hosts';
import { parseRepositoryUrl } from '../../core/repo/parse-repository-url';
import type { GitHubRepositoryTarget } from '../../core/repo/repository-target';
import { ADDRESS_REVIEW_PROMPT, MAX_PROMPT_LENGTH, type RunRequest } from '../../protocol/run-request';
import { ensureGitHubToken, githubProviderFor } from '../auth/secret-resolution';
import { engineConfigFromSettings, extensionSettings } from '../config/settings-config';
import { vscodeSettingsReader } from '../config/vscode-settings';
import { findRepository } from '../repo/find-repository';
import { followRun } from '../runs/follow-run';
import { ensureTrustedWorkspace } from '../trust/workspace-trust';
import type { CommandContext } from './command-context';
import { ensureProvider } from './ensure-provider';
import { validatePrompt } from './prompt-input';
import { parsePullRequestInput } from './pull-request-input';
import type { RunPromptResult } from './run-prompt-command';
import { showCommandError } from './show-error';

/*
 * `tinyBackspace.followUpPullRequest`: Follow Up on a Pull Request (issue 15).
 * Asks for a PR URL or number of the current repository, then for a prompt, or "Address Review
 * Comments". Arguments, for every caller (the panel's Follow Up, Address Review Comments and Re-run):
 *   { pullRequest?, prompt?, draftPrompt?, addressReview?, repoUrl? }
 *   - `repoUrl` names the repository outright (the panel passes the run's own), so no workspace
 *     repository is looked up or picked: the run clones the PR's head from GitHub either way.
 *   - `draftPrompt` fills the prompt input box (Edit & Re-run of a follow-up); `prompt` skips it.
 *   - `addressReview` set (true or false) skips the "prompt or review comments" pick.
 * Test hook, honoured only in ExtensionMode.Test: { repositoryRoot } uses that work tree's remote.
 * Resolves like `tinyBackspace.runPrompt`: `{ requestId, done }` once the run started, else undefined.
 */

const ArgsSchema = z.object({
  pullRequest: z.union([z.string(), z.number()]).optional(),
  prompt: z.string().optional(),
  draftPrompt: z.string().max(MAX_PROMPT_LENGTH).optional(),
  addressReview: z.boolean().optional(),
  repoUrl: z.string().min(1).max(2048).optional(),
  repositoryRoot: z.string().min(1).optional(),
});

const FOLLOW_UP = 'Follow Up with a Prompt';
const ADDRESS_REVIEW = 'Address Review Comments';

export async function followUpPullRequestCommand(context: CommandContext, rawArgs: unknown): Promise<RunPromptResult | undefined> {
  const parsed = ArgsSchema.safeParse(rawArgs ?? {});
  const { repositoryRoot, ...args } = parsed.success ? parsed.data : {};
  // Like runPrompt's: another extension must not aim a run at an arbitrary folder's remote.
  const hookRoot = repositoryRoot !== undefined && context.services.context.extensionMode === vscode.ExtensionMode.Test ? repositoryRoot : undefined;
  const { services, env } = context;
  try {
    if (!(await ensureTrustedWorkspace())) return undefined;
    const read = vscodeSettingsReader();
    const config = engineConfigFromSettings(read, env);
    const target = await targetRepository(args.repoUrl, hookRoot, config.github);
    if (!target) return undefined;
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
        title: `Tiny Backspace: follow up on ${label}#${pull.number}`,
        prompt: 'What else should change on this pull request? The run adds one commit to its branch.',
        ...(args.draftPrompt ? { value: args.draftPrompt } : {}),
        ignoreFocusOut: true,
        validateInput: (value) => (value.trim() === '' ? 'Describe the follow-up change.' : value.length > MAX_PROMPT_LENGTH ? `At most ${MAX_PROMPT_LENGTH} characters.` : undefined),
      });
      if (prompt === undefined || prompt.trim() === '') return undefined;
    }
    // A prompt handed in (the panel's Re-run, the test hook) gets the checks the input box gives a typed one.
    const problem = prompt !== undefined && prompt.trim() !== '' ? validatePrompt(prompt) : addressReview ? undefined : 'Describe the follow-up change.';
    if (problem) {
      void vscode.window.showErrorMessage(`Tiny Backspace: ${problem}`);
      return undefined;
    }
    // Before anything is fetched: can a provider do this? Review comments always need an AI model.
    if (!(await ensureProvider(context, prompt?.trim() || ADDRESS_REVIEW_PROMPT))) return undefined;

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
    followRun(context, started.requestId, `${label}#${pull.number}`, started.done, pull.number);
    return started;
  } catch (error) {
    await showCommandError(error, services.logger, 'Follow Up on Pull Request');
    return undefined;
  }
}

/** The repository named by the caller (the panel's run), else the workspace's (asking when there are several). */
async function targetRepository(repoUrl: string | undefined, repositoryRoot: string | undefined, hosts: GitHubHosts): Promise<GitHubRepositoryTarget | undefined> {
  if (repoUrl !== undefined) return parseRepositoryUrl(repoUrl, hosts);
  const candidate = await findRepository({ hosts, ...(repositoryRoot ? { repositoryRoot } : {}) });
  return candidate?.target;
}
