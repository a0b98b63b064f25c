import * as vscode from 'vscode';
import { z } from 'zod';
import type { TerminalEvent } from '../../protocol/run-events';
import { MAX_PROMPT_LENGTH, type RunRequest } from '../../protocol/run-request';
import { ensureGitHubToken, githubProviderFor } from '../auth/secret-resolution';
import { engineConfigFromSettings, extensionSettings } from '../config/settings-config';
import { vscodeSettingsReader } from '../config/vscode-settings';
import { findRepository } from '../repo/find-repository';
import { followRun } from '../runs/follow-run';
import { ensureTrustedWorkspace } from '../trust/workspace-trust';
import type { CommandContext } from './command-context';
import { showCommandError } from './show-error';

/*
 * `tinyBackspace.runPrompt`: Run Prompt on Current Repository.
 *
 * Test hooks (for the extension-host and UI suites, and for automation):
 *   executeCommand('tinyBackspace.runPrompt', { prompt?: string, repositoryRoot?: string })
 *   - `prompt` skips the input box (the palette path always shows it).
 *   - `repositoryRoot` (an absolute work-tree path) skips repository discovery over the open folders and the
 *     quick pick; with several GitHub remotes, origin is taken.
 *   - With either argument, an unpushed-commits warning is logged instead of asking "Run Anyway?".
 *   - Resolves `{ requestId, done }` once the run has started (`done` resolves with the terminal event, in
 *     the same extension host), or `undefined` when no run started (untrusted workspace, no repository,
 *     no GitHub token, dismissed input, concurrency limit; each shown to the user).
 *   Related hooks: `tinyBackspace.reviewChanges` with `{ requestId?, decision: 'create' | 'discard' }`
 *   answers a pending review; `tinyBackspace.cancelRun` with `{ requestId? }` cancels without a pick.
 */

const RunPromptArgsSchema = z.object({ prompt: z.string().optional(), repositoryRoot: z.string().min(1).optional() });
export type RunPromptArgs = z.infer<typeof RunPromptArgsSchema>;

export interface RunPromptResult {
  readonly requestId: string;
  readonly done: Promise<TerminalEvent>;
}

const RUN_ANYWAY = 'Run Anyway';
const SIGN_IN = 'Sign in to GitHub';

function validatePrompt(value: string): string | undefined {
  if (value.trim() === '') return 'Describe the change you want, e.g. "Add input validation to all POST endpoints".';
  if (value.length > MAX_PROMPT_LENGTH) return `A prompt can be at most ${MAX_PROMPT_LENGTH} characters.`;
  return undefined;
}

export async function runPromptCommand(context: CommandContext, rawArgs: unknown): Promise<RunPromptResult | undefined> {
  const parsedArgs = RunPromptArgsSchema.safeParse(rawArgs ?? {});
  const args: RunPromptArgs = parsedArgs.success ? parsedArgs.data : {};
  const automated = args.prompt !== undefined || args.repositoryRoot !== undefined;
  const { services, env } = context;
  const logger = services.logger;
  try {
    if (!(await ensureTrustedWorkspace())) return undefined;
    const read = vscodeSettingsReader();
    const config = engineConfigFromSettings(read, env);
    const candidate = await findRepository({ hosts: config.github, ...(args.repositoryRoot ? { repositoryRoot: args.repositoryRoot } : {}) });
    if (!candidate) return undefined;
    const label = `${candidate.target.owner}/${candidate.target.repo}`;

    if (candidate.unpushedWarning) {
      logger.warn(candidate.unpushedWarning);
      if (!automated) {
        const choice = await vscode.window.showWarningMessage(candidate.unpushedWarning, RUN_ANYWAY);
        if (choice !== RUN_ANYWAY) return undefined;
      }
    }

    const typed =
      args.prompt ??
      (await vscode.window.showInputBox({
        title: `Tiny Backspace: ${label}${candidate.base ? ` (base ${candidate.base})` : ''}`,
        prompt: 'What should change? The agent edits a fresh clone in a sandbox; nothing is pushed before you review it.',
        placeHolder: 'e.g. Add input validation to all POST endpoints',
        ignoreFocusOut: true,
        validateInput: validatePrompt,
      }));
    if (typed === undefined) return undefined;
    const problem = validatePrompt(typed);
    if (problem) {
      void vscode.window.showErrorMessage(`Tiny Backspace: ${problem}`);
      return undefined;
    }

    // The user acted, so this is the one place a GitHub sign-in may be offered.
    const provider = githubProviderFor(candidate.target.server);
    const token = await ensureGitHubToken(context.secretDeps, provider);
    if (!token) {
      const choice = await vscode.window.showErrorMessage(
        `Tiny Backspace needs a GitHub token to push a branch and open the pull request on ${candidate.target.server.host}. Sign in to GitHub${provider === 'github-enterprise' ? ' Enterprise (VS Code reads its URL from the "github-enterprise.uri" setting)' : ''}, or set GITHUB_TOKEN or GITHUB_PAT in the environment VS Code starts with.`,
        SIGN_IN,
      );
      if (choice === SIGN_IN) await vscode.commands.executeCommand('tinyBackspace.signInToGitHub');
      return undefined;
    }
    logger.info('GitHub token found', { source: token.source, provider });

    const deps = await context.runDeps(provider, token);
    const review = extensionSettings(read).reviewBeforePullRequest ? context.reviews.gate : undefined;
    const request: RunRequest = {
      repoUrl: candidate.target.htmlUrl,
      prompt: typed.trim(),
      ...(candidate.base ? { base: candidate.base } : {}),
    };
    // The registry's own deps are only a fallback: this run gets fresh settings, secrets and the gate.
    const started = services.registry.start(request, { deps: { ...deps, ...(review ? { review } : { review: undefined }) } });
    logger.info('run started from the command palette', { request_id: started.requestId, repo: label, review: review !== undefined });
    context.panels.show({ selectRunId: started.requestId, preserveFocus: true });
    followRun(context, started.requestId, label, started.done);
    return started;
  } catch (error) {
    await showCommandError(error, logger, 'Run Prompt');
    return undefined;
  }
}
