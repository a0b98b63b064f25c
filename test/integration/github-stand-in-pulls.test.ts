// The stand-in's follow-up surface (issue 15) refuses what GitHub refuses: unknown PRs, replies to
// comments that do not exist, anonymous GraphQL, and pushes to a fork branch without maintainer edits.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Octokit } from '@octokit/rest';
import { runProcess } from '../../src/core/process/run-process';
import { startGitHubStandIn, type GitHubStandIn } from '../support/github-stand-in';

describe('GitHub stand-in: pulls, threads, replies and forks', () => {
  let github: GitHubStandIn;
  let octokit: Octokit;
  let work: string;

  before(async () => {
    github = await startGitHubStandIn();
    octokit = new Octokit({ auth: github.token, baseUrl: github.apiUrl, log: { debug() {}, info() {}, warn() {}, error() {} } });
    work = await mkdtemp(path.join(tmpdir(), 'tb-stand-in-pulls-'));
    await github.createRepo('octo', 'lib', { files: { 'a.txt': 'one\ntwo\nthree\n', 'b.txt': 'bee\n' } });
  });
  after(async () => {
    await github.close();
    await rm(work, { recursive: true, force: true });
  });

  async function push(owner: string, ref: string, sha: string): Promise<{ code: number; output: string }> {
    const clone = path.join(work, `clone-${Math.random().toString(36).slice(2)}`);
    const env = { PATH: process.env.PATH ?? '', HOME: work, GIT_CONFIG_NOSYSTEM: '1' };
    const auth = ['-c', `http.extraHeader=Authorization: Basic ${Buffer.from(`x-access-token:${github.token}`).toString('base64')}`];
    await runProcess(['git', ...auth, 'clone', '--quiet', `${github.url}/${owner}/lib.git`, clone], { env });
    await runProcess(['git', '-C', clone, ...auth, 'fetch', '--quiet', `${github.url}/octo/lib.git`, 'refs/heads/*:refs/remotes/up/*'], { env });
    const result = await runProcess(['git', '-C', clone, ...auth, 'push', '--porcelain', 'origin', `${sha}:${ref}`], { env });
    return { code: result.exitCode, output: `${result.stdout}${result.stderr}` };
  }

  it('pulls: GET by number with fork head, maintainer_can_modify and merged; 404 for an unknown number; files from the merge base', async () => {
    await github.forkRepo('octo', 'lib', 'fan', { pushAllowed: false });
    const head = await github.commitFiles('fan', 'lib', 'topic', { 'a.txt': 'one\nTWO\nthree\n' }, { from: 'main' });
    await github.commitFiles('octo', 'lib', 'main', { 'b.txt': 'bee and more\n' });
    const number = await github.openPull('octo', 'lib', { head: 'topic', headOwner: 'fan', title: 'Shout two', maintainerCanModify: true });
    const { data } = await octokit.rest.pulls.get({ owner: 'octo', repo: 'lib', pull_number: number });
    assert.equal(data.head.sha, head);
    assert.equal(data.head.repo?.full_name, 'fan/lib');
    assert.equal(data.head.repo?.fork, true);
    assert.equal(data.head.repo?.permissions?.push, false);
    assert.equal(data.maintainer_can_modify, true);
    assert.equal(data.merged, false);
    const files = await octokit.rest.pulls.listFiles({ owner: 'octo', repo: 'lib', pull_number: number });
    assert.deepEqual(files.data.map((file) => file.filename), ['a.txt'], 'the base moving on does not show in the PR diff');
    assert.match(files.data[0]?.patch ?? '', /^@@ .*\n one\n-two\n\+TWO/);
    await assert.rejects(octokit.rest.pulls.get({ owner: 'octo', repo: 'lib', pull_number: 999 }), { status: 404 });
    await assert.rejects(octokit.rest.pulls.listFiles({ owner: 'octo', repo: 'lib', pull_number: 999 }), { status: 404 });
  });

  it('fork pushes: only the head branch of a maintainer-editable PR, and only as a fast-forward', async () => {
    const sha = (await github.branchSha('fan', 'lib', 'topic')) ?? '';
    const next = await github.commitFiles('octo', 'lib', 'scratch', { 'c.txt': 'sea\n' }, { from: 'main' });
    const other = await push('fan', 'refs/heads/other', sha);
    assert.notEqual(other.code, 0);
    assert.match(other.output, /403|denied/);
    // A commit that is not a descendant of the branch tip: git refuses without --force.
    const nonFastForward = await push('fan', 'refs/heads/topic', next);
    assert.notEqual(nonFastForward.code, 0);
    assert.match(nonFastForward.output, /rejected|non-fast-forward|fetch first/);
    assert.equal(await github.branchSha('fan', 'lib', 'topic'), sha);

    const locked = await github.openPull('octo', 'lib', { head: 'topic', headOwner: 'fan', title: 'No edits', maintainerCanModify: false });
    github.setPullState('octo', 'lib', locked - 1, 'closed'); // the editable PR is gone: the fork is closed again
    const denied = await push('fan', 'refs/heads/topic', sha);
    assert.notEqual(denied.code, 0);
    assert.match(denied.output, /403|denied/);
  });

  it('review threads: GraphQL needs a token and reports isResolved; replies go only to existing review comments', async () => {
    await github.commitFiles('octo', 'lib', 'feat', { 'b.txt': 'bee!\n' }, { from: 'main' });
    const number = await github.openPull('octo', 'lib', { head: 'feat', title: 'Bee' });
    const open = await github.addReviewThread('octo', 'lib', number, { path: 'b.txt', line: 1, body: 'Why the bang?' });
    await github.addReviewThread('octo', 'lib', number, { path: 'b.txt', line: 1, body: 'ok', resolved: true });
    const query = 'query ($owner: String!, $repo: String!, $number: Int!, $cursor: String) { repository(owner: $owner, name: $repo) { pullRequest(number: $number) { reviewThreads(first: 1, after: $cursor) { pageInfo { hasNextPage endCursor } nodes { isResolved path line comments(first: 5) { nodes { databaseId body } } } } } } }';
    const anonymous = new Octokit({ baseUrl: github.apiUrl, log: { debug() {}, info() {}, warn() {}, error() {} } });
    await assert.rejects(anonymous.graphql(query, { owner: 'octo', repo: 'lib', number }), (error: { status?: number }) => error.status === 401);
    type Page = { repository: { pullRequest: { reviewThreads: { pageInfo: { hasNextPage: boolean; endCursor: string }; nodes: Array<{ isResolved: boolean; comments: { nodes: Array<{ databaseId: number }> } }> } } } };
    const first = await octokit.graphql<Page>(query, { owner: 'octo', repo: 'lib', number, cursor: null });
    assert.equal(first.repository.pullRequest.reviewThreads.nodes[0]?.isResolved, false);
    assert.equal(first.repository.pullRequest.reviewThreads.nodes[0]?.comments.nodes[0]?.databaseId, open);
    assert.equal(first.repository.pullRequest.reviewThreads.pageInfo.hasNextPage, true);
    const second = await octokit.graphql<Page>(query, { owner: 'octo', repo: 'lib', number, cursor: first.repository.pullRequest.reviewThreads.pageInfo.endCursor });
    assert.equal(second.repository.pullRequest.reviewThreads.nodes[0]?.isResolved, true);
    await assert.rejects(octokit.graphql(query, { owner: 'octo', repo: 'lib', number: 999, cursor: null }), /Could not resolve to a PullRequest/);

    const reply = await octokit.rest.pulls.createReplyForReviewComment({ owner: 'octo', repo: 'lib', pull_number: number, comment_id: open, body: 'Fixed in abc' });
    assert.equal(reply.status, 201);
    assert.equal(reply.data.in_reply_to_id, open);
    await assert.rejects(octokit.rest.pulls.createReplyForReviewComment({ owner: 'octo', repo: 'lib', pull_number: number, comment_id: 424242, body: 'x' }), { status: 422 });
    await assert.rejects(octokit.rest.pulls.createReplyForReviewComment({ owner: 'octo', repo: 'lib', pull_number: number, comment_id: reply.data.id, body: 'reply to a reply' }), { status: 422 });
    await assert.rejects(octokit.rest.pulls.createReplyForReviewComment({ owner: 'octo', repo: 'lib', pull_number: number, comment_id: open, body: '' }), { status: 422 });
    await assert.rejects(octokit.rest.pulls.createReplyForReviewComment({ owner: 'octo', repo: 'lib', pull_number: 999, comment_id: open, body: 'x' }), { status: 404 });
    await assert.rejects(anonymous.rest.pulls.createReplyForReviewComment({ owner: 'octo', repo: 'lib', pull_number: number, comment_id: open, body: 'x' }), { status: 401 });
    assert.equal(github.reviewThreads('octo', 'lib', number)[0]?.comments.length, 2);
  });
});
