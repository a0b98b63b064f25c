/** What the analyze step learned about the clone; the agent and the checks build on it. */
export interface RepositorySummary {
  readonly fileCount: number;
  readonly totalBytes: number;
  /** Extension (without dot) to file count, largest first. */
  readonly languages: ReadonlyArray<readonly [string, number]>;
  /** Manifest files found at the top level, e.g. package.json, pyproject.toml, go.mod. */
  readonly manifests: readonly string[];
}
