// Shared shapes of the GitHub stand-in. The public ones are re-exported by `../github-stand-in.ts`.

import type { GitRunner } from './git-exec.js';

export interface StandInRepoOptions {
  defaultBranch?: string;
  private?: boolean;
  /** When false, the valid token may read the repository but gets 403 on push and on PR creation. */
  pushAllowed?: boolean;
  /**
   * Repository-relative path (nested directories allowed) -> content of the first commit: a utf8 string
   * (mode 100644), or bytes with a mode (100755 executable, 120000 symlink whose content is the target).
   */
  files: Record<string, string | StandInFile>;
}

export interface StandInFile {
  content: string | Buffer;
  mode?: '100644' | '100755' | '120000';
}

/** One blob of a branch's tree, bytes untouched. */
export interface StandInTreeEntry {
  path: string;
  mode: string;
  bytes: Buffer;
}

export interface RecordedRequest {
  method: string;
  /** The request target as sent, query string included (e.g. `/o/r.git/info/refs?service=git-upload-pack`). */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** utf8 body; git request bodies are replaced by a short placeholder. */
  body: string;
  /** Status the stand-in answered with; set once the response is sent. */
  status?: number;
}

export interface PullRecord {
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
  headSha: string;
  draft: boolean;
  state: 'open' | 'closed';
  htmlUrl: string;
}

export interface InjectedFault {
  /** `method` is upper case; `path` is the request target as sent, query string included. */
  match: (method: string, path: string) => boolean;
  /** How many matching requests this fault answers before it expires (default 1; `Infinity` allowed). */
  times?: number;
  status: number;
  /** Merged over the defaults (JSON content type, and rate-limit headers on REST paths). */
  headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. Default `{ message: <status text> }`. */
  body?: unknown;
  /**
   * When true the request is first handled normally (a PR really gets created, a push really lands)
   * and only the response is replaced: the "server did it, client saw an error" case.
   */
  afterHandler?: boolean;
}

/** A fully buffered response; handlers return these so a fault can replace one after the fact. */
export interface StandInResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer | string;
}

export interface InternalPull extends PullRecord {
  id: number;
  baseSha: string;
  createdAt: string;
  updatedAt: string;
  // Follow-ups (issue 15): fork heads, merges, review threads. See ./pull-reviews.ts.
  /** `repoKey` of the fork holding the head branch; undefined when the head is in this repository. */
  headRepoKey?: string;
  maintainerCanModify?: boolean;
  merged?: boolean;
  threads?: ReviewThreadRecord[];
}

export interface ReviewCommentRecord {
  id: number;
  author: string;
  body: string;
  inReplyTo?: number;
  createdAt: string;
}

export interface ReviewThreadRecord {
  id: string;
  path: string;
  line: number;
  diffHunk: string;
  commitId: string;
  isResolved: boolean;
  comments: ReviewCommentRecord[];
}

export interface RepoRecord {
  id: number;
  owner: string;
  name: string;
  barePath: string;
  defaultBranch: string;
  private: boolean;
  pushAllowed: boolean;
  pulls: InternalPull[];
  nextNumber: number;
}

export interface RateLimitState {
  limit: number;
  used: number;
  resetEpochSeconds: number;
}

/** Everything the request handlers need, built once per stand-in (no module state). */
export interface StandInContext {
  url: string;
  apiUrl: string;
  token: string;
  /** More valid tokens (the same user), for tests of per-token behaviour. */
  extraTokens: readonly string[];
  login: string;
  reposRoot: string;
  repos: Map<string, RepoRecord>;
  git: GitRunner;
  rate: RateLimitState;
  /** Review comment ids are unique across the stand-in, as on GitHub. */
  nextCommentId?: number;
}

export function repoKey(owner: string, name: string): string {
  return `${owner}/${name}`.toLowerCase();
}
