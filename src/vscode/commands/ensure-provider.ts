import * as vscode from 'vscode';
import { resolveApiKey } from '../auth/secret-resolution';
import { engineConfigFromSettings } from '../config/settings-config';
import { SETTINGS_SECTION, vscodeSettingsReader } from '../config/vscode-settings';
import { OFFLINE_INSTRUCTIONS, providerReadiness, type Readiness, type ReadinessInput } from '../runs/provider-readiness';
import type { CommandContext } from './command-context';

export const SET_API_KEY = 'Set API Key';
export const USE_LOCAL_MODEL = 'Use a Local Model';
export const OFFLINE_HELP = 'Offline Instructions';

const DEFAULT_LOCAL_URL = 'http://127.0.0.1:11434/v1';

export async function readinessInput(context: CommandContext, prompt?: string): Promise<ReadinessInput> {
  const config = engineConfigFromSettings(vscodeSettingsReader(), context.env);
  const [anthropic, openai] = await Promise.all([resolveApiKey(context.secretDeps, 'anthropic'), resolveApiKey(context.secretDeps, 'openai')]);
  return {
    providers: config.providers,
    anthropicKey: anthropic !== undefined,
    openaiKey: openai !== undefined,
    ...(config.openai.baseUrl ? { openaiBaseUrl: config.openai.baseUrl } : {}),
    ...(prompt !== undefined ? { prompt } : {}),
  };
}

export async function currentReadiness(context: CommandContext, prompt?: string): Promise<Readiness> {
  return providerReadiness(await readinessInput(context, prompt));
}

/**
 * Before anything starts: is there a provider that can make this change? If not, says so with the ways
 * forward (Set API Key, Use a Local Model, Offline Instructions) and, once the user has set one up, checks
 * again, so the typed prompt is never lost. True when the run may start.
 */
export async function ensureProvider(context: CommandContext, prompt: string): Promise<boolean> {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const readiness = await currentReadiness(context, prompt);
    if (readiness.ok) return true;
    context.services.logger.info('no AI provider can make this change; the run was not started');
    const choice = await vscode.window.showErrorMessage(`Tiny Backspace: ${readiness.reason}`, SET_API_KEY, USE_LOCAL_MODEL, OFFLINE_HELP);
    if (choice === SET_API_KEY) await vscode.commands.executeCommand('tinyBackspace.setApiKey');
    else if (choice === USE_LOCAL_MODEL) await useLocalModel();
    else {
      if (choice === OFFLINE_HELP) await showOfflineInstructions();
      return false;
    }
  }
  return false;
}

function validateBaseUrl(value: string): string | undefined {
  try {
    const url = new URL(value.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? undefined : 'An http(s) URL, e.g. http://127.0.0.1:11434/v1';
  } catch {
    return 'An http(s) URL, e.g. http://127.0.0.1:11434/v1';
  }
}

/** An OpenAI-compatible local server (Ollama, llama.cpp, LM Studio): base URL and model, in user settings. */
export async function useLocalModel(): Promise<boolean> {
  const configuration = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  const current = vscodeSettingsReader()('openai.baseUrl').value;
  const baseUrl = await vscode.window.showInputBox({
    title: 'Tiny Backspace: local model (1/2) — OpenAI-compatible base URL',
    prompt: 'Ollama, llama.cpp and LM Studio serve the OpenAI API locally. A loopback URL needs no API key.',
    value: typeof current === 'string' && current !== '' ? current : DEFAULT_LOCAL_URL,
    ignoreFocusOut: true,
    validateInput: validateBaseUrl,
  });
  if (baseUrl === undefined) return false;
  const model = await vscode.window.showInputBox({
    title: 'Tiny Backspace: local model (2/2) — model name',
    prompt: 'The model the server serves, e.g. qwen2.5-coder:7b or llama3.1.',
    value: configuration.get<string>('openai.model') ?? '',
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim() === '' ? 'Enter the model name.' : undefined),
  });
  if (model === undefined) return false;
  // User settings: the base URL is machine-scoped (a workspace may not redirect where prompts go).
  await configuration.update('openai.baseUrl', baseUrl.trim(), vscode.ConfigurationTarget.Global);
  await configuration.update('openai.model', model.trim(), vscode.ConfigurationTarget.Global);
  const providers = vscodeSettingsReader()('providers').value;
  if (Array.isArray(providers) && !providers.includes('openai')) {
    await configuration.update('providers', ['openai', ...providers], vscode.ConfigurationTarget.Global);
  }
  void vscode.window.showInformationMessage(`Tiny Backspace: runs use ${model.trim()} at ${baseUrl.trim()}.`);
  return true;
}

/** What the offline agent understands, in a Markdown preview (works without any network). */
export async function showOfflineInstructions(): Promise<void> {
  const content = [
    '# Tiny Backspace offline agent',
    '',
    'Without an API key or a local model, the deterministic offline agent runs. It does mechanical edits only,',
    'one instruction per line (or separated by `;`):',
    '',
    ...OFFLINE_INSTRUCTIONS.map((line) => `- \`${line}\``),
    '',
    'Example: `replace "Hello" with "Howdy" in README.md`',
    '',
    'For anything else, run **Tiny Backspace: Set API Key** (Anthropic or OpenAI) or use a local',
    'OpenAI-compatible model (`tinyBackspace.openai.baseUrl`, e.g. Ollama at http://127.0.0.1:11434/v1).',
  ].join('\n');
  const document = await vscode.workspace.openTextDocument({ language: 'markdown', content });
  await vscode.commands.executeCommand('markdown.showPreview', document.uri).then(undefined, () => vscode.window.showTextDocument(document));
}
