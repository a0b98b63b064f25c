import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRepositoryUrl } from '../../src/core/repo/parse-repository-url';
import { parsePullRequestInput } from '../../src/vscode/commands/pull-request-input';

const target = parseRepositoryUrl('https://github.com/octo/app', {});
if (target.kind !== 'github') throw new Error('expected a GitHub target');

test('the follow-up command takes a number, #N, or this repository\'s PR URL', () => {
  assert.deepEqual(parsePullRequestInput('42', target), { number: 42 });
  assert.deepEqual(parsePullRequestInput(' #7 ', target), { number: 7 });
  assert.deepEqual(parsePullRequestInput('https://github.com/octo/app/pull/15', target), { number: 15 });
  assert.deepEqual(parsePullRequestInput('https://github.com/Octo/App/pull/15/files', target), { number: 15 });
});

test('anything else gets a reason', () => {
  assert.match(String((parsePullRequestInput('0', target) as { problem: string }).problem), /positive whole number/);
  assert.match(String((parsePullRequestInput('abc', target) as { problem: string }).problem), /number \(e\.g\. 42\) or its URL/);
  assert.match(String((parsePullRequestInput('https://github.com/other/repo/pull/3', target) as { problem: string }).problem), /in other\/repo, but this workspace is octo\/app/);
  assert.match(String((parsePullRequestInput('https://github.com/octo/app/issues/3', target) as { problem: string }).problem), /not a pull request URL/);
  assert.match(String((parsePullRequestInput('https://evil.example/octo/app/pull/3', target) as { problem: string }).problem), /not a pull request URL/);
});
