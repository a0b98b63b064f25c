import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TinyBackspaceError } from '../../src/core/errors/tiny-backspace-error';
import { enterpriseServer } from '../../src/core/repo/github-hosts';
import { parseRepositoryUrl } from '../../src/core/repo/parse-repository-url';

const web = 'https://ghe.example.com';

function rejects(apiUrl: string, pattern: RegExp): void {
  assert.throws(
    () => enterpriseServer({ enterpriseUrl: web, enterpriseApiUrl: apiUrl }),
    (error: unknown) => error instanceof TinyBackspaceError && error.code === 'invalid_request' && pattern.test(error.message) && /API_URL/.test(error.remedy ?? ''),
  );
}

describe('the GitHub Enterprise API URL is validated like the web URL', () => {
  it('refuses plain http to a remote host, where the token would travel in the clear', () => rejects('http://ghe.example.com/api/v3', /API URL .*must be https/));
  it('refuses credentials in the URL', () => rejects('https://user:secret@ghe.example.com/api/v3', /API URL/));
  it('refuses a query string or fragment', () => {
    rejects('https://ghe.example.com/api/v3?x=1', /API URL/);
    rejects('https://ghe.example.com/api/v3#frag', /API URL/);
  });
  it('refuses other protocols and non-URLs', () => {
    rejects('file:///etc/passwd', /API URL/);
    rejects('javascript:alert(1)', /API URL/);
    rejects('not a url', /API URL "not a url" is not a URL/);
  });
  it('never echoes a password it refuses', () => {
    try {
      enterpriseServer({ enterpriseUrl: web, enterpriseApiUrl: 'https://user:hunter2@ghe.example.com/api/v3' });
      assert.fail('accepted credentials');
    } catch (error) {
      assert.doesNotMatch(String((error as Error).message), /hunter2/);
    }
  });
  it('reports a bad API URL even when the input names github.com', () => {
    assert.throws(() => parseRepositoryUrl('https://github.com/a/b', { enterpriseUrl: web, enterpriseApiUrl: 'http://evil.example.com' }), /API URL/);
  });
  it('accepts https, and http on loopback, normalised without a trailing slash', () => {
    assert.equal(enterpriseServer({ enterpriseUrl: web, enterpriseApiUrl: 'https://api.ghe.example.com/v3/' })?.apiUrl, 'https://api.ghe.example.com/v3');
    assert.equal(enterpriseServer({ enterpriseUrl: 'http://127.0.0.1:9', enterpriseApiUrl: 'http://127.0.0.1:9/api/v3' })?.apiUrl, 'http://127.0.0.1:9/api/v3');
  });
});
