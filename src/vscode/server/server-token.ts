import { generateServerToken } from '../../core/server/bearer-token';

/** The part of VS Code's `SecretStorage` this needs; the token lives there and nowhere else. */
export interface TokenSecretStore {
  get(key: string): PromiseLike<string | undefined>;
  store(key: string, value: string): PromiseLike<void>;
}

export const SERVER_TOKEN_SECRET_KEY = 'tinyBackspace.server.token';

/** The same token across restarts, so scripts the user set up keep working; created on first use. */
export async function getOrCreateServerToken(secrets: TokenSecretStore): Promise<string> {
  const existing = await secrets.get(SERVER_TOKEN_SECRET_KEY);
  if (existing) return existing;
  const token = generateServerToken();
  await secrets.store(SERVER_TOKEN_SECRET_KEY, token);
  return token;
}
