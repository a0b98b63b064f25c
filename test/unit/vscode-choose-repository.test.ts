import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hasCode } from '../../src/core/errors/tiny-backspace-error';
import {
  automaticChoice,
  baseBranchFor,
  noFolderError,
  noGitHubRemoteError,
  surveyRemotes,
  unpushedCommitsWarning,
  type RepositoryInfo,
} from '../../src/vscode/repo/choose-repository';

const fork: RepositoryInfo = {
  root: '/work/app',
  head: { name: 'feature', upstream: { remote: 'origin', name: 'feature' }, ahead: 0 },
  remotes: [
    { name: 'upstream', fetchUrl: 'https://github.com/octo/app.git' },
    { name: 'gitlab', fetchUrl: 'git@gitlab.com:octo/app.git' },
    { name: 'origin', fetchUrl: 'git@github.com:me/app.git' },
  ],
};

describe('choosing the repository and base branch', () => {
  it('lists GitHub remotes origin first and explains the others', () => {
    const { candidates, rejected } = surveyRemotes([fork], {});
    assert.deepEqual(
      candidates.map((candidate) => [candidate.remoteName, `${candidate.target.owner}/${candidate.target.repo}`]),
      [
        ['origin', 'me/app'],
        ['upstream', 'octo/app'],
      ],
    );
    assert.equal(rejected.length, 1);
    assert.equal(rejected[0]?.remoteName, 'gitlab');
    assert.match(rejected[0]?.reason ?? '', /gitlab\.com.*neither github\.com nor the configured GitHub Enterprise host/);
  });

  it('uses the current branch upstream as base only on that remote; elsewhere the default branch', () => {
    const { candidates } = surveyRemotes([fork], {});
    assert.equal(candidates.find((candidate) => candidate.remoteName === 'origin')?.base, 'feature');
    assert.equal(candidates.find((candidate) => candidate.remoteName === 'upstream')?.base, undefined);
    assert.equal(baseBranchFor({ root: '/x', remotes: [] }, 'origin'), undefined);
  });

  it('warns about unpushed commits on the chosen remote only', () => {
    const ahead: RepositoryInfo = { ...fork, head: { name: 'main', upstream: { remote: 'origin', name: 'main' }, ahead: 2 } };
    assert.match(unpushedCommitsWarning(ahead, 'origin') ?? '', /main has 2 commits not pushed to origin.*origin\/main/);
    assert.equal(unpushedCommitsWarning(ahead, 'upstream'), undefined);
    assert.equal(unpushedCommitsWarning(fork, 'origin'), undefined);
    const { candidates } = surveyRemotes([ahead], {});
    assert.ok(candidates[0]?.unpushedWarning);
  });

  it('accepts remotes on the configured Enterprise host, including a loopback stand-in', () => {
    const repository: RepositoryInfo = {
      root: '/w',
      remotes: [
        { name: 'origin', fetchUrl: 'http://127.0.0.1:4567/octo/app.git' },
        { name: 'corp', fetchUrl: 'git@ghe.example.com:team/svc.git' },
      ],
    };
    assert.equal(surveyRemotes([repository], {}).candidates.length, 0);
    const loopback = surveyRemotes([repository], { enterpriseUrl: 'http://127.0.0.1:4567' });
    assert.deepEqual(loopback.candidates.map((candidate) => candidate.target.htmlUrl), ['http://127.0.0.1:4567/octo/app']);
    assert.equal(loopback.candidates[0]?.target.server.isEnterprise, true);
    const corp = surveyRemotes([repository], { enterpriseUrl: 'https://ghe.example.com' });
    assert.deepEqual(corp.candidates.map((candidate) => candidate.remoteName), ['corp']);
  });

  it('asks only when the choice is not clear, and never in automation', () => {
    const { candidates } = surveyRemotes([fork], {});
    assert.equal(automaticChoice(candidates, true), undefined);
    assert.equal(automaticChoice(candidates, false)?.remoteName, 'origin');
    assert.equal(automaticChoice(candidates.slice(1), true)?.remoteName, 'upstream');
  });

  it('gives every dead end a message and a remedy', () => {
    assert.ok(noFolderError().remedy?.includes('Open a folder'));
    const none = noGitHubRemoteError([{ root: '/w', remotes: [] }], []);
    assert.ok(hasCode(none, 'invalid_repository_url'));
    assert.match(none.remedy ?? '', /git remote add origin/);
    const elsewhere = noGitHubRemoteError([fork], [{ root: '/w', remoteName: 'origin', reason: 'on gitlab.com' }]);
    assert.ok(hasCode(elsewhere, 'unsupported_host'));
    assert.match(elsewhere.message, /origin: on gitlab\.com/);
    assert.match(elsewhere.remedy ?? '', /tinyBackspace\.github\.enterpriseUrl/);
  });

  it('spans several repositories, keeping each one root', () => {
    const other: RepositoryInfo = { root: '/work/lib', remotes: [{ name: 'origin', fetchUrl: 'https://github.com/octo/lib' }] };
    const { candidates } = surveyRemotes([fork, other], {});
    assert.deepEqual(
      candidates.map((candidate) => `${candidate.root}:${candidate.remoteName}`),
      ['/work/app:origin', '/work/app:upstream', '/work/lib:origin'],
    );
  });
});
