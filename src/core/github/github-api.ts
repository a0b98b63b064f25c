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

export interface BranchRef {
  readonly owner: string;
  readonly repo: string;
  readonly branch: string;
}

/** The slice of GitHub's REST API the pipeline uses. */
export interface GitHubApi {
  getRepository(owner: string, repo: string, signal: AbortSignal): Promise<RepositoryInfo>;
  createOrFindPullRequest(draft: PullRequestDraft, signal: AbortSignal): Promise<PullRequestInfo>;
  /** The open PR from `head` into `base` in the same repository, if there is one (a retry finds its earlier PR). */
  findOpenPullRequest(query: { owner: string; repo: string; head: string; base: string }, signal: AbortSignal): Promise<PullRequestInfo | undefined>;
  /** Deletes a branch; a branch that is already gone counts as deleted. */
  deleteBranch(ref: BranchRef, signal: AbortSignal): Promise<void>;
}
