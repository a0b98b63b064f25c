// Pure: which AI provider would make a run's change, decided before anything starts (no sandbox, no
// clone), so a first run without a key stops at once with a way forward instead of failing minutes later
// in the agent step. Unit-tested in test/unit/vscode-provider-readiness.test.ts.
import { parseOfflinePrompt } from '../../core/agent/offline/offline-grammar';
import type { ProviderName } from '../../core/config/engine-config';
import { isLoopbackHostname } from '../../core/repo/github-hosts';

export interface ReadinessInput {
  /** The configured chain, in order (the engine adds `offline` last unless it is listed). */
  readonly providers: readonly ProviderName[];
  readonly anthropicKey: boolean;
  readonly openaiKey: boolean;
  readonly openaiBaseUrl?: string;
  /** Undefined: the prompt is not typed yet, so the offline agent counts as "maybe". */
  readonly prompt?: string;
}

export type Readiness =
  | { readonly ok: true; readonly provider: ProviderName }
  /** No model provider, and the offline agent cannot do this prompt. */
  | { readonly ok: false; readonly reason: string };

/** A prompt the offline agent does, shown as the example when no model provider is set up. */
export const OFFLINE_EXAMPLE_PROMPT = 'replace "TODO" with "DONE" in README.md';

export const OFFLINE_INSTRUCTIONS = [
  'replace "old text" with "new text" [in PATH or GLOB]',
  'add file PATH with "content"',
  'append "text" to PATH',
  'delete PATH',
  'rename PATH to NEW_PATH',
];

function isLoopbackUrl(url: string | undefined): boolean {
  if (url === undefined || url.trim() === '') return false;
  try {
    return isLoopbackHostname(new URL(url).hostname);
  } catch {
    return false;
  }
}

/** Whether a model provider (not the offline agent) is set up: mirrors core/agent/chain/provider-entries.ts. */
export function modelProviderReady(input: ReadinessInput): ProviderName | undefined {
  for (const provider of input.providers) {
    if (provider === 'anthropic' && input.anthropicKey) return 'anthropic';
    if (provider === 'openai' && (input.openaiKey || isLoopbackUrl(input.openaiBaseUrl))) return 'openai';
  }
  return undefined;
}

export function providerReadiness(input: ReadinessInput): Readiness {
  const model = modelProviderReady(input);
  if (model) return { ok: true, provider: model };
  if (input.prompt === undefined) return { ok: true, provider: 'offline' };
  const parsed = parseOfflinePrompt(input.prompt);
  if (parsed.ok) return { ok: true, provider: 'offline' };
  return {
    ok: false,
    reason: `No AI provider is set up (no Anthropic or OpenAI key, no local model), and the offline agent only understands mechanical instructions such as ${OFFLINE_EXAMPLE_PROMPT}; it cannot do "${parsed.unparsed.slice(0, 80)}".`,
  };
}
