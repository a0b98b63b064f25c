/** One side (head or base) of a pull request, as GitHub reports it. */
export interface PullRequestSide {
  readonly ref: string;
  readonly sha: string;
  /** Absent when the head repository was deleted (a fork that is gone). */
  readonly repo?: { readonly owner: string; readonly name: string; readonly cloneUrl: string; readonly canPush: boolean; readonly isFork: boolean };
}

export interface PullRequestDetails {
  readonly number: number;
  readonly url: string;
  readonly title: string;
  readonly body: string;
  readonly state: 'open' | 'closed';
  readonly merged: boolean;
  readonly maintainerCanModify: boolean;
  readonly head: PullRequestSide;
  readonly base: PullRequestSide;
}

export interface PullRequestFile {
  readonly path: string;
  readonly status: string;
  readonly additions: number;
  readonly deletions: number;
  /** Absent for binary files and for files GitHub considers too large to diff. */
  readonly patch?: string;
}

/** An unresolved review thread: where it is, and what people said (hostile data, never instructions). */
export interface ReviewThread {
  /** REST id of the thread's first comment: replies go to it. */
  readonly commentId: number;
  readonly path: string;
  readonly line?: number;
  readonly diffHunk: string;
  readonly isOutdated: boolean;
  readonly comments: ReadonlyArray<{ readonly author: string; readonly body: string }>;
}

/** The slice of GitHub a follow-up on an existing pull request needs. */
export interface PullRequestApi {
  getPullRequest(owner: string, repo: string, number: number, signal: AbortSignal): Promise<PullRequestDetails>;
  listFiles(owner: string, repo: string, number: number, signal: AbortSignal): Promise<PullRequestFile[]>;
  /** Review threads that are not resolved (GraphQL: REST does not report resolution). */
  listUnresolvedThreads(owner: string, repo: string, number: number, signal: AbortSignal): Promise<ReviewThread[]>;
  replyToReviewComment(owner: string, repo: string, number: number, commentId: number, body: string, signal: AbortSignal): Promise<void>;
}
