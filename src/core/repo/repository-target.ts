import type { GitHubServer } from './github-hosts';

export interface GitHubRepositoryTarget {
  readonly kind: 'github';
  readonly server: GitHubServer;
  readonly owner: string;
  readonly repo: string;
  /** Canonical `https://host/owner/repo.git`, never with credentials. */
  readonly cloneUrl: string;
  /** Canonical `https://host/owner/repo`. */
  readonly htmlUrl: string;
}

export interface LocalRepositoryTarget {
  readonly kind: 'local';
  /** Absolute, resolved path of the repository's top-level directory. */
  readonly path: string;
}

export type RepositoryTarget = GitHubRepositoryTarget | LocalRepositoryTarget;

export function describeTarget(target: RepositoryTarget): string {
  return target.kind === 'github' ? `${target.owner}/${target.repo}` : target.path;
}
