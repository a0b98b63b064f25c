// What enters a sandbox and what a crash leaves behind, with real files, the real E2B SDK against the
// loopback stand-in, and real processes: credential files (and links to them) never reach a sandbox copy,
// the E2B upload streams and obeys the egress policy, a sandbox that E2B creates while its run is being
// cancelled is killed, and run directories of dead processes are swept on the next start.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createSandboxFactory } from '../../src/core/sandbox/create-sandbox';
import { LocalSandbox } from '../../src/core/sandbox/local-sandbox';
import { createRunDirectory, sweepAbandonedRunDirectories } from '../../src/core/sandbox/run-directories';
import { startE2bStandIn, type E2bStandIn } from '../support/e2b-stand-in.js';

async function treeWithSecrets(root: string): Promise<void> {
  await mkdir(path.join(root, 'src'), { recursive: true });
  await mkdir(path.join(root, '.aws'), { recursive: true });
  await writeFile(path.join(root, 'src', 'index.js'), 'module.exports = 1;\n');
  await writeFile(path.join(root, '.env'), 'API_KEY=from-dot-env\n');
  await writeFile(path.join(root, 'src', 'server.key'), 'PRIVATE KEY\n');
  await writeFile(path.join(root, '.aws', 'config'), '[default]\n');
  // Harmless names that lead to credentials: inside the tree and outside it.
  await symlink('../.env', path.join(root, 'src', 'settings.json'));
  await symlink('/home/someone/.ssh/id_rsa', path.join(root, 'deploy-helper'));
  await symlink('index.js', path.join(root, 'src', 'alias.js'));
}

const KEPT = ['src', 'src/alias.js', 'src/index.js'];

describe('sandbox hygiene', () => {
  let work: string;
  let e2b: E2bStandIn;
  let release: (() => void) | undefined;
  let created: ((id: string) => void) | undefined;

  before(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'tb-hygiene-'));
    e2b = await startE2bStandIn({
      beforeCreateReply: (id) => {
        if (!created) return Promise.resolve();
        created(id);
        return new Promise<void>((resolve) => {
          release = resolve;
        });
      },
    });
  });
  after(async () => {
    await e2b.close();
    await rm(work, { recursive: true, force: true });
  });

  test('the local sandbox copy holds no credential file, nor a link that resolves to one', async () => {
    const root = path.join(work, 'local');
    await treeWithSecrets(root);
    const sandbox = new LocalSandbox(root);
    await sandbox.importTree(root, new AbortController().signal);
    const listing = spawnSync('find', ['.', '-mindepth', '1'], { cwd: root, encoding: 'utf8' }).stdout.trim().split('\n').map((entry) => entry.slice(2)).sort();
    assert.deepEqual(listing, KEPT);
  });

  test('the E2B upload streams the tree without credential files, and egress starts limited to the registries', async () => {
    const root = path.join(work, 'e2b');
    await treeWithSecrets(root);
    const logs: string[] = [];
    const factory = createSandboxFactory({ e2bApiKey: async () => e2b.apiKey, e2b: { apiUrl: e2b.apiUrl, sandboxUrl: e2b.sandboxUrl } });
    const sandbox = await factory({ mode: 'e2b', hostWorkdir: root, signal: new AbortController().signal, log: (line) => logs.push(line), network: { registries: ['registry.npmjs.org'], commands: false } });
    try {
      await sandbox.importTree(root, new AbortController().signal);
      const upload = e2b.requests.find((request) => request.plane === 'envd' && request.path.startsWith('/files') && request.method === 'POST');
      assert.match(String(upload?.headers['content-type']), /octet-stream/, 'the archive is streamed, not a buffered form');
      const stood = e2b.sandboxes().find((candidate) => candidate.id === sandbox.id);
      assert.ok(stood);
      const listing = spawnSync('find', ['.', '-mindepth', '1'], { cwd: path.join(stood.root, 'home', 'user', 'repo'), encoding: 'utf8' }).stdout.trim().split('\n').map((entry) => entry.slice(2)).sort();
      assert.deepEqual(listing, KEPT);
      assert.ok(logs.some((line) => /Left 5 credential file\(s\) out/.test(line)), logs.join('\n'));
      assert.deepEqual(stood.network, { allowOut: ['registry.npmjs.org'], denyOut: ['0.0.0.0/0'] });

      // A check (network "none", the default) closes egress first; an install opens the registries again.
      await sandbox.exec(['true'], { timeoutMs: 10_000, signal: new AbortController().signal });
      assert.deepEqual(e2b.sandboxes().find((candidate) => candidate.id === sandbox.id)?.network, { denyOut: ['0.0.0.0/0'] });
      await sandbox.exec(['true'], { timeoutMs: 10_000, signal: new AbortController().signal, network: 'registries' });
      assert.deepEqual(e2b.sandboxes().find((candidate) => candidate.id === sandbox.id)?.network, { allowOut: ['registry.npmjs.org'], denyOut: ['0.0.0.0/0'] });
      assert.equal(sandbox.isolation.network, false);
    } finally {
      await sandbox.dispose();
    }
  });

  test('an E2B sandbox created while its run was being cancelled is killed', async () => {
    const controller = new AbortController();
    const startedAt = new Promise<string>((resolve) => {
      created = resolve;
    });
    const logs: string[] = [];
    const factory = createSandboxFactory({ e2bApiKey: async () => e2b.apiKey, e2b: { apiUrl: e2b.apiUrl, sandboxUrl: e2b.sandboxUrl } });
    const creating = factory({ mode: 'e2b', hostWorkdir: work, signal: controller.signal, log: (line) => logs.push(line) });
    const id = await startedAt;
    created = undefined;
    // E2B already runs the sandbox; the client gives up before hearing its id.
    controller.abort();
    await assert.rejects(creating, (error: Error) => error.name === 'CancelledError');
    release?.();
    const deadline = Date.now() + 10_000;
    while (e2b.sandboxes().find((candidate) => candidate.id === id)?.state === 'running' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(e2b.sandboxes().find((candidate) => candidate.id === id)?.state, 'killed');
  });

  test('run directories of processes that died are swept on the next start; live and foreign ones stay', async () => {
    const tempRoot = path.join(work, 'runs');
    await mkdir(tempRoot);
    const mine = await createRunDirectory(tempRoot);
    // A process that ran, made its run directory, and died without cleaning up (as after kill -9).
    const script = `require('${path.resolve('src/core/sandbox/run-directories.ts').replace(/'/g, "\\'")}').createRunDirectory(${JSON.stringify(tempRoot)}).then((dir) => { require('fs').writeFileSync(dir + '/work.txt', 'x'); process.exit(0); })`;
    const crashed = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8' });
    assert.equal(crashed.status, 0, crashed.stderr);
    const unrelated = path.join(tempRoot, 'cache');
    await mkdir(unrelated);
    assert.equal((await readdir(tempRoot)).length, 3);
    const removed = await sweepAbandonedRunDirectories(tempRoot);
    assert.equal(removed, 1);
    assert.deepEqual((await readdir(tempRoot)).sort(), [path.basename(mine), 'cache'].sort());
  });
});
