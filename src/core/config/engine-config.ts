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
  /** `thinkingBudgetTokens` turns on extended thinking with that budget per turn (min 1,024; off when unset). */
  readonly anthropic: { readonly model: string; readonly baseUrl?: string; readonly thinkingBudgetTokens?: number };
  /**
   * Also any OpenAI-compatible server (Ollama, llama.cpp, LM Studio) via `baseUrl`; a loopback `baseUrl`
   * needs no key. `toolUse: false` is for small local models without tool calling: they answer with
   * SEARCH/REPLACE blocks or whole-file fences instead. `api`: `responses` (the default for api.openai.com)
   * or `chat` (Chat Completions, the default for any other base URL).
   */
  readonly openai: { readonly model: string; readonly baseUrl?: string; readonly toolUse?: boolean; readonly api?: 'responses' | 'chat' };
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
  /**
   * Run repository code even where nothing isolates it (no E2B key, no working bubblewrap). Host-only: the
   * CLI's --allow-unisolated, TINY_BACKSPACE_ALLOW_UNISOLATED, or the machine-scoped VS Code setting.
   */
  readonly allowUnisolated?: boolean;
  /** Network policy for sandboxed commands (see sandbox/isolation-policy.ts for the defaults). */
  readonly network?: { readonly registries?: readonly string[]; readonly commands?: boolean };
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
  /** Output tokens per model turn (default: 32,000, clamped to the model's own cap; see agent/model/output-caps.ts). */
  readonly maxOutputTokens?: number;
  /** Silence allowed before a stream's first content, for reasoning models that think first (default 300 s). */
  readonly firstTokenTimeoutMs?: number;
  /** Tool results kept in full; older ones are replaced by a short note (default 8, 0 = never clear; see loop/context-editing.ts). */
  readonly keepToolResults?: number;
  /** Time limit of one command the agent runs in the sandbox (`run_command`; default 120 s). */
  readonly commandTimeoutMs?: number;
}

/** Where secrets come from; each host supplies its own (environment, VS Code auth and SecretStorage). */
export interface SecretSource {
  githubToken(): Promise<string | undefined>;
  anthropicApiKey(): Promise<string | undefined>;
  openaiApiKey(): Promise<string | undefined>;
  e2bApiKey(): Promise<string | undefined>;
}

/**
 * For the whole run, repair passes included. `maxTokens` counts the tokens a provider processes anew
 * (uncached input, cache writes, output); cache reads are billed at a tenth and bounded by `maxCostUsd`.
 * Sized so a 40-turn conversation on a 500-file repository finishes (bench/agent-conversation.ts).
 */
export const DEFAULT_BUDGET: BudgetConfig = {
  maxTurns: 60,
  maxTokens: 2_000_000,
  maxCostUsd: 5,
  maxWallClockMs: 30 * 60_000,
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
