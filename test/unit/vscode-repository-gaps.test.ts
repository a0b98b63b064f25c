import assert from 'node:assert/strict';
import { test } from 'node:test';
import { preferRepositoryOf, surveyRemotes, unpushedCommitsWarning, withoutUserInfo } from '../../src/vscode/repo/choose-repository';

test('https://user@github.com remotes are accepted; the user part (and any password) is dropped', () => {
  assert.equal(withoutUserInfo('https://octocat@github.com/octo/app.git'), 'https://github.com/octo/app.git');
  assert.equal(withoutUserInfo('https://octocat:ghp_secret@github.com/octo/app'), 'https://github.com/octo/app');
  assert.equal(withoutUserInfo('git@github.com:octo/app.git'), 'git@github.com:octo/app.git');
  const survey = surveyRemotes([{ root: '/w', remotes: [{ name: 'origin', fetchUrl: 'https://octocat@github.com/octo/app.git' }] }], {});
  assert.equal(survey.rejected.length, 0, JSON.stringify(survey.rejected));
  assert.equal(survey.candidates[0]?.target.htmlUrl, 'https://github.com/octo/app');
  assert.equal(JSON.stringify(survey).includes('octocat'), false);
});

test('a branch without an upstream gets a warning instead of silence', () => {
  const warning = unpushedCommitsWarning({ root: '/w', head: { name: 'feature' }, remotes: [] }, 'origin');
  assert.match(warning ?? '', /feature has no upstream/);
  assert.match(warning ?? '', /git push -u origin feature/);
  assert.equal(unpushedCommitsWarning({ root: '/w', head: { name: 'main', upstream: { remote: 'origin', name: 'main' }, ahead: 0 }, remotes: [] }, 'origin'), undefined);
});

test('the active editor\'s repository comes first, deepest root first, order kept otherwise', () => {
  const candidates = [{ root: '/w/a' }, { root: '/w/b' }, { root: '/w/b/nested' }];
  assert.deepEqual(preferRepositoryOf(candidates, '/w/b/nested/src/x.ts').map((c) => c.root), ['/w/b/nested', '/w/b', '/w/a']);
  assert.deepEqual(preferRepositoryOf(candidates, '/w/bb/x.ts').map((c) => c.root), ['/w/a', '/w/b', '/w/b/nested']);
  assert.deepEqual(preferRepositoryOf(candidates, undefined).map((c) => c.root), ['/w/a', '/w/b', '/w/b/nested']);
});
