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
  readonly openai: { readonly model: string; readonly baseUrl?: string };
  readonly e2b: { readonly apiUrl?: string; readonly sandboxUrl?: string; readonly template?: string };
  readonly budget: BudgetConfig;
  /** Per-repository overrides of the detected checks, keyed by `owner/repo` (or a local path). */
  readonly checks?: Readonly<Record<string, readonly string[]>>;
  readonly commandTimeoutMs: number;
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
