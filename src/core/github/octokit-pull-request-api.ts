import { Octokit } from '@octokit/rest';
import { abortErrorSignal } from '../errors/cancelled-error';
import { TinyBackspaceError } from '../errors/tiny-backspace-error';
import { redactSecrets } from '../security/redact';
import type { PullRequestApi, PullRequestDetails, PullRequestFile, PullRequestSide, ReviewThread } from './pull-request-api';

/** Most threads a follow-up reads; a PR with more is paged, and the rest are left for a later run. */
const MAX_THREADS = 100;
const MAX_FILES = 300;

const THREADS_QUERY = `query ($owner: String!, $repo: String!, $number: Int!, $cursor: String) {
  repository(owner: $owner, name: $repo) {
    pullRequest(number: $number) {
      reviewThreads(first: 50, after: $cursor) {
        pageInfo { hasNextPage endCursor }
        nodes {
          isResolved
          isOutdated
          path
          line
          comments(first: 20) { nodes { databaseId body diffHunk author { login } } }
        }
      }
    }
  }
}`;

interface ThreadsPage {
  repository: {
    pullRequest: {
      reviewThreads: {
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
        nodes: Array<{
          isResolved: boolean;
          isOutdated: boolean;
          path: string;
          line: number | null;
          comments: { nodes: Array<{ databaseId: number; body: string; diffHunk: string; author: { login: string } | null }> };
        }>;
      };
    } | null;
  } | null;
}

interface RestSide {
  ref: string;
  sha: string;
  repo: { name: string; owner: { login: string }; clone_url: string; fork: boolean; permissions?: { push?: boolean } } | null;
}

function side(data: RestSide): PullRequestSide {
  return {
    ref: data.ref,
    sha: data.sha,
    ...(data.repo
      ? { repo: { owner: data.repo.owner.login, name: data.repo.name, cloneUrl: data.repo.clone_url, canPush: data.repo.permissions?.push ?? false, isFork: data.repo.fork } }
      : {}),
  };
}

function status(error: unknown): number | undefined {
  const value = (error as { status?: unknown } | null)?.status;
  return typeof value === 'number' ? value : undefined;
}

/** Pull requests, their files, review threads (GraphQL) and replies, through Octokit. */
export class OctokitPullRequestApi implements PullRequestApi {
  private readonly octokit: Octokit;

  constructor(private readonly options: { apiUrl: string; token?: string; userAgent?: string }) {
    this.octokit = new Octokit({
      ...(options.token ? { auth: options.token } : {}),
      baseUrl: options.apiUrl,
      userAgent: options.userAgent ?? 'tiny-backspace',
      log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    });
  }

  async getPullRequest(owner: string, repo: string, number: number, signal: AbortSignal): Promise<PullRequestDetails> {
    try {
      const { data } = await this.octokit.rest.pulls.get({ owner, repo, pull_number: number, request: { signal: abortErrorSignal(signal) } });
      return {
        number: data.number,
        url: data.html_url,
        title: data.title,
        body: data.body ?? '',
        state: data.state === 'open' ? 'open' : 'closed',
        merged: data.merged === true || data.merged_at !== null,
        maintainerCanModify: data.maintainer_can_modify,
        head: side(data.head as RestSide),
        base: side(data.base as RestSide),
      };
    } catch (error) {
      if (status(error) === 404) {
        throw new TinyBackspaceError('pull_request_not_found', `${owner}/${repo} has no pull request #${number} (it may be an issue number, or the token cannot see it).`, {
          remedy: 'Check the number in the pull request URL (…/pull/N).',
        });
      }
      throw this.translate(error, `pull request #${number}`);
    }
  }

  async listFiles(owner: string, repo: string, number: number, signal: AbortSignal): Promise<PullRequestFile[]> {
    try {
      const files = await this.octokit.paginate(this.octokit.rest.pulls.listFiles, { owner, repo, pull_number: number, per_page: 100, request: { signal: abortErrorSignal(signal) } });
      return files.slice(0, MAX_FILES).map((file) => ({
        path: file.filename,
        status: file.status,
        additions: file.additions,
        deletions: file.deletions,
        ...(file.patch === undefined ? {} : { patch: file.patch }),
      }));
    } catch (error) {
      throw this.translate(error, `the files of pull request #${number}`);
    }
  }

  async listUnresolvedThreads(owner: string, repo: string, number: number, signal: AbortSignal): Promise<ReviewThread[]> {
    const threads: ReviewThread[] = [];
    let cursor: string | null = null;
    try {
      do {
        const page: ThreadsPage = await this.octokit.graphql<ThreadsPage>(THREADS_QUERY, { owner, repo, number, cursor, request: { signal: abortErrorSignal(signal) } });
        const connection = page.repository?.pullRequest?.reviewThreads;
        if (!connection) throw new TinyBackspaceError('pull_request_not_found', `${owner}/${repo} has no pull request #${number}.`);
        for (const node of connection.nodes) {
          const first = node.comments.nodes[0];
          if (node.isResolved || !first) continue;
          threads.push({
            commentId: first.databaseId,
            path: node.path,
            ...(node.line === null ? {} : { line: node.line }),
            diffHunk: first.diffHunk,
            isOutdated: node.isOutdated,
            comments: node.comments.nodes.map((comment) => ({ author: comment.author?.login ?? 'ghost', body: comment.body })),
          });
        }
        cursor = connection.pageInfo.hasNextPage ? connection.pageInfo.endCursor : null;
      } while (cursor !== null && threads.length < MAX_THREADS);
    } catch (error) {
      throw this.translate(error, `the review threads of pull request #${number}`);
    }
    return threads.slice(0, MAX_THREADS);
  }

  async replyToReviewComment(owner: string, repo: string, number: number, commentId: number, body: string, signal: AbortSignal): Promise<void> {
    try {
      await this.octokit.rest.pulls.createReplyForReviewComment({ owner, repo, pull_number: number, comment_id: commentId, body, request: { signal: abortErrorSignal(signal) } });
    } catch (error) {
      throw this.translate(error, `a reply on pull request #${number}`);
    }
  }

  private translate(error: unknown, what: string): TinyBackspaceError {
    if (error instanceof TinyBackspaceError) return error;
    const secrets = this.options.token ? [this.options.token] : [];
    const message = redactSecrets(error instanceof Error ? error.message : String(error), secrets);
    const code = status(error);
    if (code === 401) return new TinyBackspaceError('github_auth_failed', 'GitHub rejected the token (401 Bad credentials).', { remedy: 'Sign in to GitHub again, or set a valid GITHUB_TOKEN.' });
    if (code === 403) return new TinyBackspaceError('github_push_denied', `GitHub refused ${what}: ${message}`, { remedy: 'Use a token with write access to the repository.' });
    return new TinyBackspaceError('github_api_error', `GitHub could not give ${what}: ${message}`, { remedy: 'GitHub may be having trouble; run again in a moment.', cause: error });
  }
}
