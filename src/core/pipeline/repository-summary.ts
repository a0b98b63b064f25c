/** What the analyze step learned about the clone; the agent and the checks build on it. */
export interface RepositorySummary {
  readonly fileCount: number;
  readonly totalBytes: number;
  /** Extension (without dot) to file count, largest first. */
  readonly languages: ReadonlyArray<readonly [string, number]>;
  /** Manifest files found at the top level, e.g. package.json, pyproject.toml, go.mod. */
  readonly manifests: readonly string[];
  /** The commit the clone is at (HEAD); the repository map caches its parsed tags under it. */
  readonly commitSha?: string;
  /** Where the repository map keeps parsed tags between processes (one file per commit); none: memory only. */
  readonly repoMapCacheDirectory?: string;
}
