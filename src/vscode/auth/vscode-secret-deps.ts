import * as vscode from 'vscode';
import type { Logger } from '../../core/logging/logger';
import { registerKnownSecret } from '../../core/security/known-secrets';
import type { SecretResolverDeps } from './secret-resolution';

/** Binds the pure secret resolution to VS Code's authentication API and SecretStorage. */
export function vscodeSecretDeps(secrets: vscode.SecretStorage, logger: Logger, env: NodeJS.ProcessEnv = process.env): SecretResolverDeps {
  return {
    getSession: async (provider, scopes, options) => {
      const sessionOptions: vscode.AuthenticationGetSessionOptions = {
        ...(options.silent ? { silent: true } : {}),
        ...(options.createIfNone ? { createIfNone: true } : {}),
      };
      return vscode.authentication.getSession(provider, [...scopes], sessionOptions);
    },
    store: {
      get: async (key) => {
        const value = await secrets.get(key);
        registerKnownSecret(value); // every SecretStorage value is scrubbed verbatim wherever it appears
        return value;
      },
      store: async (key, value) => {
        registerKnownSecret(value);
        await secrets.store(key, value);
      },
      delete: async (key) => secrets.delete(key),
    },
    env,
    logger,
    enterpriseSignInAvailable: () => (vscode.workspace.getConfiguration('github-enterprise').get<string>('uri') ?? '').trim() !== '',
  };
}
