import { SandboxModeSchema } from '../../protocol/run-request';
import { DEFAULT_CONFIG, PROVIDER_NAMES, type EngineConfig, type ProviderName, type SecretSource } from './engine-config';

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

function positiveNumber(value: string | undefined): number | undefined {
  const parsed = Number(nonEmpty(value));
  return Number.isFinite(parsed) && parsed > 0 ? parsed : undefined;
}

function checkOverrides(value: string | undefined): Record<string, readonly string[]> | undefined {
  const text = nonEmpty(value);
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const checks: Record<string, readonly string[]> = {};
  for (const [repository, commands] of Object.entries(parsed)) {
    if (Array.isArray(commands)) checks[repository] = commands.filter((command): command is string => typeof command === 'string' && command.trim() !== '');
  }
  return checks;
}

function installPolicy(value: string | undefined): 'auto' | 'always' | 'never' | undefined {
  const policy = nonEmpty(value)?.toLowerCase();
  return policy === 'auto' || policy === 'always' || policy === 'never' ? policy : undefined;
}

function flag(value: string | undefined): boolean {
  const text = nonEmpty(value)?.toLowerCase();
  return text === '1' || text === 'true' || text === 'yes';
}

function hostList(value: string | undefined): readonly string[] | undefined {
  const names = nonEmpty(value)
    ?.split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => /^(\*\.)?[a-z0-9.-]+(:\d{1,5})?$/.test(name));
  return names && names.length > 0 ? names : undefined;
}

function providers(value: string | undefined): readonly ProviderName[] {
  const names = nonEmpty(value)
    ?.split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name): name is ProviderName => (PROVIDER_NAMES as readonly string[]).includes(name));
  return names && names.length > 0 ? names : DEFAULT_CONFIG.providers;
}

function repositoryCache(env: NodeJS.ProcessEnv): EngineConfig['repositoryCache'] {
  const switchValue = nonEmpty(env.TINY_BACKSPACE_REPO_CACHE)?.toLowerCase();
  const directory = nonEmpty(env.TINY_BACKSPACE_REPO_CACHE_DIR);
  const maxMb = positiveNumber(env.TINY_BACKSPACE_REPO_CACHE_MAX_MB);
  const maxAgeDays = positiveNumber(env.TINY_BACKSPACE_REPO_CACHE_MAX_AGE_DAYS);
  const cache = {
    ...(switchValue === 'off' || switchValue === '0' || switchValue === 'false' ? { enabled: false } : {}),
    ...(directory ? { directory } : {}),
    ...(maxMb ? { maxBytes: Math.round(maxMb * 1024 * 1024) } : {}),
    ...(maxAgeDays ? { maxAgeMs: Math.round(maxAgeDays * 24 * 3_600_000) } : {}),
  };
  return Object.keys(cache).length > 0 ? cache : undefined;
}

/** The CLI's and server's configuration: the same variables the extension honours when a setting is empty. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): EngineConfig {
  const sandbox = SandboxModeSchema.safeParse(nonEmpty(env.TINY_BACKSPACE_SANDBOX));
  const maxCost = positiveNumber(env.TINY_BACKSPACE_MAX_COST_USD);
  const enterpriseUrl = nonEmpty(env.TINY_BACKSPACE_GITHUB_URL);
  const enterpriseApiUrl = nonEmpty(env.TINY_BACKSPACE_GITHUB_API_URL);
  const anthropicBaseUrl = nonEmpty(env.ANTHROPIC_BASE_URL);
  const openaiBaseUrl = nonEmpty(env.OPENAI_BASE_URL);
  const e2bApiUrl = nonEmpty(env.E2B_API_URL);
  const e2bSandboxUrl = nonEmpty(env.E2B_SANDBOX_URL);
  const e2bTemplate = nonEmpty(env.E2B_TEMPLATE);
  const e2bTimeoutMs = positiveNumber(env.TINY_BACKSPACE_E2B_TIMEOUT_MS);
  const checks = checkOverrides(env.TINY_BACKSPACE_CHECKS);
  const install = installPolicy(env.TINY_BACKSPACE_INSTALL_DEPENDENCIES);
  const repairAttempts = Number(nonEmpty(env.TINY_BACKSPACE_REPAIR_ATTEMPTS));
  const commandTimeoutMs = positiveNumber(env.TINY_BACKSPACE_COMMAND_TIMEOUT_MS);
  const agentCommandTimeoutMs = positiveNumber(env.TINY_BACKSPACE_AGENT_COMMAND_TIMEOUT_MS);
  const openaiToolUse = nonEmpty(env.OPENAI_TOOL_USE)?.toLowerCase();
  const registries = hostList(env.TINY_BACKSPACE_PACKAGE_REGISTRIES);
  const commandNetwork = flag(env.TINY_BACKSPACE_COMMAND_NETWORK);
  const thinkingBudget = positiveNumber(env.ANTHROPIC_THINKING_BUDGET_TOKENS);
  const openaiApi = nonEmpty(env.OPENAI_API)?.toLowerCase();
  const cache = repositoryCache(env);
  return {
    ...DEFAULT_CONFIG,
    github: {
      ...(enterpriseUrl ? { enterpriseUrl } : {}),
      ...(enterpriseApiUrl ? { enterpriseApiUrl } : {}),
    },
    sandbox: sandbox.success ? sandbox.data : DEFAULT_CONFIG.sandbox,
    branchPrefix: nonEmpty(env.TINY_BACKSPACE_BRANCH_PREFIX) ?? DEFAULT_CONFIG.branchPrefix,
    draftPullRequests: env.TINY_BACKSPACE_DRAFT === '1' || env.TINY_BACKSPACE_DRAFT === 'true',
    providers: providers(env.TINY_BACKSPACE_PROVIDERS),
    anthropic: {
      model: nonEmpty(env.ANTHROPIC_MODEL) ?? DEFAULT_CONFIG.anthropic.model,
      ...(anthropicBaseUrl ? { baseUrl: anthropicBaseUrl } : {}),
      ...(thinkingBudget ? { thinkingBudgetTokens: Math.max(1024, Math.floor(thinkingBudget)) } : {}),
    },
    openai: {
      model: nonEmpty(env.OPENAI_MODEL) ?? DEFAULT_CONFIG.openai.model,
      ...(openaiBaseUrl ? { baseUrl: openaiBaseUrl } : {}),
      ...(openaiToolUse === 'false' || openaiToolUse === '0' ? { toolUse: false } : {}),
      ...(openaiApi === 'responses' || openaiApi === 'chat' ? { api: openaiApi } : {}),
    },
    e2b: {
      ...(e2bApiUrl ? { apiUrl: e2bApiUrl } : {}),
      ...(e2bSandboxUrl ? { sandboxUrl: e2bSandboxUrl } : {}),
      ...(e2bTemplate ? { template: e2bTemplate } : {}),
      ...(e2bTimeoutMs ? { timeoutMs: e2bTimeoutMs } : {}),
    },
    ...(checks ? { checks } : {}),
    ...(install ? { installDependencies: install } : {}),
    ...(Number.isInteger(repairAttempts) && repairAttempts >= 0 ? { repairAttempts } : {}),
    ...(commandTimeoutMs ? { commandTimeoutMs } : {}),
    ...(flag(env.TINY_BACKSPACE_ALLOW_UNISOLATED) ? { allowUnisolated: true } : {}),
    ...(registries || commandNetwork ? { network: { ...(registries ? { registries } : {}), ...(commandNetwork ? { commands: true } : {}) } } : {}),
    ...(agentCommandTimeoutMs ? { agent: { commandTimeoutMs: agentCommandTimeoutMs } } : {}),
    ...(cache ? { repositoryCache: cache } : {}),
    budget: {
      ...DEFAULT_CONFIG.budget,
      maxTurns: positiveNumber(env.TINY_BACKSPACE_MAX_TURNS) ?? DEFAULT_CONFIG.budget.maxTurns,
      maxTokens: positiveNumber(env.TINY_BACKSPACE_MAX_TOKENS) ?? DEFAULT_CONFIG.budget.maxTokens,
      maxWallClockMs: positiveNumber(env.TINY_BACKSPACE_MAX_WALL_CLOCK_MS) ?? DEFAULT_CONFIG.budget.maxWallClockMs,
      ...(maxCost === undefined ? {} : { maxCostUsd: maxCost }),
    },
  };
}

export function secretsFromEnv(env: NodeJS.ProcessEnv = process.env): SecretSource {
  return {
    githubToken: async () => nonEmpty(env.GITHUB_TOKEN) ?? nonEmpty(env.GITHUB_PAT),
    anthropicApiKey: async () => nonEmpty(env.ANTHROPIC_API_KEY),
    openaiApiKey: async () => nonEmpty(env.OPENAI_API_KEY),
    e2bApiKey: async () => nonEmpty(env.E2B_API_KEY),
  };
}
