export interface RepositoryInfo {
  readonly defaultBranch: string;
  readonly isPrivate: boolean;
  readonly canPush: boolean;
  readonly htmlUrl: string;
}

export interface PullRequestDraft {
  readonly owner: string;
  readonly repo: string;
  readonly head: string;
  readonly base: string;
  readonly title: string;
  readonly body: string;
  readonly draft: boolean;
}

export interface PullRequestInfo {
  readonly number: number;
  readonly url: string;
  /** False when an earlier attempt had already created it and we found it instead. */
  readonly created: boolean;
}

/** The slice of GitHub's REST API the pipeline uses. */
export interface GitHubApi {
  getRepository(owner: string, repo: string, signal: AbortSignal): Promise<RepositoryInfo>;
  createOrFindPullRequest(draft: PullRequestDraft, signal: AbortSignal): Promise<PullRequestInfo>;
}
