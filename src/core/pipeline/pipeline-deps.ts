import type { ChangedFile, CheckResult, RunEventDraft, RunEventOf } from '../../protocol/run-events';
import type { Agent } from '../agent/agent';
import type { EngineConfig, SecretSource } from '../config/engine-config';
import type { GitHubApi } from '../github/github-api';
import type { PullRequestApi } from '../github/pull-request-api';
import type { Logger } from '../logging/logger';
import type { GitHubServer } from '../repo/github-hosts';
import type { RepositoryTarget } from '../repo/repository-target';
import type { Sandbox, SandboxFactory } from '../sandbox/sandbox';
import type { FileChange } from '../workspace/change-set';
import type { RepositorySummary } from './repository-summary';

export interface ResolvedSecrets {
  readonly githubToken?: string;
  readonly anthropicApiKey?: string;
  readonly openaiApiKey?: string;
  readonly e2bApiKey?: string;
}

export interface ReviewRequest {
  readonly requestId: string;
  readonly changes: readonly FileChange[];
  readonly changedFiles: readonly ChangedFile[];
  readonly patch: string;
  readonly baseRef: string;
}

/** Lets a host hold the run before anything is pushed (the VS Code diff review). */
export type ReviewGate = (review: ReviewRequest, signal: AbortSignal) => Promise<'create' | 'discard'>;

export interface CheckContext {
  readonly sandbox: Sandbox;
  readonly summary: RepositorySummary;
  readonly target: RepositoryTarget;
  readonly config: EngineConfig;
  readonly signal: AbortSignal;
  emit(event: RunEventDraft): void;
}

/** Runs the repository's own checks in the sandbox before and after the change. */
export interface ChangeValidator {
  /** Starts the baseline on the untouched clone; the pipeline awaits it only when validating. */
  baseline(context: CheckContext): Promise<readonly CheckResult[]>;
  afterChange(context: CheckContext, baseline: readonly CheckResult[]): Promise<readonly CheckResult[]>;
}

export interface AgentFactoryInput {
  readonly config: EngineConfig;
  readonly secrets: ResolvedSecrets;
  readonly logger: Logger;
}

/** Every effect the pipeline has comes through here, so hosts and tests choose the real parts. */
export interface PipelineDeps {
  readonly config: EngineConfig;
  readonly secrets: SecretSource;
  readonly logger: Logger;
  readonly createSandbox: SandboxFactory;
  readonly createAgent: (input: AgentFactoryInput) => Agent;
  readonly createGitHubApi: (server: GitHubServer, token: string | undefined) => GitHubApi;
  /** Pull requests, review threads and replies for follow-ups; defaults to Octokit against `server`. */
  readonly createPullRequestApi?: (server: GitHubServer, token: string | undefined) => PullRequestApi;
  /** Whether `repoUrl` may name a directory on this machine (the CLI: yes; a network server: no). */
  readonly allowLocalRepositories?: boolean;
  /** Parent directory for each run's temporary directory. */
  readonly tempRoot: string;
  /** Caches kept between runs (the repository map's parsed tags, per commit); none: in memory only. */
  readonly cacheRoot?: string;
  readonly now?: () => number;
  readonly review?: ReviewGate;
  readonly validator?: ChangeValidator;
  /** Base environment for host git processes (proxies, HOME); filtered before use. */
  readonly env?: NodeJS.ProcessEnv;
  readonly createRequestId?: () => string;
  /**
   * The `run_started` event the host already recorded and streamed for this run (seq 1, see
   * run-started.ts): the pipeline continues after it instead of announcing the run again.
   */
  readonly startedEvent?: RunEventOf<'run_started'>;
  /**
   * Bounds how many runs execute steps at once (a host with many runs accepts them all, streams their
   * first event at once, and lets the rest wait their turn). Without it every run starts immediately.
   */
  readonly admission?: { tryAcquire(): (() => void) | undefined; acquire(signal: AbortSignal): Promise<() => void> };
}
