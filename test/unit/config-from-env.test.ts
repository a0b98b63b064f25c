import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configFromEnv, secretsFromEnv } from '../../src/core/config/config-from-env';
import { DEFAULT_CONFIG } from '../../src/core/config/engine-config';

describe('configuration from the environment (CLI and server)', () => {
  it('uses the defaults when nothing is set', () => {
    assert.deepEqual(configFromEnv({}), DEFAULT_CONFIG);
  });

  it('reads the agent command time limit, which the command tool resolves with a 120 s default', async () => {
    const { commandTimeoutMs } = await import('../../src/core/agent/tools/run-command-tool');
    assert.equal(configFromEnv({ TINY_BACKSPACE_AGENT_COMMAND_TIMEOUT_MS: '45000' }).agent?.commandTimeoutMs, 45_000);
    assert.equal(commandTimeoutMs(configFromEnv({ TINY_BACKSPACE_AGENT_COMMAND_TIMEOUT_MS: '45000' })), 45_000);
    assert.equal(commandTimeoutMs(DEFAULT_CONFIG), 120_000);
    assert.equal(configFromEnv({ TINY_BACKSPACE_AGENT_COMMAND_TIMEOUT_MS: 'soon' }).agent, undefined);
  });

  it('reads every documented variable', () => {
    const config = configFromEnv({
      TINY_BACKSPACE_GITHUB_URL: 'https://ghe.example.com',
      TINY_BACKSPACE_GITHUB_API_URL: 'https://ghe.example.com/api/v3',
      TINY_BACKSPACE_SANDBOX: 'local',
      TINY_BACKSPACE_BRANCH_PREFIX: 'bot',
      TINY_BACKSPACE_DRAFT: 'true',
      TINY_BACKSPACE_PROVIDERS: 'openai, offline, bogus',
      ANTHROPIC_MODEL: 'claude-opus-4-6',
      OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1',
      OPENAI_MODEL: 'llama3.1',
      OPENAI_TOOL_USE: 'false',
      TINY_BACKSPACE_MAX_TURNS: '12',
      TINY_BACKSPACE_MAX_COST_USD: '0.5',
      TINY_BACKSPACE_CHECKS: '{"octo/app": ["npm run lint", ""], "bad": "npm test"}',
      TINY_BACKSPACE_INSTALL_DEPENDENCIES: 'never',
      TINY_BACKSPACE_REPAIR_ATTEMPTS: '0',
      TINY_BACKSPACE_E2B_TIMEOUT_MS: '120000',
    });
    assert.deepEqual(config.github, { enterpriseUrl: 'https://ghe.example.com', enterpriseApiUrl: 'https://ghe.example.com/api/v3' });
    assert.equal(config.sandbox, 'local');
    assert.equal(config.branchPrefix, 'bot');
    assert.equal(config.draftPullRequests, true);
    assert.deepEqual(config.providers, ['openai', 'offline']);
    assert.equal(config.anthropic.model, 'claude-opus-4-6');
    assert.deepEqual(config.openai, { model: 'llama3.1', baseUrl: 'http://127.0.0.1:11434/v1', toolUse: false });
    assert.equal(config.budget.maxTurns, 12);
    assert.equal(config.budget.maxCostUsd, 0.5);
    assert.deepEqual(config.checks, { 'octo/app': ['npm run lint'] });
    assert.equal(config.installDependencies, 'never');
    assert.equal(config.repairAttempts, 0);
    assert.equal(config.e2b.timeoutMs, 120000);
  });

  it('reads the isolation and network policy: opt-in, registries (validated), command network', () => {
    assert.equal(configFromEnv({}).allowUnisolated, undefined);
    assert.equal(configFromEnv({}).network, undefined);
    const config = configFromEnv({
      TINY_BACKSPACE_ALLOW_UNISOLATED: '1',
      TINY_BACKSPACE_PACKAGE_REGISTRIES: 'Registry.NPMJS.org, *.pythonhosted.org,localhost:4873, not a host, http://x',
      TINY_BACKSPACE_COMMAND_NETWORK: 'true',
    });
    assert.equal(config.allowUnisolated, true);
    assert.deepEqual(config.network, { registries: ['registry.npmjs.org', '*.pythonhosted.org', 'localhost:4873'], commands: true });
    assert.equal(configFromEnv({ TINY_BACKSPACE_ALLOW_UNISOLATED: 'no' }).allowUnisolated, undefined);
  });

  it('ignores malformed values instead of guessing', () => {
    const config = configFromEnv({ TINY_BACKSPACE_SANDBOX: 'docker', TINY_BACKSPACE_MAX_TURNS: '-3', TINY_BACKSPACE_CHECKS: '{not json', TINY_BACKSPACE_REPAIR_ATTEMPTS: 'two' });
    assert.equal(config.sandbox, 'auto');
    assert.equal(config.budget.maxTurns, DEFAULT_CONFIG.budget.maxTurns);
    assert.equal(config.checks, undefined);
    assert.equal(config.repairAttempts, undefined);
  });

  it('takes GITHUB_TOKEN first, then GITHUB_PAT, and treats blanks as unset', async () => {
    assert.equal(await secretsFromEnv({ GITHUB_TOKEN: 'tok-a', GITHUB_PAT: 'tok-b' }).githubToken(), 'tok-a');
    assert.equal(await secretsFromEnv({ GITHUB_TOKEN: '  ', GITHUB_PAT: 'tok-b' }).githubToken(), 'tok-b');
    assert.equal(await secretsFromEnv({}).anthropicApiKey(), undefined);
  });
});
