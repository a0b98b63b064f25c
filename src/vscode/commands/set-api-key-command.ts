import * as vscode from 'vscode';
import { API_KEYS, apiKeyOrigin, validateApiKeyInput, type ApiKeyDescriptor } from '../auth/secret-resolution';
import type { CommandContext } from './command-context';

const ORIGIN_TEXT = {
  'secret-storage': 'stored in VS Code',
  environment: 'from the environment',
  none: 'not set',
} as const;

/** Set API Key: Anthropic / OpenAI / E2B into SecretStorage (never settings), or delete a stored key. */
export async function setApiKeyCommand(context: CommandContext): Promise<void> {
  const { secretDeps } = context;
  const items = await Promise.all(
    API_KEYS.map(async (key) => {
      const origin = await apiKeyOrigin(secretDeps, key.name);
      return { label: key.label, description: ORIGIN_TEXT[origin], detail: `Falls back to ${key.envVar} when nothing is stored.`, key, origin };
    }),
  );
  const picked = await vscode.window.showQuickPick(items, { title: 'Tiny Backspace: which API key?', placeHolder: 'Keys are kept in VS Code SecretStorage' });
  if (!picked) return;
  if (picked.origin === 'secret-storage') {
    const action = await vscode.window.showQuickPick(
      [
        { label: `Replace the stored ${picked.key.label} key`, action: 'replace' as const },
        { label: `Delete the stored ${picked.key.label} key`, description: `then ${picked.key.envVar} applies, if set`, action: 'delete' as const },
      ],
      { title: `Tiny Backspace: ${picked.key.label} API key` },
    );
    if (!action) return;
    if (action.action === 'delete') {
      await secretDeps.store.delete(picked.key.secretKey);
      context.services.logger.info('API key deleted', { key: picked.key.name });
      void vscode.window.showInformationMessage(`Tiny Backspace: the stored ${picked.key.label} key was deleted.`);
      return;
    }
  }
  await askAndStore(context, picked.key);
}

async function askAndStore(context: CommandContext, key: ApiKeyDescriptor): Promise<void> {
  const value = await vscode.window.showInputBox({
    title: `Tiny Backspace: ${key.label} API key`,
    prompt: 'Stored in VS Code SecretStorage on this machine. It never goes into settings, logs, the sandbox or the panel.',
    password: true,
    ignoreFocusOut: true,
    validateInput: validateApiKeyInput,
  });
  if (value === undefined || validateApiKeyInput(value)) return;
  await context.secretDeps.store.store(key.secretKey, value.trim());
  context.services.logger.info('API key stored', { key: key.name });
  void vscode.window.showInformationMessage(`Tiny Backspace: the ${key.label} key is stored; the next run uses it.`);
}
