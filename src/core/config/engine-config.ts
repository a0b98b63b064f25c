import type { SandboxMode } from '../../protocol/run-request';
import type { GitHubHosts } from '../repo/github-hosts';

export const PROVIDER_NAMES = ['anthropic', 'openai', 'offline'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

export const DEFAULT_ANTHROPIC_MODEL = 'claude-sonnet-4-6';
export const DEFAULT_OPENAI_MODEL = 'gpt-5.1';

export interface BudgetConfig {
  readonly maxTurns: number;
  readonly maxCostUsd?: number;
  readonly maxTokens: number;
  readonly maxWallClockMs: number;
}

/** Everything a run needs to know that is not secret. Safe to log. */
export interface EngineConfig {
  readonly github: GitHubHosts;
  readonly sandbox: SandboxMode;
  readonly branchPrefix: string;
  readonly draftPullRequests: boolean;
  /** Ordered fallback chain; `offline` is always tried last even if omitted. */
  readonly providers: readonly ProviderName[];
  readonly anthropic: { readonly model: string; readonly baseUrl?: string };
  /**
   * Also any OpenAI-compatible server (Ollama, llama.cpp, LM Studio) via `baseUrl`; a loopback `baseUrl`
   * needs no key. `toolUse: false` is for small local models without tool calling: they answer with
   * SEARCH/REPLACE blocks or whole-file fences instead.
   */
  readonly openai: { readonly model: string; readonly baseUrl?: string; readonly toolUse?: boolean };
  /**
   * `timeoutMs` is the E2B sandbox's own lifetime, renewed while the run is active; after a host crash the
   * sandbox dies on its own once it lapses.
   */
  readonly e2b: { readonly apiUrl?: string; readonly sandboxUrl?: string; readonly template?: string; readonly timeoutMs?: number };
  readonly budget: BudgetConfig;
  /** Per-repository overrides of the detected checks, keyed by `owner/repo` (or a local path). */
  readonly checks?: Readonly<Record<string, readonly string[]>>;
  /**
   * Whether checks install the repository's dependencies first (`npm ci`, `pip install -r ...`).
   * `auto` (the default): only where the sandbox has network and isolation, i.e. E2B.
   */
  readonly installDependencies?: 'auto' | 'always' | 'never';
  /** How many times a check regression is fed back to the agent for a fix (see checks/regression-feedback.ts). */
  readonly repairAttempts?: number;
  readonly commandTimeoutMs: number;
  /** Tuning of the AI agent; every field has a default (see agent/agent-tuning.ts). */
  readonly agent?: AgentTuning;
  /** The per-repository bare mirrors later runs fetch into (see git/cache/cache-settings.ts for defaults). */
  readonly repositoryCache?: RepositoryCacheConfig;
}

export interface RepositoryCacheConfig {
  /** `false` turns the cache off: every run makes its own shallow clone. */
  readonly enabled?: boolean;
  /** Default `<tempRoot>/repo-cache`, beside the run directories so objects can be hard-linked. */
  readonly directory?: string;
  /** Least recently used mirrors are removed past this total (default 10 GiB). */
  readonly maxBytes?: number;
  /** Mirrors unused for this long are removed (default 14 days). */
  readonly maxAgeMs?: number;
}

export interface AgentTuning {
  /** Size of the repository map sent with the first turn, in tokens estimated as characters/4 (default 1,024). */
  readonly contextTokens?: number;
  /** A model stream that sends nothing for this long is abandoned and retried (default 90 s). */
  readonly idleTimeoutMs?: number;
  /** Attempts per model turn for transient failures: rate limit, overload, 5xx, connection, stall (default 3). */
  readonly attemptsPerTurn?: number;
  /** First retry delay when the server gives no retry-after; doubles per attempt (default 1 s). */
  readonly retryBaseDelayMs?: number;
  /** Longest retry-after honoured; a longer one moves on to the next provider (default 30 s). */
  readonly retryAfterCapMs?: number;
  /** Output tokens per model turn (default 8,192). */
  readonly maxOutputTokens?: number;
}

/** Where secrets come from; each host supplies its own (environment, VS Code auth and SecretStorage). */
export interface SecretSource {
  githubToken(): Promise<string | undefined>;
  anthropicApiKey(): Promise<string | undefined>;
  openaiApiKey(): Promise<string | undefined>;
  e2bApiKey(): Promise<string | undefined>;
}

export const DEFAULT_BUDGET: BudgetConfig = {
  maxTurns: 30,
  maxTokens: 400_000,
  maxWallClockMs: 10 * 60_000,
};

export const DEFAULT_CONFIG: EngineConfig = {
  github: {},
  sandbox: 'auto',
  branchPrefix: 'tiny-backspace',
  draftPullRequests: false,
  providers: ['anthropic', 'openai', 'offline'],
  anthropic: { model: DEFAULT_ANTHROPIC_MODEL },
  openai: { model: DEFAULT_OPENAI_MODEL },
  e2b: {},
  budget: DEFAULT_BUDGET,
  commandTimeoutMs: 5 * 60_000,
};
