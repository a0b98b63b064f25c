import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_CONFIG } from '../../src/core/config/engine-config';
import { githubProviderForRepoUrl } from '../../src/vscode/auth/secret-resolution';

const withEnterprise = { ...DEFAULT_CONFIG, github: { enterpriseUrl: 'https://ghe.example.com' } };

test('each run gets the token of its own host: github.com never gets the Enterprise token', () => {
  assert.equal(githubProviderForRepoUrl('https://github.com/octo/app', withEnterprise), 'github');
  assert.equal(githubProviderForRepoUrl('https://GHE.example.com/team/app', withEnterprise), 'github-enterprise');
  assert.equal(githubProviderForRepoUrl('https://ghe.example.com.evil.test/team/app', withEnterprise), 'github');
  assert.equal(githubProviderForRepoUrl('https://ghe.example.com/team/app', DEFAULT_CONFIG), 'github');
  assert.equal(githubProviderForRepoUrl('not a url', withEnterprise), 'github');
});
