import { TinyBackspaceError } from '../../errors/tiny-backspace-error';
import { Git } from '../../git/git';
import { parseRepositoryUrl } from '../../repo/parse-repository-url';
import { localBaseBranch, looksLikeLocalPath, resolveLocalRepository } from '../../repo/resolve-local-repository';
import { prepareFollowUp } from '../follow-up/prepare-follow-up';
import type { ResolvedSecrets } from '../pipeline-deps';
import type { RunContext } from '../run-context';
import type { RunState } from '../run-state';

async function resolveSecrets(context: RunContext): Promise<ResolvedSecrets> {
  const source = context.deps.secrets;
  const [githubToken, anthropicApiKey, openaiApiKey, e2bApiKey] = await Promise.all([
    source.githubToken(),
    source.anthropicApiKey(),
    source.openaiApiKey(),
    source.e2bApiKey(),
  ]);
  return {
    ...(githubToken ? { githubToken } : {}),
    ...(anthropicApiKey ? { anthropicApiKey } : {}),
    ...(openaiApiKey ? { openaiApiKey } : {}),
    ...(e2bApiKey ? { e2bApiKey } : {}),
  };
}

/** Step 1: the request, the repository and the credentials, all checked before any work starts. */
export async function validateStep(context: RunContext, state: RunState): Promise<void> {
  const { request, deps, signal } = context;
  state.secrets = await resolveSecrets(context);
  context.events.addSecrets(state.secrets);
  const dryRun = context.options.dryRun ?? false;

  if (looksLikeLocalPath(request.repoUrl)) {
    if (!deps.allowLocalRepositories) {
      throw new TinyBackspaceError('invalid_repository_url', 'This host only accepts GitHub repository URLs, not local paths.', {
        remedy: 'Use the CLI for a local repository, or pass https://github.com/OWNER/REPO.',
      });
    }
    const git = new Git({ ...(deps.env ? { baseEnv: deps.env } : {}) });
    const target = await resolveLocalRepository(request.repoUrl, git, signal);
    state.target = target;
    state.git = git;
    state.remote = target.path;
    state.baseBranch = await localBaseBranch(target, request.base, git, signal);
    await prepareFollowUp(context, state, false); // refuses pullRequest for a local repository
    context.emit({ kind: 'step_progress', type: 'info', step: 'validate', message: `Local repository ${target.path}, base branch ${state.baseBranch}` });
    return;
  }

  const target = parseRepositoryUrl(request.repoUrl, deps.config.github);
  state.target = target;
  const token = state.secrets.githubToken;
  if (!token && !dryRun) {
    throw new TinyBackspaceError('github_token_missing', 'No GitHub token is available, so the pull request cannot be opened.', {
      remedy: 'Sign in to GitHub (VS Code), or set GITHUB_TOKEN or GITHUB_PAT; use --dry-run to try without one.',
    });
  }
  const github = deps.createGitHubApi(target.server, token);
  state.github = github;
  const info = await github.getRepository(target.owner, target.repo, signal);
  // Follow-ups check their own push rights (a fork's head may be pushable when the base is not).
  if (!info.canPush && !dryRun && request.pullRequest === undefined) {
    throw new TinyBackspaceError('github_push_denied', `Your token cannot push to ${target.owner}/${target.repo}.`, {
      remedy: 'Use a token with write access, or fork the repository and run against your fork.',
    });
  }
  state.baseBranch = request.base ?? info.defaultBranch;
  state.remote = target.cloneUrl;
  const authOrigin = new URL(target.server.webUrl).origin;
  state.git = new Git({
    ...(token ? { token, authOrigin } : {}),
    allowPlainHttp: target.server.webUrl.startsWith('http:'),
    ...(deps.env ? { baseEnv: deps.env } : {}),
  });
  await prepareFollowUp(context, state, info.canPush); // issue 15: a follow-up targets the PR's head
  if (state.followUp) return;
  context.emit({
    kind: 'step_progress',
    type: 'info',
    step: 'validate',
    message: `${target.owner}/${target.repo} on ${target.server.host}, base branch ${state.baseBranch}${info.isPrivate ? ' (private)' : ''}`,
  });
}
