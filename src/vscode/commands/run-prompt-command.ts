import * as vscode from 'vscode';
import { z } from 'zod';
import type { TerminalEvent } from '../../protocol/run-events';
import type { RunRequest } from '../../protocol/run-request';
import { ensureGitHubToken, githubProviderFor, type ResolvedGitHubToken } from '../auth/secret-resolution';
import { engineConfigFromSettings, extensionSettings } from '../config/settings-config';
import { vscodeSettingsReader } from '../config/vscode-settings';
import { findRepository } from '../repo/find-repository';
import { followRun } from '../runs/follow-run';
import { OFFLINE_EXAMPLE_PROMPT } from '../runs/provider-readiness';
import { ensureTrustedWorkspace } from '../trust/workspace-trust';
import type { CommandContext } from './command-context';
import { currentReadiness, ensureProvider } from './ensure-provider';
import { showPromptInput, validatePrompt } from './prompt-input';
import { showCommandError } from './show-error';

/*
 * `tinyBackspace.runPrompt`: Run Prompt on Current Repository.
 *
 * Arguments, for every caller (the panel's Run / Re-run, the editor's code actions):
 *   { prompt?: string, repoUrl?: string }
 *   - `prompt` skips the input box (the palette path always shows it).
 *   - `repoUrl` prefers that repository when the workspace has several (Re-run), without a quick pick.
 * Test hook, honoured only when the extension runs in ExtensionMode.Test:
 *   { repositoryRoot?: string } (an absolute work-tree path) skips discovery over the open folders and the
 *   quick pick, and an unpushed-commits warning is logged instead of asking "Run Anyway?".
 * Resolves `{ requestId, done }` once the run has started (`done` resolves with the terminal event, in the
 * same extension host), or `undefined` when no run started (untrusted workspace, no repository, no AI
 * provider for this prompt, no GitHub token, dismissed input, concurrency limit; each shown to the user).
 * Related hooks (test mode only): `tinyBackspace.reviewChanges` with `{ requestId?, decision }` answers a
 * pending review; `tinyBackspace.cancelRun` with `{ requestId? }` cancels without a pick.
 */

const RunPromptArgsSchema = z.object({ prompt: z.string().optional(), repoUrl: z.string().optional(), repositoryRoot: z.string().min(1).optional() });
export type RunPromptArgs = z.infer<typeof RunPromptArgsSchema>;

export interface RunPromptResult {
  readonly requestId: string;
  readonly done: Promise<TerminalEvent>;
}

const RUN_ANYWAY = 'Run Anyway';
const SIGN_IN = 'Sign in to GitHub';

function isTestMode(context: CommandContext): boolean {
  return context.services.context.extensionMode === vscode.ExtensionMode.Test;
}

export async function runPromptCommand(context: CommandContext, rawArgs: unknown): Promise<RunPromptResult | undefined> {
  const parsedArgs = RunPromptArgsSchema.safeParse(rawArgs ?? {});
  const parsed: RunPromptArgs = parsedArgs.success ? parsedArgs.data : {};
  // The repositoryRoot hook is for the test suites only: any other extension could otherwise aim a run anywhere.
  const { repositoryRoot, ...args } = parsed;
  const hookRoot = repositoryRoot !== undefined && isTestMode(context) ? repositoryRoot : undefined;
  const automated = hookRoot !== undefined;
  const { services, env } = context;
  const logger = services.logger;
  try {
    if (!(await ensureTrustedWorkspace())) return undefined;
    // First-run check, before a repository is even looked at: which provider would make the change?
    const early = await currentReadiness(context);
    const offlineOnly = early.ok && early.provider === 'offline';
    if (args.prompt !== undefined && !(await ensureProvider(context, args.prompt))) return undefined;

    const read = vscodeSettingsReader();
    const config = engineConfigFromSettings(read, env);
    const candidate = await findRepository({ hosts: config.github, ...(hookRoot ? { repositoryRoot: hookRoot } : {}), ...(args.repoUrl ? { preferRepoUrl: args.repoUrl } : {}) });
    if (!candidate) return undefined;
    const label = `${candidate.target.owner}/${candidate.target.repo}`;

    if (candidate.unpushedWarning) {
      logger.warn(candidate.unpushedWarning);
      if (!automated) {
        const choice = await vscode.window.showWarningMessage(candidate.unpushedWarning, RUN_ANYWAY);
        if (choice !== RUN_ANYWAY) return undefined;
      }
    }

    let typed = args.prompt;
    if (typed === undefined) {
      const input = await showPromptInput({ title: `Tiny Backspace: ${label}${candidate.base ? ` (base ${candidate.base})` : ''}`, offlineOnly, offlineExample: OFFLINE_EXAMPLE_PROMPT });
      if (input === undefined) return undefined;
      if (input.kind === 'multiline') {
        // The panel's form keeps the text and runs it (with Ctrl+Enter) through this same command.
        context.panels.compose(input.value, candidate.target.htmlUrl);
        return undefined;
      }
      typed = input.value;
      if (!(await ensureProvider(context, typed))) return undefined;
    }
    const problem = validatePrompt(typed);
    if (problem) {
      void vscode.window.showErrorMessage(`Tiny Backspace: ${problem}`);
      return undefined;
    }

    // The user acted, so this is the one place a GitHub sign-in may be offered; the prompt survives it.
    const provider = githubProviderFor(candidate.target.server);
    let token: ResolvedGitHubToken | undefined = await ensureGitHubToken(context.secretDeps, provider);
    if (!token) {
      const choice = await vscode.window.showErrorMessage(
        `Tiny Backspace needs a GitHub token to push a branch and open the pull request on ${candidate.target.server.host}. Sign in to GitHub${provider === 'github-enterprise' ? ' Enterprise (VS Code reads its URL from the "github-enterprise.uri" setting)' : ''}, or set GITHUB_TOKEN or GITHUB_PAT in the environment VS Code starts with.`,
        SIGN_IN,
      );
      if (choice === SIGN_IN && (await vscode.commands.executeCommand<boolean>('tinyBackspace.signInToGitHub'))) {
        token = await ensureGitHubToken(context.secretDeps, provider);
      }
      if (!token) {
        context.panels.compose(typed, candidate.target.htmlUrl);
        return undefined;
      }
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
    logger.info('run started from VS Code', { request_id: started.requestId, repo: label, review: review !== undefined });
    context.panels.show({ selectRunId: started.requestId, preserveFocus: true });
    followRun(context, started.requestId, label, started.done);
    return started;
  } catch (error) {
    await showCommandError(error, logger, 'Run Prompt');
    return undefined;
  }
}
