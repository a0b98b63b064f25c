// Pure: every effect (VS Code's getSession, SecretStorage, the environment) is injected, so the order in
// which secrets are looked up is unit-tested without an extension host (test/unit/vscode-secret-resolution.test.ts).
import type { EngineConfig, SecretSource } from '../../core/config/engine-config';
import type { Logger } from '../../core/logging/logger';

export type GitHubProviderId = 'github' | 'github-enterprise';

/** `repo` lets the token push a branch and open a pull request, public or private. */
export const GITHUB_SCOPES: readonly string[] = ['repo'];

export interface AuthSessionLike {
  readonly accessToken: string;
  readonly account: { readonly label: string };
}

export interface GetSessionOptions {
  /** Never show UI; resolve undefined when there is no session. */
  readonly silent?: boolean;
  /** Ask the user to sign in; only ever set when the user acted (a command), never in the background. */
  readonly createIfNone?: boolean;
}

/** The shape of `vscode.authentication.getSession`, injected. */
export type GetSession = (providerId: GitHubProviderId, scopes: readonly string[], options: GetSessionOptions) => Promise<AuthSessionLike | undefined>;

/** The shape of `vscode.SecretStorage`, injected. */
export interface SecretStore {
  get(key: string): Promise<string | undefined>;
  store(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

export type ApiKeyName = 'anthropic' | 'openai' | 'e2b';

export interface ApiKeyDescriptor {
  readonly name: ApiKeyName;
  readonly label: string;
  /** SecretStorage key: never a setting. */
  readonly secretKey: string;
  /** The variable the CLI reads; the fallback when SecretStorage has nothing. */
  readonly envVar: string;
}

export const API_KEYS: readonly ApiKeyDescriptor[] = [
  { name: 'anthropic', label: 'Anthropic', secretKey: 'tinyBackspace.apiKey.anthropic', envVar: 'ANTHROPIC_API_KEY' },
  { name: 'openai', label: 'OpenAI', secretKey: 'tinyBackspace.apiKey.openai', envVar: 'OPENAI_API_KEY' },
  { name: 'e2b', label: 'E2B', secretKey: 'tinyBackspace.apiKey.e2b', envVar: 'E2B_API_KEY' },
];

export function apiKeyDescriptor(name: ApiKeyName): ApiKeyDescriptor {
  const descriptor = API_KEYS.find((key) => key.name === name);
  if (!descriptor) throw new Error(`Unknown API key ${name}`);
  return descriptor;
}

export interface SecretResolverDeps {
  readonly getSession: GetSession;
  readonly store: SecretStore;
  readonly env: NodeJS.ProcessEnv;
  readonly logger?: Logger;
  /**
   * Whether VS Code's GitHub Enterprise sign-in is set up (the "github-enterprise.uri" setting). Without
   * it that provider never registers, and a silent lookup would only wait for it to time out.
   */
  readonly enterpriseSignInAvailable?: () => boolean;
}

export type GitHubTokenSource = 'session' | 'env';

export interface ResolvedGitHubToken {
  readonly token: string;
  readonly source: GitHubTokenSource;
  /** The signed-in account for a session; the variable's name for the environment. */
  readonly label: string;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

/** Which VS Code auth provider holds the token for a repository on this server. */
export function githubProviderFor(server: { readonly isEnterprise: boolean }): GitHubProviderId {
  return server.isEnterprise ? 'github-enterprise' : 'github';
}

/**
 * The provider for one run's repository URL: GitHub Enterprise only when the URL is on the configured
 * Enterprise host, so a github.com repository never gets an Enterprise token (or the other way round).
 */
export function githubProviderForRepoUrl(repoUrl: string, config: EngineConfig): GitHubProviderId {
  let host: string;
  try {
    host = new URL(repoUrl).host.toLowerCase();
  } catch {
    return 'github';
  }
  let enterpriseHost: string | undefined;
  try {
    enterpriseHost = config.github.enterpriseUrl ? new URL(config.github.enterpriseUrl).host.toLowerCase() : undefined;
  } catch {
    enterpriseHost = undefined;
  }
  return enterpriseHost !== undefined && host === enterpriseHost ? 'github-enterprise' : 'github';
}

/** For runs whose repository is not known up front: Enterprise when one is configured. */
export function defaultGitHubProvider(config: EngineConfig): GitHubProviderId {
  return config.github.enterpriseUrl ? 'github-enterprise' : 'github';
}

async function sessionToken(deps: SecretResolverDeps, provider: GitHubProviderId, options: GetSessionOptions): Promise<ResolvedGitHubToken | undefined> {
  if (options.silent && provider === 'github-enterprise' && deps.enterpriseSignInAvailable?.() === false) return undefined;
  try {
    const session = await deps.getSession(provider, GITHUB_SCOPES, options);
    const token = nonEmpty(session?.accessToken);
    return session && token ? { token, source: 'session', label: session.account.label } : undefined;
  } catch (error) {
    // A missing provider (no github-enterprise.uri), a declined sign-in, or an auth extension that is
    // disabled: fall through to the next source. The message is the provider's, never a token.
    deps.logger?.warn(`GitHub authentication (${provider}) gave no session`, { reason: error instanceof Error ? error.message : String(error) });
    return undefined;
  }
}

function envToken(env: NodeJS.ProcessEnv): ResolvedGitHubToken | undefined {
  const github = nonEmpty(env.GITHUB_TOKEN);
  if (github) return { token: github, source: 'env', label: 'GITHUB_TOKEN' };
  const pat = nonEmpty(env.GITHUB_PAT);
  return pat ? { token: pat, source: 'env', label: 'GITHUB_PAT' } : undefined;
}

/**
 * The GitHub token without any UI: VS Code's session (silently), then GITHUB_TOKEN / GITHUB_PAT.
 * What runs in the background always uses this.
 */
export async function resolveGitHubTokenSilently(deps: SecretResolverDeps, provider: GitHubProviderId): Promise<ResolvedGitHubToken | undefined> {
  return (await sessionToken(deps, provider, { silent: true })) ?? envToken(deps.env);
}

/**
 * For a command the user just ran: the silent sources first, and only when there is no token at all,
 * VS Code's sign-in prompt. Undefined when the user declined.
 */
export async function ensureGitHubToken(deps: SecretResolverDeps, provider: GitHubProviderId): Promise<ResolvedGitHubToken | undefined> {
  return (await resolveGitHubTokenSilently(deps, provider)) ?? (await sessionToken(deps, provider, { createIfNone: true }));
}

/** Sign in to GitHub (the command): always through VS Code's provider, prompting if needed. */
export async function signInToGitHub(deps: SecretResolverDeps, provider: GitHubProviderId): Promise<AuthSessionLike | undefined> {
  try {
    return await deps.getSession(provider, GITHUB_SCOPES, { createIfNone: true });
  } catch (error) {
    deps.logger?.warn(`GitHub sign-in (${provider}) did not complete`, { reason: error instanceof Error ? error.message : String(error) });
    return undefined;
  }
}

/** An API key: SecretStorage first, then the CLI's environment variable. */
export async function resolveApiKey(deps: SecretResolverDeps, name: ApiKeyName): Promise<string | undefined> {
  const descriptor = apiKeyDescriptor(name);
  const stored = nonEmpty(await deps.store.get(descriptor.secretKey).catch(() => undefined));
  return stored ?? nonEmpty(deps.env[descriptor.envVar]);
}

/** Where a key would come from right now, for the Set API Key picker (never the value). */
export async function apiKeyOrigin(deps: SecretResolverDeps, name: ApiKeyName): Promise<'secret-storage' | 'environment' | 'none'> {
  const descriptor = apiKeyDescriptor(name);
  if (nonEmpty(await deps.store.get(descriptor.secretKey).catch(() => undefined))) return 'secret-storage';
  return nonEmpty(deps.env[descriptor.envVar]) ? 'environment' : 'none';
}

/**
 * The engine's SecretSource for one run. Silent by design: the pipeline may ask at any time, and a
 * background run must never pop a sign-in dialog. `known` is a token the command just resolved for this
 * run, so the pipeline does not look it up a second time.
 */
export function createSecretSource(deps: SecretResolverDeps, provider: GitHubProviderId, known?: ResolvedGitHubToken): SecretSource {
  return {
    githubToken: async () => known?.token ?? (await resolveGitHubTokenSilently(deps, provider))?.token,
    anthropicApiKey: () => resolveApiKey(deps, 'anthropic'),
    openaiApiKey: () => resolveApiKey(deps, 'openai'),
    e2bApiKey: () => resolveApiKey(deps, 'e2b'),
  };
}

/** A key typed into the input box: no whitespace inside, a sane length. Returns the problem, if any. */
export function validateApiKeyInput(value: string): string | undefined {
  const trimmed = value.trim();
  if (trimmed === '') return 'Enter the key, or press Escape to cancel.';
  if (/\s/.test(trimmed)) return 'An API key has no spaces or line breaks.';
  if (trimmed.length < 8 || trimmed.length > 512) return 'That does not look like an API key (8 to 512 characters).';
  return undefined;
}
