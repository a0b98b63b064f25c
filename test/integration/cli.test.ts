import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runProcess } from '../../src/core/process/run-process';
import { RunEventSchema } from '../../src/protocol/run-events';
import { ensureCliBuilt, runCli } from '../support/cli-runner';
import { startGitHubStandIn, type GitHubStandIn } from '../support/github-stand-in';

async function git(cwd: string, ...args: string[]): Promise<string> {
  const result = await runProcess(['git', '-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: cwd, GIT_CONFIG_NOSYSTEM: '1' },
  });
  if (result.exitCode !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout.trim();
}

describe('tiny-backspace CLI', () => {
  let work: string;
  let standIn: GitHubStandIn;
  let baseEnv: NodeJS.ProcessEnv;

  before(async () => {
    await ensureCliBuilt();
    work = await mkdtemp(path.join(tmpdir(), 'tb-cli-test-'));
    await mkdir(path.join(work, 'tmp'));
    standIn = await startGitHubStandIn();
    baseEnv = { PATH: process.env.PATH, HOME: work, TMPDIR: path.join(work, 'tmp'), TINY_BACKSPACE_LOG_DIR: path.join(work, 'logs') };
  });
  after(async () => {
    await standIn.close();
    await rm(work, { recursive: true, force: true });
  });

  it('on a local repository, creates a branch, prints the patch, and leaves the working tree and checked-out branch untouched', async () => {
    const repo = path.join(work, 'local-repo');
    await mkdir(path.join(repo, 'src'), { recursive: true });
    await git(repo, 'init', '-q', '-b', 'main');
    await writeFile(path.join(repo, 'README.md'), 'Hello world\n');
    await writeFile(path.join(repo, 'src', 'index.js'), 'export const greeting = "Hello";\n');
    await git(repo, 'add', '.');
    await git(repo, 'commit', '-qm', 'initial');
    await git(repo, 'checkout', '-q', '-b', 'feature');
    await writeFile(path.join(repo, 'README.md'), 'Hello world\nuncommitted edit\n');
    await writeFile(path.join(repo, 'scratch.txt'), 'untracked\n');
    const statusBefore = await git(repo, 'status', '--porcelain');
    const headBefore = await git(repo, 'rev-parse', 'HEAD');

    const result = await runCli(['run', '--repo', repo, '--prompt', 'replace "Hello" with "Howdy" in src'], baseEnv);
    assert.equal(result.exitCode, 0, result.stderr + result.stdout);
    assert.match(result.stdout, /Created branch tiny-backspace\/replace-hello-howdy-src-[a-z0-9]{8}/);
    assert.match(result.stdout, /^-export const greeting = "Hello";$/m);
    assert.match(result.stdout, /^\+export const greeting = "Howdy";$/m);

    assert.equal(await git(repo, 'status', '--porcelain'), statusBefore);
    assert.equal(await git(repo, 'rev-parse', 'HEAD'), headBefore);
    assert.equal(await git(repo, 'symbolic-ref', '--short', 'HEAD'), 'feature');
    assert.equal(await readFile(path.join(repo, 'README.md'), 'utf8'), 'Hello world\nuncommitted edit\n');
    const branch = (await git(repo, 'branch', '--list', 'tiny-backspace/*')).replace(/^[* ]+/, '');
    assert.equal(await git(repo, 'show', `${branch}:src/index.js`), 'export const greeting = "Howdy";');
    assert.equal(await git(repo, 'rev-parse', `${branch}^`), headBefore, 'the branch starts from the checked-out branch');
    // Only the repository cache outlives a run.
    assert.deepEqual((await readdir(path.join(work, 'tmp', 'tiny-backspace'))).filter((name) => name !== 'repo-cache'), []);
  });

  it('opens a pull request on the loopback GitHub, prints its URL last, and streams JSON events with --json', async () => {
    await standIn.createRepo('octo', 'cli', { files: { 'README.md': 'Hello world\n' } });
    const env = { ...baseEnv, GITHUB_TOKEN: standIn.token, TINY_BACKSPACE_GITHUB_URL: standIn.url, TINY_BACKSPACE_SANDBOX: 'local' };
    const human = await runCli(['run', '--repo', `${standIn.url}/octo/cli`, '--prompt', 'append "Made by the CLI" to README.md'], env);
    assert.equal(human.exitCode, 0, human.stderr + human.stdout);
    const pulls = standIn.pulls('octo', 'cli');
    assert.equal(pulls.length, 1);
    assert.equal(human.stdout.trim().split('\n').pop(), pulls[0]?.htmlUrl);
    assert.equal(human.stdout.includes(standIn.token) || human.stderr.includes(standIn.token), false);

    const json = await runCli(['run', '--json', '--repo', `${standIn.url}/octo/cli`, '--prompt', 'append "Again" to README.md'], env);
    assert.equal(json.exitCode, 0, json.stderr);
    const events = json.stdout.trim().split('\n').map((line) => RunEventSchema.parse(JSON.parse(line)));
    assert.equal(events[0]?.kind, 'run_started');
    const last = events[events.length - 1];
    assert.equal(last?.kind, 'completed');
    assert.equal(last?.kind === 'completed' && last.pr_url, standIn.pulls('octo', 'cli')[1]?.htmlUrl);
    assert.equal(json.stdout.includes(standIn.token), false);
  });

  it('exits 130 on Ctrl-C and leaves no temporary directory behind', async () => {
    await standIn.createRepo('octo', 'interrupt', { files: { 'README.md': 'Hello\n' } });
    const env = { ...baseEnv, GITHUB_TOKEN: standIn.token, TINY_BACKSPACE_GITHUB_URL: standIn.url };
    let signalled = false;
    const result = await runCli(['run', '--json', '--repo', `${standIn.url}/octo/interrupt`, '--prompt', 'append "x" to README.md'], env, (stdout, child) => {
      if (!signalled && stdout.includes('"step":"clone"')) {
        signalled = true;
        child.kill('SIGINT');
      }
    });
    assert.equal(signalled, true);
    assert.equal(result.exitCode, 130, result.stderr);
    const last = JSON.parse(result.stdout.trim().split('\n').pop() ?? '{}') as { kind?: string };
    assert.equal(last.kind, 'cancelled');
    // Only the repository cache outlives a run.
    assert.deepEqual((await readdir(path.join(work, 'tmp', 'tiny-backspace'))).filter((name) => name !== 'repo-cache'), []);
    assert.deepEqual(standIn.pulls('octo', 'interrupt'), []);
  });

  it('explains wrong usage with exit code 2', async () => {
    const missing = await runCli(['run', '--prompt', 'x'], baseEnv);
    assert.equal(missing.exitCode, 2);
    assert.match(missing.stderr, /--repo is required/);
    const unknown = await runCli(['frobnicate'], baseEnv);
    assert.equal(unknown.exitCode, 2);
    assert.match(unknown.stderr, /Unknown command "frobnicate"/);
    const badSandbox = await runCli(['run', '--repo', '.', '--prompt', 'x', '--sandbox', 'docker'], baseEnv);
    assert.equal(badSandbox.exitCode, 2);
    assert.match(badSandbox.stderr, /--sandbox must be auto, e2b or local/);
  });
});
