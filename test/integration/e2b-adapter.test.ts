// The E2B adapter with the real @e2b/code-interpreter SDK against the loopback E2B stand-in (control
// plane + envd over Connect JSON): create, import, streamed commands, non-zero exit, timeout, expiry,
// cancel, kill, and proof from the stand-in's records that no token or key ever reached "E2B".

import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { isAbortLike } from '../../src/core/errors/cancelled-error';
import { hasCode } from '../../src/core/errors/tiny-backspace-error';
import { createSandboxFactory } from '../../src/core/sandbox/create-sandbox';
import { E2bSandbox } from '../../src/core/sandbox/e2b-sandbox';
import type { Sandbox } from '../../src/core/sandbox/sandbox';
import { startE2bStandIn, type E2bStandIn } from '../support/e2b-stand-in.js';
import { FAKE_E2B_ADAPTER_ANTHROPIC_KEY, FAKE_E2B_ADAPTER_GITHUB_TOKEN, FAKE_E2B_ADAPTER_OPENAI_KEY } from '../support/fake-secrets';

const FAKE_SECRETS = {
  GITHUB_TOKEN: FAKE_E2B_ADAPTER_GITHUB_TOKEN,
  ANTHROPIC_API_KEY: FAKE_E2B_ADAPTER_ANTHROPIC_KEY,
  OPENAI_API_KEY: FAKE_E2B_ADAPTER_OPENAI_KEY,
};

let standIn: E2bStandIn;
let hostTree: string;
const logLines: string[] = [];
const opened: Sandbox[] = [];

async function openSandbox(signal = new AbortController().signal, extra: { timeoutMs?: number; apiKey?: string } = {}): Promise<E2bSandbox> {
  const factory = createSandboxFactory({
    e2bApiKey: async () => extra.apiKey ?? standIn.apiKey,
    e2b: { apiUrl: standIn.apiUrl, sandboxUrl: standIn.sandboxUrl, timeoutMs: extra.timeoutMs ?? 120_000 },
  });
  const sandbox = await factory({ mode: 'auto', hostWorkdir: hostTree, signal, log: (line) => logLines.push(line) });
  opened.push(sandbox);
  assert.ok(sandbox instanceof E2bSandbox, 'auto with a key must choose E2B');
  return sandbox;
}

function live(): AbortSignal {
  return new AbortController().signal;
}

function deletesOf(id: string): number {
  return standIn.requests.filter((request) => request.plane === 'api' && request.method === 'DELETE' && request.path === `/sandboxes/${id}`).length;
}

/** Polls a condition the system under test makes true on its own schedule (a renewal timer), bounded. */
async function eventually(condition: () => boolean, boundMs = 5_000): Promise<void> {
  const deadline = Date.now() + boundMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

before(async () => {
  Object.assign(process.env, FAKE_SECRETS);
  standIn = await startE2bStandIn();
  hostTree = await mkdtemp(path.join(tmpdir(), 'e2b-adapter-tree-'));
  await mkdir(path.join(hostTree, 'src', 'deep'), { recursive: true });
  await writeFile(path.join(hostTree, 'README.md'), '# demo\n');
  await writeFile(path.join(hostTree, 'src', 'deep', 'a file.txt'), 'spaces survive\n');
  await symlink('README.md', path.join(hostTree, 'LINK.md'));
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((sandbox) => sandbox.dispose()));
});

after(async () => {
  for (const name of Object.keys(FAKE_SECRETS)) delete process.env[name];
  await standIn.close();
  await rm(hostTree, { recursive: true, force: true });
});

describe('E2B adapter against the E2B stand-in', () => {
  test('creates a sandbox with the API key, a lifetime and no environment, and imports the checkout', async () => {
    const sandbox = await openSandbox();
    const created = standIn.requests.find((request) => request.plane === 'api' && request.method === 'POST' && request.path === '/v2/sandboxes');
    assert.ok(created);
    assert.equal(created.headers['x-api-key'], standIn.apiKey);
    const body = JSON.parse(created.body) as { templateID: string; timeout: number; envVars?: Record<string, string> };
    assert.equal(body.templateID, 'code-interpreter-v1');
    assert.equal(body.timeout, 120);
    assert.deepEqual(body.envVars ?? {}, {});

    await sandbox.importTree(hostTree, live());
    assert.deepEqual(await sandbox.listFiles('.', live()), ['LINK.md', 'README.md', 'src/']);
    assert.equal(await sandbox.readFile('src/deep/a file.txt', live()), 'spaces survive\n');
    const link = await sandbox.exec(['readlink', 'LINK.md'], { timeoutMs: 10_000, signal: live() });
    assert.equal(link.stdout.trim(), 'README.md', 'symlinks arrive as links');
    const leftovers = await sandbox.exec(['ls', '-A', '/home/user'], { timeoutMs: 10_000, signal: live() });
    assert.equal(leftovers.stdout.trim(), 'repo', 'the uploaded archive is removed after unpacking');
    assert.ok(logLines.some((line) => line.startsWith(`E2B sandbox ${sandbox.id} ready`)));
  });

  test('streams output, keeps argv words intact, honours cwd and env', async () => {
    const sandbox = await openSandbox();
    await sandbox.importTree(hostTree, live());
    const chunks: string[] = [];
    const result = await sandbox.exec(['bash', '-c', 'printf "%s|" "$@"; echo; pwd; echo "$GREETING"; echo oops >&2', 'bash', 'a b', "it's", '$HOME', '*'], {
      cwd: 'src/deep',
      env: { GREETING: 'hello from env' },
      timeoutMs: 10_000,
      signal: live(),
      onStdout: (chunk) => chunks.push(chunk),
    });
    assert.equal(result.exitCode, 0);
    assert.equal(result.stdout, `a b|it's|$HOME|*|\n/home/user/repo/src/deep\nhello from env\n`);
    assert.equal(result.stderr, 'oops\n');
    assert.equal(chunks.join(''), result.stdout, 'every byte was streamed to onStdout');
    assert.equal(result.timedOut, false);
  });

  test('a non-zero exit is a result, not an error', async () => {
    const sandbox = await openSandbox();
    await sandbox.importTree(hostTree, live());
    const result = await sandbox.exec(['bash', '-c', 'echo failing >&2; exit 3'], { timeoutMs: 10_000, signal: live() });
    assert.equal(result.exitCode, 3);
    assert.equal(result.stderr, 'failing\n');
  });

  test('at its timeout a command is killed and reported as timed out', async () => {
    const sandbox = await openSandbox();
    await sandbox.importTree(hostTree, live());
    const result = await sandbox.exec(['sleep', '30'], { timeoutMs: 400, signal: live() });
    assert.equal(result.timedOut, true);
    assert.equal(result.exitCode, 137);
    const sleeper = standIn.processes.find((process) => process.sandboxId === sandbox.id && process.args.at(-1) === 'sleep 30');
    assert.ok(sleeper?.killed, 'the adapter sent SIGKILL through envd');
    await eventually(() => standIn.liveProcesses().length === 0);
  });

  test('file operations: write, remove, protected paths refused', async () => {
    const sandbox = await openSandbox();
    await sandbox.importTree(hostTree, live());
    await sandbox.writeFile('src/new/added.txt', 'added\n', live());
    assert.equal(await sandbox.readFile('src/new/added.txt', live()), 'added\n');
    await sandbox.removeFile('src/new/added.txt', live());
    await sandbox.removeFile('src/new/added.txt', live());
    await assert.rejects(sandbox.readFile('src/new/added.txt', live()), { code: 'ENOENT' });
    await assert.rejects(sandbox.writeFile('.git/config', 'x', live()), (error) => hasCode(error, 'protected_path'));
    await assert.rejects(sandbox.readFile('../../etc/passwd', live()), (error) => hasCode(error, 'unsafe_path'));
  });

  test('expiry mid-run is a clear sandbox_expired error', async () => {
    const sandbox = await openSandbox();
    await sandbox.importTree(hostTree, live());
    const running = sandbox.exec(['sleep', '30'], { timeoutMs: 20_000, signal: live() });
    await standIn.waitForProcess((process) => process.sandboxId === sandbox.id && process.args.at(-1) === 'sleep 30');
    standIn.expire(sandbox.id);
    await assert.rejects(running, (error) => hasCode(error, 'sandbox_expired') && /expired/.test((error as Error).message));
    await assert.rejects(sandbox.readFile('README.md', live()), (error) => hasCode(error, 'sandbox_expired'));
    await sandbox.dispose();
    assert.ok(logLines.includes(`E2B sandbox ${sandbox.id} was already gone`));
  });

  test('cancelling kills the running command and the sandbox at once', async () => {
    const controller = new AbortController();
    const sandbox = await openSandbox(controller.signal);
    await sandbox.importTree(hostTree, live());
    const running = sandbox.exec(['sleep', '30'], { timeoutMs: 20_000, signal: controller.signal });
    await standIn.waitForProcess((process) => process.sandboxId === sandbox.id && process.args.at(-1) === 'sleep 30');
    controller.abort('user cancelled');
    await assert.rejects(running, (error) => isAbortLike(error));
    await eventually(() => deletesOf(sandbox.id) === 1);
    assert.equal(standIn.sandboxes().find((record) => record.id === sandbox.id)?.state, 'killed');
    await eventually(() => standIn.liveProcesses().length === 0);
  });

  test('dispose kills once, however often it is called; later use fails clearly', async () => {
    const sandbox = await openSandbox();
    await Promise.all([sandbox.dispose(), sandbox.dispose()]);
    await sandbox.dispose();
    assert.equal(deletesOf(sandbox.id), 1);
    assert.equal(standIn.sandboxes().find((record) => record.id === sandbox.id)?.state, 'killed');
    await assert.rejects(sandbox.exec(['true'], { timeoutMs: 1_000, signal: live() }), (error) => hasCode(error, 'sandbox_failed'));
  });

  test('renews its lifetime while the run is active', async () => {
    const sandbox = new E2bSandbox(
      await (await import('../../src/core/sandbox/e2b-client')).createE2bSdkSandbox({ apiKey: standIn.apiKey, apiUrl: standIn.apiUrl, sandboxUrl: standIn.sandboxUrl, timeoutMs: 60_000 }),
      { lifetimeMs: 60_000, renewEveryMs: 50 },
    );
    opened.push(sandbox);
    await eventually(() => standIn.requests.some((request) => request.method === 'POST' && request.path === `/sandboxes/${sandbox.id}/timeout`));
    const renewal = standIn.requests.find((request) => request.path === `/sandboxes/${sandbox.id}/timeout`);
    assert.deepEqual(JSON.parse(renewal?.body ?? '{}'), { timeout: 60 });
  });

  test('a wrong API key fails with a remedy that names the key', async () => {
    await assert.rejects(openSandbox(live(), { apiKey: 'e2b_wrongwrongwrongwrong' }), (error) => {
      assert.ok(hasCode(error, 'sandbox_failed'));
      assert.match((error as { remedy?: string }).remedy ?? '', /E2B API key/);
      return true;
    });
  });

  test('no GitHub token or AI key ever reached the stand-in, and commands got no secret environment', async () => {
    const secrets = Object.values(FAKE_SECRETS);
    assert.ok(standIn.requests.length > 20, 'the earlier tests exercised the stand-in');
    for (const request of standIn.requests) {
      const seen = JSON.stringify(request.headers) + request.path + request.body + request.rawBody.toString('latin1');
      for (const secret of secrets) assert.ok(!seen.includes(secret), `${secret.slice(0, 8)}… reached ${request.method} ${request.path}`);
    }
    for (const sandbox of standIn.sandboxes()) assert.deepEqual(sandbox.envVars ?? {}, {});
    const allowed = new Set(['CI', 'GIT_TERMINAL_PROMPT', 'LANG', 'GREETING']);
    for (const process of standIn.processes) assert.deepEqual(Object.keys(process.envs).filter((name) => !allowed.has(name)), []);
    // The SDK sends the E2B key to the control plane only; envd authenticates with the sandbox's access token.
    assert.ok(standIn.requests.filter((request) => request.plane === 'envd').every((request) => request.headers['x-api-key'] === undefined));
    const unpacked = await readFile(path.join(standIn.sandboxes()[0]?.root ?? '', 'home', 'user', 'repo', 'README.md'), 'utf8');
    assert.equal(unpacked, '# demo\n');
  });
});
