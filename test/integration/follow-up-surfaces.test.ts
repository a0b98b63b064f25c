// Follow-ups from the CLI (the real bundle) and from `POST /code` (the real server): a prompt on PR #N
// adds exactly one commit to #N's branch, opens no PR, and leaves the base alone.

import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runProcess } from '../../src/core/process/run-process';
import { ensureCliBuilt, runCli } from '../support/cli-runner';
import { startGitHubStandIn, type GitHubStandIn } from '../support/github-stand-in';
import { readSse, startServerHarness } from '../support/server-harness';

async function commitsBetween(standIn: GitHubStandIn, owner: string, repo: string, from: string, to: string): Promise<number> {
  const result = await runProcess(['git', '--git-dir', path.join(standIn.root, 'repos', owner, `${repo}.git`), 'rev-list', '--count', `${from}..${to}`], { env: { PATH: process.env.PATH ?? '' } });
  assert.equal(result.exitCode, 0, result.stderr);
  return Number(result.stdout.trim());
}

async function pullOn(standIn: GitHubStandIn, repo: string): Promise<{ number: number; headSha: string; baseSha: string }> {
  const baseSha = (await standIn.branchSha('octo', repo, 'main')) ?? '';
  const headSha = await standIn.commitFiles('octo', repo, 'feature', { 'NOTES.md': 'first draft\n' }, { from: 'main' });
  const number = await standIn.openPull('octo', repo, { head: 'feature', title: 'Add notes' });
  return { number, headSha, baseSha };
}

describe('follow-ups from the CLI and the server', () => {
  let work: string;
  let standIn: GitHubStandIn;

  before(async () => {
    await ensureCliBuilt();
    work = await mkdtemp(path.join(tmpdir(), 'tb-follow-up-cli-'));
    await mkdir(path.join(work, 'tmp'));
    standIn = await startGitHubStandIn();
  });
  after(async () => {
    await standIn.close();
    await rm(work, { recursive: true, force: true });
  });

  it('CLI: run --pr N --prompt adds exactly one commit to the PR branch', async () => {
    await standIn.createRepo('octo', 'cli', { files: { 'README.md': 'Hello\n' } });
    const { number, headSha, baseSha } = await pullOn(standIn, 'cli');
    const env = { PATH: process.env.PATH, HOME: work, TMPDIR: path.join(work, 'tmp'), TINY_BACKSPACE_LOG_DIR: path.join(work, 'logs'), GITHUB_TOKEN: standIn.token, TINY_BACKSPACE_GITHUB_URL: standIn.url, TINY_BACKSPACE_SANDBOX: 'local' };
    const result = await runCli(['run', '--repo', `${standIn.url}/octo/cli`, '--pr', String(number), '--prompt', 'append "second draft" to NOTES.md'], env);
    assert.equal(result.exitCode, 0, result.stderr + result.stdout);
    assert.match(result.stdout, new RegExp(`/octo/cli/pull/${number}`));
    const newHead = (await standIn.branchSha('octo', 'cli', 'feature')) ?? '';
    assert.equal(await commitsBetween(standIn, 'octo', 'cli', headSha, newHead), 1);
    assert.equal(await standIn.branchSha('octo', 'cli', 'main'), baseSha);
    assert.equal(standIn.pulls('octo', 'cli').length, 1);
    assert.deepEqual(await standIn.branches('octo', 'cli'), ['feature', 'main']);
  });

  it('CLI: bad follow-up arguments get a usage error naming the fix', async () => {
    const env = { PATH: process.env.PATH, HOME: work, TMPDIR: path.join(work, 'tmp') };
    const noPr = await runCli(['run', '--repo', `${standIn.url}/octo/cli`, '--address-review'], env);
    assert.equal(noPr.exitCode, 2);
    assert.match(noPr.stderr, /--address-review needs --pr <number>/);
    const badPr = await runCli(['run', '--repo', `${standIn.url}/octo/cli`, '--pr', 'abc', '--prompt', 'x'], env);
    assert.equal(badPr.exitCode, 2);
    assert.match(badPr.stderr, /--pr must be a pull request number or URL/);
  });

  it('server: POST /code {repoUrl, prompt, pullRequest} adds exactly one commit to the PR branch', async (t) => {
    const harness = await startServerHarness({ repos: ['widgets'] });
    t.after(() => harness.close());
    const { number, headSha, baseSha } = await pullOn(harness.github, 'widgets');
    const response = await harness.call('/code', { method: 'POST', json: { repoUrl: harness.repoUrl(), prompt: 'append "second draft" to NOTES.md', pullRequest: number } });
    assert.equal(response.status, 200);
    const reading = await readSse(response);
    const terminal = reading.events.at(-1);
    assert.equal(terminal?.kind, 'completed', JSON.stringify(terminal));
    assert.equal(terminal?.kind === 'completed' && terminal.pr_number, number);
    const newHead = (await harness.github.branchSha('octo', 'widgets', 'feature')) ?? '';
    assert.equal(await commitsBetween(harness.github, 'octo', 'widgets', headSha, newHead), 1);
    assert.equal(await harness.github.branchSha('octo', 'widgets', 'main'), baseSha);
    assert.equal(harness.github.pulls('octo', 'widgets').length, 1);

    const openapi = (await (await harness.call('/openapi.json')).json()) as { components: { schemas: { RunRequest: { properties: Record<string, { description?: string; type?: string }> } } } };
    const properties = openapi.components.schemas.RunRequest.properties;
    assert.equal(properties.pullRequest?.type, 'integer');
    assert.match(properties.pullRequest?.description ?? '', /one new commit on its head branch/);
    assert.equal(properties.addressReview?.type, 'boolean');

    const invalid = await harness.call('/code', { method: 'POST', json: { repoUrl: harness.repoUrl(), addressReview: true } });
    assert.equal(invalid.status, 400);
    assert.match(JSON.stringify(await invalid.json()), /addressReview needs pullRequest/);
  });
});
