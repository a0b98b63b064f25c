// The GitHub stand-in must behave like GitHub for the real clients the product uses: the git CLI over
// smart HTTP (token only in env-delivered config) and Octokit with its retry/throttling plugins.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import {
  lostResponseFault,
  primaryRateLimitFault,
  secondaryRateLimitFault,
  startGitHubStandIn,
  type GitHubStandIn,
} from '../support/github-stand-in.js';

const execFileAsync = promisify(execFile);
const quietLog = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const INITIAL_FILES = { 'README.md': '# widgets\n', 'src/index.ts': 'export const answer = 42;\n' };

let standIn: GitHubStandIn;
let workDir: string;
let initialSha: string;
let cloneCount = 0;

interface GitOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

interface HttpError {
  status: number;
  response?: { data: unknown; headers: Record<string, string | number | undefined> };
}

function isHttpError(error: unknown): error is HttpError {
  return error instanceof Error && typeof (error as { status?: unknown }).status === 'number';
}

/** Host git config and askpass helpers (e.g. VS Code's) are kept out; the token travels only in env. */
function gitEnv(token: string | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('GIT_') && key !== 'SSH_ASKPASS') env[key] = value;
  }
  Object.assign(env, {
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    GIT_AUTHOR_NAME: 'Test',
    GIT_AUTHOR_EMAIL: 'test@example.invalid',
    GIT_COMMITTER_NAME: 'Test',
    GIT_COMMITTER_EMAIL: 'test@example.invalid',
  });
  if (token !== undefined) {
    const basic = Buffer.from(`x-access-token:${token}`).toString('base64');
    Object.assign(env, { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}` });
  }
  return env;
}

async function git(args: string[], options: { cwd?: string; token?: string } = {}): Promise<GitOutcome> {
  try {
    const { stdout, stderr } = await execFileAsync('git', args, { cwd: options.cwd, env: gitEnv(options.token) });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: unknown; stderr?: unknown };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, stdout: String(failed.stdout), stderr: String(failed.stderr) };
  }
}

async function clone(repo: string, token: string | undefined): Promise<{ dir: string; outcome: GitOutcome }> {
  const dir = path.join(workDir, `clone-${++cloneCount}`);
  const outcome = await git(['clone', '--quiet', `${standIn.url}/${repo}.git`, dir], token === undefined ? {} : { token });
  return { dir, outcome };
}

/** Clones with the token, commits `changes` on a new branch and pushes it; returns the commit sha. */
async function pushBranch(repo: string, branch: string, changes: Record<string, string>): Promise<string> {
  const { dir, outcome } = await clone(repo, standIn.token);
  assert.equal(outcome.code, 0, outcome.stderr);
  await git(['checkout', '--quiet', '-b', branch], { cwd: dir });
  for (const [file, content] of Object.entries(changes)) await writeFile(path.join(dir, file), content);
  assert.equal((await git(['commit', '--quiet', '-am', `change on ${branch}`], { cwd: dir })).code, 0);
  const pushed = await git(['push', '--quiet', 'origin', branch], { cwd: dir, token: standIn.token });
  assert.equal(pushed.code, 0, pushed.stderr);
  return (await git(['rev-parse', 'HEAD'], { cwd: dir })).stdout.trim();
}

/** `null` means anonymous. */
function octokit(auth: string | null = standIn.token): Octokit {
  return new Octokit({ baseUrl: standIn.apiUrl, log: quietLog, ...(auth === null ? {} : { auth }) });
}

function statusesOf(method: string, pathPrefix: string, since = 0): (number | undefined)[] {
  return standIn.requests.slice(since).filter((r) => r.method === method && r.path.startsWith(pathPrefix)).map((r) => r.status);
}

before(async () => {
  standIn = await startGitHubStandIn();
  workDir = await mkdtemp(path.join(tmpdir(), 'github-stand-in-test-'));
  ({ headSha: initialSha } = await standIn.createRepo('acme', 'widgets', { files: INITIAL_FILES }));
  await standIn.createRepo('acme', 'secret', { private: true, files: { 'SECRET.md': 'hush\n' } });
  await standIn.createRepo('acme', 'readonly', { pushAllowed: false, files: { 'a.txt': 'a\n' } });
});

after(async () => {
  await standIn.close();
  await rm(workDir, { recursive: true, force: true });
});

test('git clones with an env-only token and a pushed branch lands in the bare repository', async () => {
  const { dir, outcome } = await clone('acme/widgets', standIn.token);
  assert.equal(outcome.code, 0, outcome.stderr);
  assert.equal(await readFile(path.join(dir, 'src/index.ts'), 'utf8'), INITIAL_FILES['src/index.ts']);
  assert.ok(!(await readFile(path.join(dir, '.git/config'), 'utf8')).includes(standIn.token), 'token must not reach disk');
  const discovery = standIn.requests.find((r) => r.path.startsWith('/acme/widgets.git/info/refs?service=git-upload-pack'));
  assert.match(String(discovery?.headers['authorization']), /^Basic /);

  await git(['checkout', '--quiet', '-b', 'tb/first'], { cwd: dir });
  await writeFile(path.join(dir, 'src/index.ts'), 'export const answer = 43;\n');
  await writeFile(path.join(dir, 'NEW.md'), 'new\n');
  await git(['add', '-A'], { cwd: dir });
  await git(['commit', '--quiet', '-m', 'edit'], { cwd: dir });
  const pushed = await git(['push', '--quiet', 'origin', 'tb/first'], { cwd: dir, token: standIn.token });
  assert.equal(pushed.code, 0, pushed.stderr);

  const localSha = (await git(['rev-parse', 'HEAD'], { cwd: dir })).stdout.trim();
  assert.deepEqual(await standIn.branches('acme', 'widgets'), ['main', 'tb/first']);
  assert.equal(await standIn.branchSha('acme', 'widgets', 'tb/first'), localSha);
  assert.deepEqual(await standIn.readBranchFiles('acme', 'widgets', 'tb/first'), {
    'NEW.md': 'new\n',
    'README.md': INITIAL_FILES['README.md'],
    'src/index.ts': 'export const answer = 43;\n',
  });
  assert.equal(await standIn.branchSha('acme', 'widgets', 'main'), initialSha, 'main is untouched');
});

test('Octokit reads the user, repository and refs backed by the real repository', async () => {
  const client = octokit();
  const user = await client.rest.users.getAuthenticated();
  assert.equal(user.data.login, standIn.login);
  const repo = await client.rest.repos.get({ owner: 'acme', repo: 'widgets' });
  assert.equal(repo.data.full_name, 'acme/widgets');
  assert.equal(repo.data.default_branch, 'main');
  assert.equal(repo.data.clone_url, `${standIn.url}/acme/widgets.git`);
  assert.deepEqual(repo.data.permissions && { push: repo.data.permissions.push, pull: repo.data.permissions.pull }, { push: true, pull: true });
  assert.equal(repo.headers['x-ratelimit-resource'], 'core');
  assert.equal(Number(repo.headers['x-ratelimit-limit']) - Number(repo.headers['x-ratelimit-remaining']), Number(repo.headers['x-ratelimit-used']));

  const sha = await pushBranch('acme/widgets', 'feature/slash', { 'README.md': 'slashed\n' });
  const ref = await client.rest.git.getRef({ owner: 'acme', repo: 'widgets', ref: 'heads/feature/slash' });
  assert.equal(ref.data.object.sha, sha);
  const branch = await client.rest.repos.getBranch({ owner: 'acme', repo: 'widgets', branch: 'feature/slash' });
  assert.equal(branch.data.commit.sha, sha);
  await assert.rejects(client.rest.repos.getBranch({ owner: 'acme', repo: 'widgets', branch: 'nope' }), (e) => isHttpError(e) && e.status === 404);
});

test('pull requests: created for a pushed branch, refused when duplicate, unpushed, empty or incomplete', async () => {
  const client = octokit();
  const headSha = await pushBranch('acme/widgets', 'tb/pr', { 'README.md': '# widgets, improved\n' });
  const created = await client.rest.pulls.create({ owner: 'acme', repo: 'widgets', title: 'Improve', head: 'tb/pr', base: 'main', body: 'Why', draft: true });
  assert.equal(created.status, 201);
  assert.equal(created.data.html_url, `${standIn.url}/acme/widgets/pull/${created.data.number}`);
  assert.equal(created.data.state, 'open');
  assert.equal(created.data.draft, true);
  assert.equal(created.data.head.ref, 'tb/pr');
  assert.equal(created.data.head.sha, headSha);
  assert.equal(created.data.head.label, 'acme:tb/pr');
  assert.equal(created.data.base.sha, initialSha);
  assert.deepEqual(standIn.pulls('acme', 'widgets').find((p) => p.number === created.data.number), {
    number: created.data.number, title: 'Improve', body: 'Why', head: 'tb/pr', base: 'main', headSha, draft: true, state: 'open', htmlUrl: created.data.html_url,
  });

  await assert.rejects(client.rest.pulls.create({ owner: 'acme', repo: 'widgets', title: 'Again', head: 'acme:tb/pr', base: 'main' }), (e) => {
    assert.ok(isHttpError(e));
    assert.equal(e.status, 422);
    assert.deepEqual(e.response?.data, {
      message: 'Validation Failed',
      errors: [{ resource: 'PullRequest', code: 'custom', message: 'A pull request already exists for acme:tb/pr.' }],
      documentation_url: 'https://docs.github.com/rest/pulls/pulls#create-a-pull-request',
      status: '422',
    });
    return true;
  });
  const found = await client.rest.pulls.list({ owner: 'acme', repo: 'widgets', head: 'acme:tb/pr', base: 'main', state: 'open' });
  assert.deepEqual(found.data.map((p) => p.number), [created.data.number]);
  assert.deepEqual((await client.rest.pulls.list({ owner: 'acme', repo: 'widgets', head: 'acme:other' })).data, []);
  assert.equal((await client.rest.pulls.get({ owner: 'acme', repo: 'widgets', pull_number: created.data.number })).data.title, 'Improve');

  const invalidHead = (e: unknown): boolean =>
    isHttpError(e) && e.status === 422 && JSON.stringify(e.response?.data).includes('{"resource":"PullRequest","field":"head","code":"invalid"}');
  await assert.rejects(client.rest.pulls.create({ owner: 'acme', repo: 'widgets', title: 'Ghost', head: 'tb/never-pushed', base: 'main' }), invalidHead);
  await assert.rejects(client.rest.pulls.create({ owner: 'acme', repo: 'widgets', title: 'Fork', head: 'someone:tb/pr', base: 'main' }), invalidHead);
  await assert.rejects(client.rest.pulls.create({ owner: 'acme', repo: 'widgets', head: 'tb/pr', base: 'main' }), (e) =>
    isHttpError(e) && e.status === 422 && JSON.stringify(e.response?.data).includes('"field":"title","code":"missing_field"'));
  await assert.rejects(client.rest.pulls.create({ owner: 'acme', repo: 'widgets', title: 'Empty', head: 'main', base: 'main' }), (e) =>
    isHttpError(e) && e.status === 422 && JSON.stringify(e.response?.data).includes('No commits between main and main'));
  assert.equal(standIn.pulls('acme', 'widgets').length, 1, 'refused requests create nothing');
});

test('anonymous, bad-token and private access are refused the way GitHub refuses them', async () => {
  const anonymous = await clone('acme/widgets', undefined);
  assert.equal(anonymous.outcome.code, 0, 'public repositories clone anonymously');
  await git(['checkout', '--quiet', '-b', 'tb/anon'], { cwd: anonymous.dir });
  const mark = standIn.requests.length;
  const anonPush = await git(['push', '--quiet', 'origin', 'tb/anon'], { cwd: anonymous.dir });
  assert.notEqual(anonPush.code, 0);
  assert.deepEqual(statusesOf('GET', '/acme/widgets.git/info/refs?service=git-receive-pack', mark), [401]);
  assert.equal(standIn.requests[mark]?.headers['authorization'], undefined);
  assert.ok(!(await standIn.branches('acme', 'widgets')).includes('tb/anon'));

  const badToken = await git(['clone', '--quiet', `${standIn.url}/acme/widgets.git`, path.join(workDir, 'bad')], { token: 'ghs_wrong' });
  assert.notEqual(badToken.code, 0);
  assert.equal(standIn.requests.at(-1)?.status, 401);
  await assert.rejects(octokit('ghs_wrong').rest.repos.get({ owner: 'acme', repo: 'widgets' }), (e) =>
    isHttpError(e) && e.status === 401 && (e.response?.data as { message?: string }).message === 'Bad credentials');

  const privateAnon = await clone('acme/secret', undefined);
  assert.notEqual(privateAnon.outcome.code, 0);
  assert.equal(standIn.requests.at(-1)?.status, 401);
  await assert.rejects(octokit(null).rest.repos.get({ owner: 'acme', repo: 'secret' }), (e) => isHttpError(e) && e.status === 404);
  assert.equal((await octokit().rest.repos.get({ owner: 'acme', repo: 'secret' })).data.private, true);
  assert.equal((await clone('acme/secret', standIn.token)).outcome.code, 0);
  await assert.rejects(octokit().rest.repos.get({ owner: 'acme', repo: 'missing' }), (e) => isHttpError(e) && e.status === 404);
});

test('a token without push permission gets 403 from git push and from PR creation', async () => {
  const { dir, outcome } = await clone('acme/readonly', standIn.token);
  assert.equal(outcome.code, 0, outcome.stderr);
  await git(['checkout', '--quiet', '-b', 'tb/denied'], { cwd: dir });
  const push = await git(['push', '--quiet', 'origin', 'tb/denied'], { cwd: dir, token: standIn.token });
  assert.notEqual(push.code, 0);
  assert.match(push.stderr, /403/);
  assert.deepEqual(await standIn.branches('acme', 'readonly'), ['main']);
  const repo = await octokit().rest.repos.get({ owner: 'acme', repo: 'readonly' });
  assert.equal(repo.data.permissions?.push, false);
  await assert.rejects(octokit().rest.pulls.create({ owner: 'acme', repo: 'readonly', title: 't', head: 'main', base: 'main' }), (e) =>
    isHttpError(e) && e.status === 403);
});

test('faults: primary limit surfaces to plain Octokit, secondary limit is retried by the plugins', async () => {
  const createPath = '/api/v3/repos/acme/widgets/pulls';
  standIn.injectFault(primaryRateLimitFault((method, p) => method === 'GET' && p === '/api/v3/user'));
  await assert.rejects(octokit().rest.users.getAuthenticated(), (e) =>
    isHttpError(e) && e.status === 403 && e.response?.headers['x-ratelimit-remaining'] === '0');
  assert.equal((await octokit().rest.users.getAuthenticated()).status, 200, 'a fault with times: 1 answers once');

  await pushBranch('acme/widgets', 'tb/throttled', { 'README.md': 'throttled\n' });
  standIn.injectFault(secondaryRateLimitFault((method, p) => method === 'POST' && p === createPath, { retryAfterSeconds: 1 }));
  const retried: number[] = [];
  const Throttled = Octokit.plugin(retry, throttling);
  const client = new Throttled({
    baseUrl: standIn.apiUrl,
    auth: standIn.token,
    log: quietLog,
    throttle: {
      onRateLimit: () => false,
      onSecondaryRateLimit: (retryAfter: number, _options: unknown, _octokit: unknown, retryCount: number) => {
        retried.push(retryAfter);
        return retryCount < 1;
      },
    },
  });
  const mark = standIn.requests.length;
  const started = Date.now();
  const created = await client.rest.pulls.create({ owner: 'acme', repo: 'widgets', title: 'Throttled', head: 'tb/throttled', base: 'main' });
  assert.equal(created.status, 201);
  assert.deepEqual(retried, [1]);
  // retry-after is honoured; plugin-throttling also spaces "notification" writes like POST /pulls by 3 s.
  assert.ok(Date.now() - started >= 900, 'the retry waited for retry-after');
  assert.deepEqual(statusesOf('POST', createPath, mark), [403, 201]);
});

test('a PR created behind a lost 502 response is found again by its head', async () => {
  const createPath = '/api/v3/repos/acme/widgets/pulls';
  await pushBranch('acme/widgets', 'tb/lost', { 'README.md': 'lost\n' });
  standIn.injectFault(lostResponseFault((method, p) => method === 'POST' && p === createPath));
  const client = octokit();
  const request = { owner: 'acme', repo: 'widgets', title: 'Lost', head: 'tb/lost', base: 'main' };
  await assert.rejects(client.rest.pulls.create(request), (e) => isHttpError(e) && e.status === 502);
  const recorded = standIn.pulls('acme', 'widgets').filter((p) => p.head === 'tb/lost');
  assert.equal(recorded.length, 1, 'the server created the PR although the client saw 502');
  await assert.rejects(client.rest.pulls.create(request), (e) => isHttpError(e) && e.status === 422);
  const found = await client.rest.pulls.list({ owner: 'acme', repo: 'widgets', head: 'acme:tb/lost', state: 'open' });
  assert.deepEqual(found.data.map((p) => p.html_url), [recorded[0]?.htmlUrl]);
});

test('createRepo commits a thousand nested files and close() removes everything', async () => {
  const own = await startGitHubStandIn({ token: 'ghs_fixed', login: 'bot' });
  const files: Record<string, string> = {};
  for (let i = 0; i < 1000; i++) files[`pkg${i % 10}/dir${i % 7}/file-${i}.txt`] = `content ${i}\n`;
  files['odd dir/qu"ote\\ é.txt'] = 'ünïcode\n';
  // No timing assertion (the brief forbids them; it flaked under load): the content checks below are the test.
  const { barePath, headSha } = await own.createRepo('big', 'tree', { defaultBranch: 'trunk', files });
  assert.match(headSha, /^[0-9a-f]{40}$/);
  assert.equal(await own.branchSha('big', 'tree', 'trunk'), headSha);
  assert.deepEqual(await own.readBranchFiles('big', 'tree', 'trunk'), files);
  assert.equal(own.token, 'ghs_fixed');
  await assert.rejects(own.createRepo('big', 'tree', { files: {} }), /already exists/);
  await assert.rejects(own.createRepo('big', 'escape', { files: { '../x': 'x' } }), /invalid repository file path/);

  await own.close();
  await assert.rejects(access(barePath));
  await assert.rejects(access(own.root));
  await assert.rejects(fetch(`${own.apiUrl}/user`));
});

test('a PR body or title over GitHub’s limits is refused with GitHub’s 422, counted in characters', async () => {
  const client = octokit();
  await pushBranch('acme/widgets', 'tb/long', { 'README.md': '# long\n' });
  const tooLong = (field: string, limit: number) => (e: unknown): boolean =>
    isHttpError(e) && e.status === 422 && JSON.stringify(e.response?.data).includes(`"field":"${field}","message":"${field} is too long (maximum is ${limit} characters)"`);
  // 65,536 emoji are 131,072 UTF-16 units but 65,536 characters: accepted, as on GitHub.
  await assert.rejects(client.rest.pulls.create({ owner: 'acme', repo: 'widgets', title: 'Long', head: 'tb/long', base: 'main', body: 'x'.repeat(65_537) }), tooLong('body', 65_536));
  await assert.rejects(client.rest.pulls.create({ owner: 'acme', repo: 'widgets', title: 't'.repeat(257), head: 'tb/long', base: 'main' }), tooLong('title', 256));
  const created = await client.rest.pulls.create({ owner: 'acme', repo: 'widgets', title: 'Long', head: 'tb/long', base: 'main', body: '😀'.repeat(65_536) });
  assert.equal(created.status, 201);
  await assert.rejects(client.rest.pulls.update({ owner: 'acme', repo: 'widgets', pull_number: created.data.number, body: 'y'.repeat(70_000) }), tooLong('body', 65_536));
});

test('a branch is deleted through the refs API: 204, then 422 "Reference does not exist"; the default branch is refused', async () => {
  const client = octokit();
  await pushBranch('acme/widgets', 'tb/to-delete', { 'README.md': '# deleted soon\n' });
  const deleted = await client.rest.git.deleteRef({ owner: 'acme', repo: 'widgets', ref: 'heads/tb/to-delete' });
  assert.equal(deleted.status, 204);
  assert.equal(await standIn.branchSha('acme', 'widgets', 'tb/to-delete'), undefined);
  await assert.rejects(client.rest.git.deleteRef({ owner: 'acme', repo: 'widgets', ref: 'heads/tb/to-delete' }), (e) => isHttpError(e) && e.status === 422 && /Reference does not exist/.test(JSON.stringify(e.response?.data)));
  await assert.rejects(client.rest.git.deleteRef({ owner: 'acme', repo: 'widgets', ref: 'heads/main' }), (e) => isHttpError(e) && e.status === 422);
  await assert.rejects(octokit(null).rest.git.deleteRef({ owner: 'acme', repo: 'widgets', ref: 'heads/main' }), (e) => isHttpError(e) && e.status === 401);
  await assert.rejects(client.rest.git.deleteRef({ owner: 'acme', repo: 'readonly', ref: 'heads/main' }), (e) => isHttpError(e) && e.status === 403);
});

test('files keep their modes and bytes: executables, symlinks and binary content', async () => {
  const bytes = Buffer.from([0x00, 0xff, 0x10, 0x80]);
  await standIn.createRepo('acme', 'modes', { files: { 'run.sh': { content: '#!/bin/sh\n', mode: '100755' }, link: { content: 'run.sh', mode: '120000' }, 'blob.bin': { content: bytes } } });
  const tree = await standIn.readBranchTree('acme', 'modes', 'main');
  assert.deepEqual(tree.map(({ path: file, mode }) => [file, mode]), [['blob.bin', '100644'], ['link', '120000'], ['run.sh', '100755']]);
  assert.ok(tree[0]?.bytes.equals(bytes));
  assert.equal(tree[1]?.bytes.toString(), 'run.sh');
});
