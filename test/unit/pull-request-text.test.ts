// The PR body is inert Markdown and fits GitHub's limit whatever the model, the user or the repository put in it.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { codeBlock, codeSpan, plainText } from '../../src/core/pipeline/markdown-escape';
import { PULL_REQUEST_BODY_LIMIT, pullRequestBody } from '../../src/core/pipeline/pull-request-text';

const BASE = { prompt: 'p', agent: 'offline', summary: 's', requestId: 'r-1', checks: [] };

describe('markdown escaping', () => {
  test('a code block cannot be closed from inside', () => {
    assert.equal(codeBlock('a ``` b ```` c'), '`````text\na ``` b ```` c\n`````');
  });
  test('a code span keeps table cells intact', () => {
    assert.equal(codeSpan('a|b\nc'), '`a\\|b c`');
    assert.equal(codeSpan('x`y'), '``x`y``');
    assert.equal(codeSpan('`edge`'), '`` `edge` ``');
  });
  test('plain text has no HTML, no links, no mentions and no issue references', () => {
    assert.equal(plainText('<img src=x> [a](b) @octocat #12 **bold** a|b'), '&lt;img src=x&gt; \\[a\\](b) @\u200boctocat #\u200b12 \\*\\*bold\\*\\* a\\|b');
  });
});

describe('the PR body', () => {
  test('stays within 65,536 characters with many files, dropping rows and saying how many', () => {
    const changedFiles = Array.from({ length: 5_000 }, (_, index) => ({ path: `src/${'deep/'.repeat(10)}file-${index}.ts`, status: 'modified' as const, additions: 1, deletions: 1 }));
    const body = pullRequestBody({ ...BASE, summary: 'x'.repeat(100_000), changedFiles });
    assert.ok(body.length <= PULL_REQUEST_BODY_LIMIT);
    assert.match(body, /… and \d+ more file\(s\); the commit lists them all\./);
    assert.match(body, /\[… 92000 more characters\]/);
  });
  test('a small body is left whole', () => {
    const body = pullRequestBody({ ...BASE, changedFiles: [{ path: 'a|b.md', status: 'added', additions: 2, deletions: 0 }] });
    assert.match(body, /\| `a\\\|b\.md` \| added \| \+2 -0 \|/);
    assert.doesNotMatch(body, /more file/);
  });
});
