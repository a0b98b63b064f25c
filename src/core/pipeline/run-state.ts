import type { ChangedFile, CheckResult } from '../../protocol/run-events';
import type { AgentResult } from '../agent/agent';
import type { Git } from '../git/git';
import type { GitHubApi, PullRequestInfo } from '../github/github-api';
import type { PullRequestApi } from '../github/pull-request-api';
import type { FollowUpTarget } from '../github/pull-request-target';
import type { RepositoryTarget } from '../repo/repository-target';
import type { Sandbox } from '../sandbox/sandbox';
import type { Workspace } from '../workspace/workspace';
import type { ResolvedSecrets } from './pipeline-deps';
import type { RepositorySummary } from './repository-summary';

/** What the steps hand each other. Each field is set by exactly one step. */
export interface RunState {
  secrets: ResolvedSecrets;
  target?: RepositoryTarget;
  github?: GitHubApi;
  baseBranch?: string;
  /** Where `git push` goes: the canonical clone URL, or the local repository path. */
  remote?: string;
  git?: Git;
  runDir?: string;
  /** Trusted git directory, outside anything the sandbox can see. */
  gitDir?: string;
  /** The checkout (work tree) on the host. */
  workDir?: string;
  sandbox?: Sandbox;
  baseSha?: string;
  workspace?: Workspace;
  summary?: RepositorySummary;
  baseline?: Promise<readonly CheckResult[]>;
  /** Aborts the baseline checks and waits until they are stopped; the pipeline calls it on every exit. */
  stopBaseline?: () => Promise<void>;
  agentResult?: AgentResult;
  treeSha?: string;
  changedFiles?: ChangedFile[];
  patch?: string;
  checks?: readonly CheckResult[];
  branch?: string;
  commitSha?: string;
  pullRequest?: PullRequestInfo;
  discarded?: boolean;
  /**
   * Gives the run's execution slot back (idempotent). The pull_request step calls it before it waits for
   * a human review, so pending reviews never block new runs.
   */
  releaseSlot?: () => void;
  /** Follow-ups (issue 15): the pull request this run extends, and the API that reads and answers it. */
  followUp?: FollowUpTarget;
  /** The agent's task when it differs from the user's prompt (address-review), for the repair loop. */
  agentPrompt?: string;
  pullRequestApi?: PullRequestApi;
}
