import type { EngineConfig, ProviderName } from '../../config/engine-config';
import type { ResolvedSecrets } from '../../pipeline/pipeline-deps';
import { isLoopbackHostname } from '../../repo/github-hosts';
import type { ResolvedTuning } from '../agent-tuning';
import { AnthropicModel } from '../model/anthropic-model';
import type { ModelClient } from '../model/model-client';
import { OpenAIModel, isOfficialOpenAI, openaiDisplayName } from '../model/openai-model';
import { OpenAIResponsesModel } from '../model/openai-responses-model';

/** Responses for api.openai.com (and when asked for), Chat Completions for compatible servers. */
export function openaiApiFor(config: EngineConfig['openai']): 'responses' | 'chat' {
  if (config.api) return config.api;
  return isOfficialOpenAI(config.baseUrl) && config.toolUse !== false ? 'responses' : 'chat';
}

/** A local OpenAI-compatible server (Ollama, llama.cpp, LM Studio) usually wants no key; the SDK needs some string. */
export const NO_KEY_PLACEHOLDER = 'not-needed';

export type ProviderEntry =
  | { readonly kind: 'model'; readonly name: ProviderName; readonly displayName: string; readonly create: (tuning: ResolvedTuning) => ModelClient }
  | { readonly kind: 'skipped'; readonly name: ProviderName; readonly displayName: string; readonly reason: string }
  | { readonly kind: 'offline' };

function isLoopbackUrl(url: string | undefined): boolean {
  if (url === undefined) return false;
  try {
    return isLoopbackHostname(new URL(url).hostname);
  } catch {
    return false;
  }
}

/** The configured order, each provider once, with `offline` last unless the user placed it earlier. */
export function providerOrder(config: EngineConfig): ProviderName[] {
  const order = [...new Set(config.providers)];
  if (!order.includes('offline')) order.push('offline');
  return order;
}

/** The fallback chain from config and the resolved keys: providers without a key are kept, as skipped. */
export function providerEntries(config: EngineConfig, secrets: ResolvedSecrets): ProviderEntry[] {
  return providerOrder(config).map((name): ProviderEntry => {
    switch (name) {
      case 'anthropic': {
        const apiKey = secrets.anthropicApiKey;
        if (!apiKey) return { kind: 'skipped', name, displayName: 'Anthropic', reason: 'no ANTHROPIC_API_KEY is set' };
        return {
          kind: 'model',
          name,
          displayName: 'Anthropic',
          create: (tuning) =>
            new AnthropicModel({
              apiKey,
              model: config.anthropic.model,
              ...(config.anthropic.baseUrl ? { baseUrl: config.anthropic.baseUrl } : {}),
              ...(config.anthropic.thinkingBudgetTokens ? { thinkingBudgetTokens: config.anthropic.thinkingBudgetTokens } : {}),
              // Headers of a thinking model's reply may take as long as its first token.
              timeoutMs: tuning.firstTokenTimeoutMs,
            }),
        };
      }
      case 'openai': {
        const baseUrl = config.openai.baseUrl;
        const displayName = openaiDisplayName(baseUrl);
        const apiKey = secrets.openaiApiKey ?? (isLoopbackUrl(baseUrl) ? NO_KEY_PLACEHOLDER : undefined);
        if (!apiKey) {
          return {
            kind: 'skipped',
            name,
            displayName,
            reason: baseUrl && !isOfficialOpenAI(baseUrl) ? 'no OPENAI_API_KEY is set (only a loopback endpoint may go without one)' : 'no OPENAI_API_KEY is set',
          };
        }
        return {
          kind: 'model',
          name,
          displayName,
          create: (tuning) =>
            openaiApiFor(config.openai) === 'responses'
              ? new OpenAIResponsesModel({ apiKey, model: config.openai.model, ...(baseUrl ? { baseUrl } : {}), timeoutMs: tuning.firstTokenTimeoutMs })
              : new OpenAIModel({ apiKey, model: config.openai.model, ...(baseUrl ? { baseUrl } : {}), timeoutMs: tuning.firstTokenTimeoutMs, toolUse: config.openai.toolUse ?? true }),
        };
      }
      case 'offline':
        return { kind: 'offline' };
    }
  });
}
