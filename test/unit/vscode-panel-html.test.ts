import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { panelContentSecurityPolicy, panelHtml } from '../../src/vscode/panel/panel-html';

describe('run panel HTML shell', () => {
  it('denies everything by default and allows only the extension files and the nonce script', () => {
    const policy = panelContentSecurityPolicy('https://file+.vscode-resource.vscode-cdn.net', 'abc123');
    const directives = new Map(policy.split('; ').map((directive) => [directive.split(' ')[0], directive]));
    assert.equal(directives.get('default-src'), "default-src 'none'");
    assert.equal(directives.get('script-src'), "script-src 'nonce-abc123'");
    assert.ok(!policy.includes('unsafe-inline') && !policy.includes('unsafe-eval') && !policy.includes('*'));
    assert.ok(!directives.has('connect-src'), 'no fetch/XHR/WebSocket from the page');
  });

  it('carries the nonce on its one script and escapes every URL it embeds', () => {
    const html = panelHtml({
      cspSource: 'https://x.test',
      nonce: 'n0nce==',
      scriptUri: 'https://x.test/panel.js?a="b"',
      styleUri: 'https://x.test/panel.css',
      codiconUri: 'https://x.test/codicon.css',
    });
    assert.equal(html.match(/<script/g)?.length, 1);
    assert.match(html, /<script nonce="n0nce==" src="https:\/\/x\.test\/panel\.js\?a=&quot;b&quot;"><\/script>/);
    assert.match(html, /data-testid="panel-root"/);
    assert.ok(!/style=/.test(html), 'no inline styles (the CSP would block them)');
  });
});
