import { createHash } from 'node:crypto';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import { abortErrorSignal } from '../errors/cancelled-error';
import { TinyBackspaceError } from '../errors/tiny-backspace-error';
import { redactSecrets } from '../security/redact';
import type { BranchRef, GitHubApi, PullRequestDraft, PullRequestInfo, RepositoryInfo } from './github-api';

const ThrottledOctokit = Octokit.plugin(retry, throttling);

export interface OctokitGitHubApiOptions {
  readonly apiUrl: string;
  /** Absent for anonymous, read-only use (dry runs on public repositories). */
  readonly token?: string;
  readonly userAgent?: string;
  /** Longest `retry-after` we will wait out before giving up on a rate limit. */
  readonly maxRateLimitWaitSeconds?: number;
  readonly onRateLimit?: (message: string) => void;
}

interface HttpErrorLike {
  status: number;
  message: string;
  response?: { data?: unknown; headers?: Record<string, string | number | undefined> };
}

function isHttpError(error: unknown): error is HttpErrorLike {
  return typeof error === 'object' && error !== null && typeof (error as { status?: unknown }).status === 'number';
}

function validationMessages(error: HttpErrorLike): string[] {
  const data = error.response?.data as { errors?: Array<{ message?: string; code?: string; field?: string }> } | undefined;
  return (data?.errors ?? []).map((entry) => entry.message ?? `${entry.field ?? ''} ${entry.code ?? ''}`.trim());
}

/** A limiter key per (API host, token) that reveals nothing about the token. */
export function throttleId(apiUrl: string, token: string | undefined): string {
  return `tiny-backspace:${createHash('sha256').update(`${apiUrl}\n${token ?? ''}`).digest('hex').slice(0, 32)}`;
}

export class OctokitGitHubApi implements GitHubApi {
  private readonly octokit: InstanceType<typeof ThrottledOctokit>;

  constructor(private readonly options: OctokitGitHubApiOptions) {
    const maxWait = options.maxRateLimitWaitSeconds ?? 60;
    const retryOnLimit = (kind: string) => (retryAfter: number, _request: unknown, _octokit: unknown, retryCount: number) => {
      const retrying = retryCount < 2 && retryAfter <= maxWait;
      options.onRateLimit?.(`GitHub ${kind} rate limit hit; ${retrying ? `retrying in ${retryAfter}s` : 'giving up'}.`);
      return retrying;
    };
    this.octokit = new ThrottledOctokit({
      ...(options.token ? { auth: options.token } : {}),
      baseUrl: options.apiUrl,
      userAgent: options.userAgent ?? 'tiny-backspace',
      log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
      // GitHub's limits (one content-creating request every few seconds, secondary limits) are per user or
      // token: the plugin's limiters are keyed by `id`, so each token gets its own spacing and backoff,
      // shared by every client of that token in this process, and 50 users' PRs are not serialised.
      throttle: { id: throttleId(options.apiUrl, options.token), onRateLimit: retryOnLimit('primary'), onSecondaryRateLimit: retryOnLimit('secondary') },
      retry: { retries: 2 },
    });
  }

  async getRepository(owner: string, repo: string, signal: AbortSignal): Promise<RepositoryInfo> {
    try {
      const { data } = await this.octokit.rest.repos.get({ owner, repo, request: { signal: abortErrorSignal(signal) } });
      return {
        defaultBranch: data.default_branch,
        isPrivate: data.private,
        canPush: data.permissions?.push ?? false,
        htmlUrl: data.html_url,
      };
    } catch (error) {
      throw this.translate(error, `${owner}/${repo}`);
    }
  }

  async createOrFindPullRequest(draft: PullRequestDraft, signal: AbortSignal): Promise<PullRequestInfo> {
    try {
      const { data } = await this.octokit.rest.pulls.create({
        owner: draft.owner,
        repo: draft.repo,
        head: draft.head,
        base: draft.base,
        title: draft.title,
        body: draft.body,
        draft: draft.draft,
        request: { signal: abortErrorSignal(signal) },
      });
      return { number: data.number, url: data.html_url, created: true };
    } catch (error) {
      // plugin-retry also retries POSTs, and a response can be lost after GitHub acted on it:
      // "already exists" means an earlier attempt of ours succeeded, so return that PR.
      const existing = isHttpError(error) && error.status === 422 && validationMessages(error).some((message) => /already exists/i.test(message)) ? await this.findOpenPull(draft, signal) : undefined;
      if (existing) return existing;
      if (isHttpError(error) && error.status >= 500) {
        const afterServerError = await this.findOpenPull(draft, signal).catch(() => undefined);
        if (afterServerError) return afterServerError;
      }
      throw this.translate(error, `${draft.owner}/${draft.repo}`);
    }
  }

  async findOpenPullRequest(query: { owner: string; repo: string; head: string; base: string }, signal: AbortSignal): Promise<PullRequestInfo | undefined> {
    try {
      return await this.findOpenPull(query, signal);
    } catch (error) {
      throw this.translate(error, `${query.owner}/${query.repo}`);
    }
  }

  async deleteBranch(ref: BranchRef, signal: AbortSignal): Promise<void> {
    try {
      await this.octokit.rest.git.deleteRef({ owner: ref.owner, repo: ref.repo, ref: `heads/${ref.branch}`, request: { signal: abortErrorSignal(signal) } });
    } catch (error) {
      // GitHub answers 422 "Reference does not exist" for a branch that is already gone.
      if (isHttpError(error) && error.status === 422 && /does not exist/i.test(error.message)) return;
      throw this.translate(error, `${ref.owner}/${ref.repo}`);
    }
  }

  private async findOpenPull(query: { owner: string; repo: string; head: string; base: string }, signal: AbortSignal): Promise<PullRequestInfo | undefined> {
    const { data } = await this.octokit.rest.pulls.list({
      owner: query.owner,
      repo: query.repo,
      head: `${query.owner}:${query.head}`,
      base: query.base,
      state: 'open',
      request: { signal: abortErrorSignal(signal) },
    });
    const pull = data[0];
    return pull ? { number: pull.number, url: pull.html_url, created: false } : undefined;
  }

  private secrets(): string[] {
    return this.options.token ? [this.options.token] : [];
  }

  private translate(error: unknown, what: string): TinyBackspaceError {
    if (error instanceof TinyBackspaceError) return error;
    if (!isHttpError(error)) {
      const message = error instanceof Error ? error.message : String(error);
      return new TinyBackspaceError('github_api_error', `Could not reach the GitHub API: ${redactSecrets(message, this.secrets())}`, {
        remedy: 'Check your network connection and the GitHub (Enterprise) URL, then run again.',
        cause: error,
      });
    }
    const remaining = error.response?.headers?.['x-ratelimit-remaining'];
    switch (error.status) {
      case 401:
        return new TinyBackspaceError('github_auth_failed', 'GitHub rejected the token (401 Bad credentials).', {
          remedy: 'Sign in to GitHub again, or set a valid GITHUB_TOKEN / GITHUB_PAT with the "repo" scope.',
        });
      case 404:
        return new TinyBackspaceError('github_repository_not_found', `The repository ${what} does not exist, or your token cannot see it.`, {
          remedy: 'Check the owner and name; for a private repository use a token that has access to it.',
        });
      case 403:
      case 429:
        if (String(remaining) === '0' || /rate limit/i.test(error.message)) {
          return new TinyBackspaceError('github_rate_limited', 'GitHub rate limit reached.', {
            remedy: 'Wait for the limit to reset (see x-ratelimit-reset) or use a token with a higher limit.',
          });
        }
        return new TinyBackspaceError('github_push_denied', `Your token may not write to ${what}.`, {
          remedy: 'Use a token with push access to this repository, or fork it and run against your fork.',
        });
      case 422:
        return new TinyBackspaceError('github_api_error', `GitHub refused the pull request: ${validationMessages(error).join('; ') || error.message}`, {
          remedy: 'Check that the base branch exists and the head branch was pushed.',
        });
      default:
        return new TinyBackspaceError('github_api_error', `GitHub API error ${error.status}: ${redactSecrets(error.message, this.secrets())}`, {
          remedy: 'GitHub may be having trouble; run again in a moment.',
        });
    }
  }
}
