import * as vscode from 'vscode';
import type { Logger } from '../../core/logging/logger';
import { registerKnownSecret } from '../../core/security/known-secrets';
import { githubEnterpriseUri } from '../config/github-enterprise-uri';
import type { SecretResolverDeps } from './secret-resolution';

/** Binds the pure secret resolution to VS Code's authentication API and SecretStorage. */
export function vscodeSecretDeps(
  secrets: vscode.SecretStorage,
  logger: Logger,
  env: NodeJS.ProcessEnv = process.env,
  /** Tells redaction about every secret value read or stored here, so logs never carry it. */
  knowSecrets: (values: readonly (string | undefined)[]) => void = () => undefined,
): SecretResolverDeps {
  return {
    getSession: async (provider, scopes, options) => {
      const sessionOptions: vscode.AuthenticationGetSessionOptions = {
        ...(options.silent ? { silent: true } : {}),
        ...(options.createIfNone ? { createIfNone: true } : {}),
      };
      const session = await vscode.authentication.getSession(provider, [...scopes], sessionOptions);
      if (session) knowSecrets([session.accessToken]);
      return session;
    },
    store: {
      get: async (key) => {
        const value = await secrets.get(key);
        knowSecrets([value]);
        registerKnownSecret(value); // every SecretStorage value is scrubbed verbatim wherever it appears
        return value;
      },
      store: async (key, value) => {
        knowSecrets([value]);
        registerKnownSecret(value);
        await secrets.store(key, value);
      },
      delete: async (key) => secrets.delete(key),
    },
    env,
    logger,
    enterpriseSignInAvailable: () => githubEnterpriseUri() !== undefined,
  };
}
