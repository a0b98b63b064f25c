import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  apiKeyOrigin,
  createSecretSource,
  ensureGitHubToken,
  githubProviderFor,
  resolveGitHubTokenSilently,
  signInToGitHub,
  validateApiKeyInput,
  type GetSession,
  type GetSessionOptions,
  type GitHubProviderId,
  type SecretResolverDeps,
  type SecretStore,
} from '../../src/vscode/auth/secret-resolution';

interface SessionCall {
  readonly provider: GitHubProviderId;
  readonly scopes: readonly string[];
  readonly options: GetSessionOptions;
}

/** VS Code's auth API as seen from outside: silent calls see existing sessions; createIfNone "signs in" when allowed. */
function fakeAuth(existing: Partial<Record<GitHubProviderId, string>>, canSignIn: Partial<Record<GitHubProviderId, string>> = {}) {
  const calls: SessionCall[] = [];
  const getSession: GetSession = async (provider, scopes, options) => {
    calls.push({ provider, scopes, options });
    const token = existing[provider];
    if (token) return { accessToken: token, account: { label: `${provider}-user` } };
    if (options.createIfNone) {
      const created = canSignIn[provider];
      if (!created) throw new Error('User did not consent to login.');
      existing[provider] = created;
      return { accessToken: created, account: { label: `${provider}-user` } };
    }
    return undefined;
  };
  return { getSession, calls };
}

function memoryStore(initial: Record<string, string> = {}): SecretStore & { values: Map<string, string> } {
  const values = new Map(Object.entries(initial));
  return {
    values,
    get: async (key) => values.get(key),
    store: async (key, value) => void values.set(key, value),
    delete: async (key) => void values.delete(key),
  };
}

function deps(getSession: GetSession, env: NodeJS.ProcessEnv = {}, store: SecretStore = memoryStore()): SecretResolverDeps {
  return { getSession, env, store };
}

describe('GitHub token resolution', () => {
  it('asks VS Code silently first, for the repo scope', async () => {
    const auth = fakeAuth({ github: 'gho_sessiontoken' });
    const token = await resolveGitHubTokenSilently(deps(auth.getSession, { GITHUB_TOKEN: 'ghp_envtoken' }), 'github');
    assert.deepEqual(token, { token: 'gho_sessiontoken', source: 'session', label: 'github-user' });
    assert.deepEqual(auth.calls, [{ provider: 'github', scopes: ['repo'], options: { silent: true } }]);
  });

  it('falls back to GITHUB_TOKEN, then GITHUB_PAT, without prompting', async () => {
    const auth = fakeAuth({});
    assert.equal((await resolveGitHubTokenSilently(deps(auth.getSession, { GITHUB_TOKEN: 'ghp_a', GITHUB_PAT: 'ghp_b' }), 'github'))?.label, 'GITHUB_TOKEN');
    assert.equal((await resolveGitHubTokenSilently(deps(auth.getSession, { GITHUB_TOKEN: ' ', GITHUB_PAT: 'ghp_b' }), 'github'))?.token, 'ghp_b');
    assert.equal(await resolveGitHubTokenSilently(deps(auth.getSession, {}), 'github'), undefined);
    assert.ok(auth.calls.every((call) => call.options.silent === true && call.options.createIfNone !== true));
  });

  it('uses the github-enterprise provider for an Enterprise repository', async () => {
    const auth = fakeAuth({ 'github-enterprise': 'ghe_token', github: 'gho_dotcom' });
    const token = await resolveGitHubTokenSilently(deps(auth.getSession), githubProviderFor({ isEnterprise: true }));
    assert.equal(token?.token, 'ghe_token');
    assert.deepEqual(auth.calls.map((call) => call.provider), ['github-enterprise']);
  });

  it('treats a provider that throws (e.g. no github-enterprise.uri) like no session', async () => {
    const getSession: GetSession = async () => {
      throw new Error('No authentication provider "github-enterprise" is currently registered.');
    };
    assert.equal((await resolveGitHubTokenSilently(deps(getSession, { GITHUB_PAT: 'ghp_pat' }), 'github-enterprise'))?.token, 'ghp_pat');
  });

  it('skips the Enterprise session lookup when VS Code has no Enterprise sign-in set up', async () => {
    const auth = fakeAuth({ 'github-enterprise': 'ghe_token' });
    const resolver = { ...deps(auth.getSession, { GITHUB_PAT: 'ghp_pat' }), enterpriseSignInAvailable: () => false };
    assert.equal((await resolveGitHubTokenSilently(resolver, 'github-enterprise'))?.token, 'ghp_pat');
    assert.deepEqual(auth.calls, [], 'no silent call that could only time out');
    const configured = { ...resolver, enterpriseSignInAvailable: () => true };
    assert.equal((await resolveGitHubTokenSilently(configured, 'github-enterprise'))?.token, 'ghe_token');
  });

  it('hands the pipeline the token the command already resolved, without a second lookup', async () => {
    const auth = fakeAuth({});
    const source = createSecretSource(deps(auth.getSession), 'github', { token: 'gho_known', source: 'session', label: 'me' });
    assert.equal(await source.githubToken(), 'gho_known');
    assert.deepEqual(auth.calls, []);
  });

  it('prompts (createIfNone) only when the user acted and no token exists at all', async () => {
    const withEnv = fakeAuth({}, { github: 'gho_new' });
    assert.equal((await ensureGitHubToken(deps(withEnv.getSession, { GITHUB_PAT: 'ghp_pat' }), 'github'))?.token, 'ghp_pat');
    assert.ok(withEnv.calls.every((call) => !call.options.createIfNone), 'an env token must not trigger a sign-in');

    const none = fakeAuth({}, { github: 'gho_new' });
    const token = await ensureGitHubToken(deps(none.getSession), 'github');
    assert.deepEqual(token, { token: 'gho_new', source: 'session', label: 'github-user' });
    assert.deepEqual(
      none.calls.map((call) => call.options),
      [{ silent: true }, { createIfNone: true }],
    );
  });

  it('resolves undefined when the user declines the sign-in', async () => {
    const auth = fakeAuth({});
    assert.equal(await ensureGitHubToken(deps(auth.getSession), 'github'), undefined);
    assert.equal(await signInToGitHub(deps(auth.getSession), 'github'), undefined);
  });

  it('the engine secret source never prompts, whatever the pipeline asks', async () => {
    const auth = fakeAuth({}, { github: 'gho_would_prompt' });
    const source = createSecretSource(deps(auth.getSession), 'github');
    assert.equal(await source.githubToken(), undefined);
    assert.ok(auth.calls.length > 0 && auth.calls.every((call) => call.options.silent === true && !call.options.createIfNone));
  });
});

describe('API keys', () => {
  it('reads SecretStorage first, then the environment', async () => {
    const store = memoryStore({ 'tinyBackspace.apiKey.anthropic': 'sk-ant-stored' });
    const source = createSecretSource(deps(fakeAuth({}).getSession, { ANTHROPIC_API_KEY: 'sk-ant-env', OPENAI_API_KEY: 'sk-openai-env' }, store), 'github');
    assert.equal(await source.anthropicApiKey(), 'sk-ant-stored');
    assert.equal(await source.openaiApiKey(), 'sk-openai-env');
    assert.equal(await source.e2bApiKey(), undefined);
  });

  it('reports where a key comes from without revealing it', async () => {
    const store = memoryStore({ 'tinyBackspace.apiKey.openai': 'sk-stored-key' });
    const resolver = deps(fakeAuth({}).getSession, { E2B_API_KEY: 'e2b_env' }, store);
    assert.equal(await apiKeyOrigin(resolver, 'openai'), 'secret-storage');
    assert.equal(await apiKeyOrigin(resolver, 'e2b'), 'environment');
    assert.equal(await apiKeyOrigin(resolver, 'anthropic'), 'none');
  });

  it('validates what is typed into the key box', () => {
    assert.equal(validateApiKeyInput('sk-ant-api03-abcdefgh'), undefined);
    assert.match(validateApiKeyInput('  ') ?? '', /Enter the key/);
    assert.match(validateApiKeyInput('sk-ant with space') ?? '', /no spaces/);
    assert.match(validateApiKeyInput('short') ?? '', /8 to 512/);
  });
});
