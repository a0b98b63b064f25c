/** One command that tells whether the repository is healthy, run the same way before and after the change. */
export interface CheckSpec {
  /** Short label for the stream and the PR table, e.g. `npm test`. */
  readonly name: string;
  /** The words, run as argv inside the sandbox (never through a host shell). */
  readonly argv: readonly string[];
  /** `argv` as the user reads it; also the key that pairs a before-result with its after-result. */
  readonly command: string;
  /** `detected` from a manifest, or `override` from the user's per-repository settings. */
  readonly source: 'detected' | 'override';
  /** Exit codes that mean "nothing to check" rather than failure (pytest exits 5 when it collects no tests). */
  readonly skipExitCodes?: readonly number[];
  /** `registries` for dependency installs only; every check runs with no network (the default). */
  readonly network?: 'none' | 'registries';
}
