import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hasCode } from '../../src/core/errors/tiny-backspace-error';
import { parseRepositoryUrl } from '../../src/core/repo/parse-repository-url';
import { looksLikeLocalPath } from '../../src/core/repo/resolve-local-repository';
import { FAKE_GITHUB_TOKEN } from '../support/fake-secrets';

const ghe = { enterpriseUrl: 'https://ghe.example.com' };
const loopback = { enterpriseUrl: 'http://127.0.0.1:8123' };

describe('parseRepositoryUrl', () => {
  const accepted: Array<[string, typeof ghe | Record<string, never>, string, string, string]> = [
    ['https://github.com/octo/app', {}, 'octo', 'app', 'https://github.com/octo/app.git'],
    ['https://github.com/octo/app.git', {}, 'octo', 'app', 'https://github.com/octo/app.git'],
    ['https://github.com/octo/app/', {}, 'octo', 'app', 'https://github.com/octo/app.git'],
    ['git@github.com:octo/app.git', {}, 'octo', 'app', 'https://github.com/octo/app.git'],
    ['git@github.com:octo/app', {}, 'octo', 'app', 'https://github.com/octo/app.git'],
    ['ssh://git@github.com/octo/app.git', {}, 'octo', 'app', 'https://github.com/octo/app.git'],
    ['  https://GitHub.com/Octo-Org/my.repo_1  ', {}, 'Octo-Org', 'my.repo_1', 'https://github.com/Octo-Org/my.repo_1.git'],
    ['https://ghe.example.com/team/service', ghe, 'team', 'service', 'https://ghe.example.com/team/service.git'],
    ['git@ghe.example.com:team/service.git', ghe, 'team', 'service', 'https://ghe.example.com/team/service.git'],
    ['http://127.0.0.1:8123/team/service.git', loopback, 'team', 'service', 'http://127.0.0.1:8123/team/service.git'],
  ];
  for (const [input, hosts, owner, repo, cloneUrl] of accepted) {
    it(`accepts ${input.trim()}`, () => {
      const target = parseRepositoryUrl(input, hosts);
      assert.equal(target.owner, owner);
      assert.equal(target.repo, repo);
      assert.equal(target.cloneUrl, cloneUrl);
      assert.equal(target.htmlUrl, cloneUrl.slice(0, -4));
    });
  }

  it('derives the Enterprise API URL, or takes the configured one', () => {
    assert.equal(parseRepositoryUrl('https://ghe.example.com/a/b', ghe).server.apiUrl, 'https://ghe.example.com/api/v3');
    const custom = parseRepositoryUrl('https://ghe.example.com/a/b', { ...ghe, enterpriseApiUrl: 'https://api.ghe.example.com/' });
    assert.equal(custom.server.apiUrl, 'https://api.ghe.example.com');
    assert.equal(parseRepositoryUrl('https://github.com/a/b').server.apiUrl, 'https://api.github.com');
  });

  const hostile: Array<[string, string]> = [
    ['', 'empty'],
    ['--upload-pack=touch /tmp/pwned', 'option-like'],
    ['-c core.sshCommand=evil', 'option-like'],
    ['ext::sh -c touch% /tmp/pwned', 'ext remote helper'],
    ['fd::17', 'fd remote helper'],
    ['file:///etc/passwd', 'file protocol'],
    ['file://github.com/octo/app', 'file protocol with github host'],
    ['ftp://github.com/octo/app', 'ftp protocol'],
    ['git://github.com/octo/app', 'git protocol'],
    ['https://gitlab.com/octo/app', 'other host'],
    ['https://github.com.evil.com/octo/app', 'lookalike host'],
    ['https://evil.com/github.com/octo/app', 'host in path'],
    ['https://user:pass@github.com/octo/app', 'credentials'],
    [`https://${FAKE_GITHUB_TOKEN}@github.com/octo/app`, 'token in URL'],
    ['http://github.com/octo/app', 'plain http to github.com'],
    ['http://ghe.example.com/team/service', 'plain http to non-loopback enterprise'],
    ['https://github.com/octo/app;rm -rf /', 'shell metacharacters'],
    ['https://github.com/octo/app`id`', 'backticks'],
    ['https://github.com/octo/$(id)', 'command substitution'],
    ['https://github.com/octo/app|cat', 'pipe'],
    ['https://github.com/octo/app&&x', 'ampersand'],
    ['https://github.com/octo/app\nhttps://evil.com/x/y', 'newline'],
    ['https://github.com/octo/app\0', 'NUL'],
    ['https://github.com/octo/../../etc', 'dot segments'],
    ['https://github.com/octo/..', 'dot-dot repository'],
    ['https://github.com/octo%2f..%2fx/app', 'encoded slash'],
    ['https://github.com/octo', 'missing repository'],
    ['https://github.com/octo/app/tree/main', 'extra path'],
    ['https://github.com/octo/app?x=1', 'query string'],
    ['https://github.com/octo/app#frag', 'fragment'],
    ['root@github.com:octo/app.git', 'wrong ssh user'],
    ['ssh://git@github.com:2222/octo/app', 'ssh custom port'],
    ['git@evil.com:octo/app.git', 'scp-style other host'],
    ['https://github.com/-octo/app', 'owner starting with dash'],
    ["https://github.com/octo/'app'", 'quotes'],
  ];
  for (const [input, why] of hostile) {
    it(`refuses ${why}`, () => {
      assert.throws(
        () => parseRepositoryUrl(input, { enterpriseUrl: 'https://ghe.example.com' }),
        (error: unknown) => hasCode(error, 'invalid_repository_url') && /not a repository URL/.test((error as Error).message),
      );
    });
  }

  it('refuses an Enterprise URL that is plain http on a public host', () => {
    assert.throws(() => parseRepositoryUrl('https://github.com/a/b', { enterpriseUrl: 'http://ghe.example.com' }), (error: unknown) => hasCode(error, 'invalid_request'));
  });

  it('tells local paths from URLs', () => {
    assert.equal(looksLikeLocalPath('/home/me/repo'), true);
    assert.equal(looksLikeLocalPath('./repo'), true);
    assert.equal(looksLikeLocalPath('../repo'), true);
    assert.equal(looksLikeLocalPath('https://github.com/a/b'), false);
    assert.equal(looksLikeLocalPath('git@github.com:a/b'), false);
  });
});
