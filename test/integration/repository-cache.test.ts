import assert from 'node:assert/strict';
import { readFile, readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { repositoryCacheIdle } from '../../src/core/git/cache/spare-checkout';
import { runProcess } from '../../src/core/process/run-process';
import type { RunEvent } from '../../src/protocol/run-events';
import { startGitHubStandIn, type GitHubStandIn } from '../support/github-stand-in';
import { collect, createPipelineFixture, terminalOf, type PipelineFixture } from '../support/pipeline-fixture';

const PROMPT = 'replace "Hello" with "Howdy" in README.md';
const gitEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', HOME: '/nonexistent' };

async function git(args: string[], stdin?: string): Promise<string> {
  const result = await runProcess(['git', ...args], { env: gitEnv, ...(stdin === undefined ? {} : { stdin }) });
  if (result.exitCode !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout.trim();
}

function files(count: number): Record<string, string> {
  const tree: Record<string, string> = { 'README.md': '# App\n\nHello world\n' };
  for (let index = 0; index < count; index += 1) tree[`src/file-${index}.ts`] = `export const v${index} = ${index};\n`;
  return tree;
}

/** A new commit on the remote's main, as a teammate's push would make it. */
async function pushTeammateCommit(barePath: string, file: string, content: string): Promise<string> {
  const parent = await git(['--git-dir', barePath, 'rev-parse', 'refs/heads/main']);
  const message = 'Teammate change\n';
  await git(
    ['--git-dir', barePath, 'fast-import', '--quiet'],
    `commit refs/heads/main\ncommitter T <t@example.com> ${Math.floor(Date.now() / 1000)} +0000\ndata ${message.length}\n${message}from ${parent}\nM 100644 inline ${file}\ndata ${Buffer.byteLength(content)}\n${content}\n`,
  );
  return git(['--git-dir', barePath, 'rev-parse', 'refs/heads/main']);
}

async function packs(mirror: string): Promise<string[]> {
  return (await readdir(path.join(mirror, 'objects', 'pack'))).filter((file) => file.endsWith('.pack')).sort();
}

async function objectsInPack(mirror: string, pack: string): Promise<number> {
  const index = await readFile(path.join(mirror, 'objects', 'pack', pack.replace(/\.pack$/, '.idx')));
  // Pack index v2: the last fan-out entry (at 8 + 255*4) is the object count.
  return index.readUInt32BE(8 + 255 * 4);
}

function cloneMessage(events: readonly RunEvent[]): string {
  return events.find((event) => event.kind === 'step_progress' && event.step === 'clone' && /^(Cloned|Fetched)/.test(event.message))?.message ?? '';
}

describe('repository cache', () => {
  let standIn: GitHubStandIn;
  let fixture: PipelineFixture;
  let barePath: string;
  let mirror: string;

  before(async () => {
    standIn = await startGitHubStandIn();
    ({ barePath } = await standIn.createRepo('Octo', 'App', { files: files(300) }));
    fixture = await createPipelineFixture(standIn);
    mirror = path.join(fixture.tempRoot, 'repo-cache', new URL(standIn.url).host.replace(':', '_'), 'octo', 'app.git');
  });
  after(async () => {
    await fixture.dispose();
    await standIn.close();
  });

  const run = async (review?: () => Promise<void>): Promise<{ events: RunEvent[]; headSha: string }> => {
    const deps = review ? fixture.deps({ review: async () => (await review(), 'create') }) : fixture.deps();
    const events = await collect({ repoUrl: `${standIn.url}/Octo/App`, prompt: PROMPT }, deps);
    const terminal = terminalOf(events);
    assert.equal(terminal.kind, 'completed', JSON.stringify(terminal));
    await repositoryCacheIdle();
    const pulls = standIn.pulls('Octo', 'App');
    return { events, headSha: pulls[pulls.length - 1]!.headSha };
  };

  it('a first run fills a bare mirror outside the work tree, with no token in its config', async () => {
    const { events } = await run();
    assert.match(cloneMessage(events), /^Cloned into the repository cache/);
    assert.equal((await stat(path.join(mirror, 'shallow'))).isFile(), true);
    assert.equal(await git(['--git-dir', mirror, 'rev-parse', '--is-bare-repository']), 'true');
    const config = await readFile(path.join(mirror, 'config'), 'utf8');
    assert.doesNotMatch(config, new RegExp(standIn.token));
    assert.doesNotMatch(config, /extraheader|url|remote/i, 'the mirror remembers no remote and no header');
    assert.deepEqual(await fixture.leftovers(), [], 'only the cache outlives the run');
  });

  it('a later run fetches into the mirror instead of cloning: nothing is downloaded again', async () => {
    const before = await packs(mirror);
    const { events, headSha } = await run();
    assert.match(cloneMessage(events), /^Fetched into the repository cache \(files from a spare checkout\)/);
    assert.deepEqual(await packs(mirror), before, 'no new pack: the remote head was already in the mirror');
    assert.equal(await git(['--git-dir', barePath, 'rev-parse', `${headSha}^`]), await git(['--git-dir', barePath, 'rev-parse', 'main']));
  });

  it('a mirror whose remote moved is never trusted: the run starts from the new head, fetching only what changed', async () => {
    const before = await packs(mirror);
    const newHead = await pushTeammateCommit(barePath, 'src/teammate.ts', 'export const teammate = true;\n');
    let onDisk: string[] = [];
    let teammate = '';
    const { events, headSha } = await run(async () => {
      // What the agent and the checks see: the spare, brought to the new head on disk too.
      const runDir = (await readdir(fixture.tempRoot)).find((name) => name.startsWith('tiny-backspace-'))!;
      const work = path.join(fixture.tempRoot, runDir, 'work');
      onDisk = (await readdir(work, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile()).map((entry) => path.relative(work, path.join(entry.parentPath, entry.name)));
      teammate = await readFile(path.join(work, 'src', 'teammate.ts'), 'utf8');
    });
    assert.match(cloneMessage(events), new RegExp(`^Fetched into the repository cache \\(files from a spare checkout\\): main at ${newHead.slice(0, 12)}`));
    assert.equal(teammate, 'export const teammate = true;\n');
    assert.equal(onDisk.length, 302, 'exactly the files of the new head, nothing left over');
    assert.equal(await git(['--git-dir', barePath, 'rev-parse', `${headSha}^`]), newHead, 'the PR is based on the remote head, not the stale mirror');
    const added = (await packs(mirror)).filter((pack) => !before.includes(pack));
    assert.equal(added.length, 1);
    const count = await objectsInPack(mirror, added[0]!);
    assert.ok(count > 0 && count < 10, `an incremental fetch of a few objects, not a re-clone (${count} objects)`);
    const tree = await git(['--git-dir', barePath, 'ls-tree', '-r', '--name-only', headSha]);
    assert.ok(tree.split('\n').includes('src/teammate.ts'));
  });

  it('two concurrent runs on the same repository both succeed from one mirror', async () => {
    const newHead = await pushTeammateCommit(barePath, 'src/teammate-2.ts', 'export const again = true;\n');
    const request = { repoUrl: `${standIn.url}/Octo/App`, prompt: PROMPT };
    const [first, second] = await Promise.all([collect(request, fixture.deps()), collect(request, fixture.deps())]);
    for (const events of [first!, second!]) {
      const terminal = terminalOf(events);
      assert.equal(terminal.kind, 'completed', JSON.stringify(terminal));
      assert.match(cloneMessage(events), new RegExp(`main at ${newHead.slice(0, 12)}`));
    }
    await repositoryCacheIdle();
    await git(['--git-dir', mirror, 'fsck', '--no-dangling']);
    assert.deepEqual(await fixture.leftovers(), []);
  });

  it('can be turned off: every run clones on its own and nothing is cached', async () => {
    const off = await createPipelineFixture(standIn, { config: { repositoryCache: { enabled: false } } });
    try {
      const events = await collect({ repoUrl: `${standIn.url}/Octo/App`, prompt: PROMPT }, off.deps());
      assert.equal(terminalOf(events).kind, 'completed');
      assert.match(cloneMessage(events), /^Cloned: main/);
      assert.deepEqual(await readdir(off.tempRoot), []);
    } finally {
      await off.dispose();
    }
  });
});
