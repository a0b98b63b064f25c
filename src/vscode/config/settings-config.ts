// Pure: no `vscode` import, so the mapping is unit-tested with node:test (test/unit/vscode-settings-config.test.ts).
import { configFromEnv } from '../../core/config/config-from-env';
import { PROVIDER_NAMES, type EngineConfig, type ProviderName } from '../../core/config/engine-config';
import type { LogLevel } from '../../core/logging/create-logger';
import { SandboxModeSchema } from '../../protocol/run-request';

/** One setting under `tinyBackspace.`: its effective value, and whether the user set it anywhere. */
export interface SettingValue {
  readonly value: unknown;
  /** False when only the manifest default applies; then the CLI's environment variable may win. */
  readonly explicit: boolean;
}

export type SettingsReader = (key: string) => SettingValue;

/** Host-only settings the engine never sees. */
export interface ExtensionSettings {
  readonly reviewBeforePullRequest: boolean;
  readonly logLevel: LogLevel;
}

const LOG_LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error'];

function explicitString(read: SettingsReader, key: string): string | undefined {
  const { value, explicit } = read(key);
  if (!explicit || typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function explicitNumber(read: SettingsReader, key: string): number | undefined {
  const { value, explicit } = read(key);
  return explicit && typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function explicitBoolean(read: SettingsReader, key: string): boolean | undefined {
  const { value, explicit } = read(key);
  return explicit && typeof value === 'boolean' ? value : undefined;
}

function explicitProviders(read: SettingsReader): readonly ProviderName[] | undefined {
  const { value, explicit } = read('providers');
  if (!explicit || !Array.isArray(value)) return undefined;
  const names = value.filter((name): name is ProviderName => typeof name === 'string' && (PROVIDER_NAMES as readonly string[]).includes(name));
  return names.length > 0 ? [...new Set(names)] : undefined;
}

function explicitChecks(read: SettingsReader): Readonly<Record<string, readonly string[]>> | undefined {
  const { value, explicit } = read('checks');
  if (!explicit || value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const checks: Record<string, readonly string[]> = {};
  for (const [repository, commands] of Object.entries(value as Record<string, unknown>)) {
    if (Array.isArray(commands)) checks[repository] = commands.filter((command): command is string => typeof command === 'string' && command.trim() !== '');
  }
  return Object.keys(checks).length > 0 ? checks : undefined;
}

/**
 * The engine configuration of the extension host: a setting the user set wins; a setting left empty (or
 * at its manifest default) falls back to the same environment variables the CLI reads, so the engine
 * behaves the same in every host. Secrets are never settings; see secret-resolution.ts.
 */
export function engineConfigFromSettings(read: SettingsReader, env: NodeJS.ProcessEnv): EngineConfig {
  const base = configFromEnv(env);
  const enterpriseUrl = explicitString(read, 'github.enterpriseUrl');
  const sandbox = SandboxModeSchema.safeParse(explicitString(read, 'sandbox'));
  const providers = explicitProviders(read);
  const anthropicModel = explicitString(read, 'anthropic.model');
  const openaiModel = explicitString(read, 'openai.model');
  const openaiBaseUrl = explicitString(read, 'openai.baseUrl');
  const branchPrefix = explicitString(read, 'branchPrefix');
  const draft = explicitBoolean(read, 'draftPullRequests');
  const maxTurns = explicitNumber(read, 'budget.maxTurns');
  const maxCostUsd = explicitNumber(read, 'budget.maxCostUsd');
  const checks = explicitChecks(read);
  return {
    ...base,
    // A configured Enterprise URL from settings replaces the environment's, including its API override.
    github: enterpriseUrl ? { enterpriseUrl } : base.github,
    sandbox: sandbox.success ? sandbox.data : base.sandbox,
    providers: providers ?? base.providers,
    anthropic: { ...base.anthropic, ...(anthropicModel ? { model: anthropicModel } : {}) },
    openai: { ...base.openai, ...(openaiModel ? { model: openaiModel } : {}), ...(openaiBaseUrl ? { baseUrl: openaiBaseUrl } : {}) },
    branchPrefix: branchPrefix ?? base.branchPrefix,
    draftPullRequests: draft ?? base.draftPullRequests,
    budget: {
      ...base.budget,
      ...(maxTurns !== undefined && maxTurns >= 1 ? { maxTurns: Math.floor(maxTurns) } : {}),
      ...(maxCostUsd !== undefined && maxCostUsd >= 0 ? { maxCostUsd } : {}),
    },
    ...(checks ? { checks } : {}),
    // Machine-scoped in package.json (VS Code ignores it in workspace settings); only a literal true opts in.
    ...(read('allowUnisolated').value === true ? { allowUnisolated: true } : {}),
  };
}

export function extensionSettings(read: SettingsReader): ExtensionSettings {
  const review = read('reviewBeforePullRequest').value;
  const level = read('logLevel').value;
  return {
    reviewBeforePullRequest: review !== false,
    logLevel: typeof level === 'string' && (LOG_LEVELS as readonly string[]).includes(level) ? (level as LogLevel) : 'info',
  };
}
