import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configFromEnv } from '../../src/core/config/config-from-env';
import { DEFAULT_CONFIG } from '../../src/core/config/engine-config';
import { engineConfigFromSettings, extensionSettings, type SettingsReader } from '../../src/vscode/config/settings-config';

/** Settings as VS Code would report them: `set` are the user's; every other key shows its manifest default. */
function settings(set: Record<string, unknown>, defaults: Record<string, unknown> = {}): SettingsReader {
  return (key) => (key in set ? { value: set[key], explicit: true } : { value: defaults[key], explicit: false });
}

const MANIFEST_DEFAULTS = {
  providers: ['anthropic', 'openai', 'offline'],
  'anthropic.model': 'claude-sonnet-4-6',
  'openai.model': 'gpt-5.1',
  'openai.baseUrl': '',
  'github.enterpriseUrl': '',
  sandbox: 'auto',
  reviewBeforePullRequest: true,
  draftPullRequests: false,
  branchPrefix: 'tiny-backspace',
  'budget.maxCostUsd': null,
  'budget.maxTurns': 30,
  logLevel: 'info',
};

describe('engine configuration from VS Code settings', () => {
  it('opts in to unisolated execution only for a literal true of the machine setting', () => {
    assert.equal(engineConfigFromSettings(settings({}, MANIFEST_DEFAULTS), {}).allowUnisolated, undefined);
    assert.equal(engineConfigFromSettings(settings({ 'allowUnisolated': 'true' }, MANIFEST_DEFAULTS), {}).allowUnisolated, undefined);
    assert.equal(engineConfigFromSettings(settings({ 'allowUnisolated': true }, MANIFEST_DEFAULTS), {}).allowUnisolated, true);
  });

  it('falls back to the CLI environment variables for every setting left empty', () => {
    const config = engineConfigFromSettings(settings({}, MANIFEST_DEFAULTS), {
      TINY_BACKSPACE_GITHUB_URL: 'https://ghe.example.com',
      TINY_BACKSPACE_SANDBOX: 'local',
      TINY_BACKSPACE_PROVIDERS: 'openai,offline',
      ANTHROPIC_MODEL: 'claude-from-env',
      OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1',
      TINY_BACKSPACE_BRANCH_PREFIX: 'bot',
      TINY_BACKSPACE_MAX_TURNS: '12',
      TINY_BACKSPACE_MAX_COST_USD: '0.5',
      E2B_API_URL: 'http://127.0.0.1:3000',
    });
    assert.equal(config.github.enterpriseUrl, 'https://ghe.example.com');
    assert.equal(config.sandbox, 'local');
    assert.deepEqual(config.providers, ['openai', 'offline']);
    assert.equal(config.anthropic.model, 'claude-from-env');
    assert.equal(config.openai.baseUrl, 'http://127.0.0.1:11434/v1');
    assert.equal(config.branchPrefix, 'bot');
    assert.equal(config.budget.maxTurns, 12);
    assert.equal(config.budget.maxCostUsd, 0.5);
    assert.equal(config.e2b.apiUrl, 'http://127.0.0.1:3000');
  });

  it('lets a setting the user set win over the environment', () => {
    const config = engineConfigFromSettings(
      settings(
        {
          'github.enterpriseUrl': 'https://git.corp.example',
          sandbox: 'e2b',
          providers: ['offline', 'anthropic', 'bogus', 'offline'],
          'anthropic.model': 'claude-opus-4-1',
          'openai.model': 'llama3',
          'openai.baseUrl': 'http://localhost:8080/v1',
          branchPrefix: 'mine',
          draftPullRequests: true,
          'budget.maxTurns': 5,
          'budget.maxCostUsd': 2,
          checks: { 'octo/app': ['npm test', '', 42] },
        },
        MANIFEST_DEFAULTS,
      ),
      { TINY_BACKSPACE_GITHUB_URL: 'https://ghe.example.com', TINY_BACKSPACE_GITHUB_API_URL: 'https://ghe.example.com/api', ANTHROPIC_MODEL: 'env-model', TINY_BACKSPACE_SANDBOX: 'local' },
    );
    assert.deepEqual(config.github, { enterpriseUrl: 'https://git.corp.example' });
    assert.equal(config.sandbox, 'e2b');
    assert.deepEqual(config.providers, ['offline', 'anthropic']);
    assert.equal(config.anthropic.model, 'claude-opus-4-1');
    assert.equal(config.openai.model, 'llama3');
    assert.equal(config.openai.baseUrl, 'http://localhost:8080/v1');
    assert.equal(config.branchPrefix, 'mine');
    assert.equal(config.draftPullRequests, true);
    assert.equal(config.budget.maxTurns, 5);
    assert.equal(config.budget.maxCostUsd, 2);
    assert.deepEqual(config.checks, { 'octo/app': ['npm test'] });
  });

  it('treats a blank or invalid explicit value as empty', () => {
    const config = engineConfigFromSettings(settings({ 'github.enterpriseUrl': '   ', sandbox: 'cloud', providers: [], branchPrefix: '' }, MANIFEST_DEFAULTS), {
      TINY_BACKSPACE_GITHUB_URL: 'https://ghe.example.com',
    });
    assert.equal(config.github.enterpriseUrl, 'https://ghe.example.com');
    assert.equal(config.sandbox, DEFAULT_CONFIG.sandbox);
    assert.deepEqual(config.providers, DEFAULT_CONFIG.providers);
    assert.equal(config.branchPrefix, DEFAULT_CONFIG.branchPrefix);
  });

  it('matches the CLI defaults when neither settings nor environment say anything', () => {
    const config = engineConfigFromSettings(settings({}, MANIFEST_DEFAULTS), {});
    assert.deepEqual(config, configFromEnv({}));
  });

  it('reads the host-only settings: review on by default, log level validated', () => {
    assert.deepEqual(extensionSettings(settings({}, MANIFEST_DEFAULTS)), { reviewBeforePullRequest: true, logLevel: 'info' });
    assert.deepEqual(extensionSettings(settings({ reviewBeforePullRequest: false, logLevel: 'debug' })), { reviewBeforePullRequest: false, logLevel: 'debug' });
    assert.equal(extensionSettings(settings({ logLevel: 'verbose' })).logLevel, 'info');
  });
});
