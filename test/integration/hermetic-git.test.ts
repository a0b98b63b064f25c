import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createPipelineDeps } from '../../src/core/engine/create-pipeline-deps';
import { runProcess } from '../../src/core/process/run-process';
import { startGitHubStandIn, type GitHubStandIn } from '../support/github-stand-in';
import { collect, fixedSecrets, standInConfig, terminalOf } from '../support/pipeline-fixture';
import { createRecordingLogger } from '../support/recording-logger';

const PROMPT = 'replace "Hello" with "Howdy" in README.md';
const plainEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmpdir(), GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };

async function git(args: string[], cwd?: string): Promise<string> {
  const result = await runProcess(['git', '-c', 'user.name=T', '-c', 'user.email=t@example.com', '-c', 'init.defaultBranch=main', ...args], { env: plainEnv, ...(cwd ? { cwd } : {}) });
  if (result.exitCode !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

async function localRepository(dir: string, readme: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await git(['init', '-q'], dir);
  await writeFile(path.join(dir, 'README.md'), readme);
  await git(['add', '.'], dir);
  await git(['commit', '-qm', 'first'], dir);
}

describe('host git is hermetic', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'tb-hermetic-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  describe('against the loopback GitHub', () => {
    let standIn: GitHubStandIn;
    before(async () => {
      standIn = await startGitHubStandIn();
      await standIn.createRepo('octo', 'app', { files: { 'README.md': '# App\n\nHello world\n' } });
    });
    after(() => standIn.close());

    it('ignores a global url.<ssh>.insteadOf that would reroute every clone', async () => {
      const home = path.join(root, 'home');
      await mkdir(home, { recursive: true });
      // What many developers have: https rewritten to ssh. Here it points the stand-in at an ssh host.
      const gitconfig = `[url "ssh://git@127.0.0.1:1/"]\n\tinsteadOf = ${standIn.url}/\n[url "git@github.com:"]\n\tinsteadOf = https://github.com/\n[core]\n\thooksPath = ${path.join(home, 'hooks')}\n`;
      await writeFile(path.join(home, '.gitconfig'), gitconfig);
      await mkdir(path.join(home, '.config', 'git'), { recursive: true });
      await writeFile(path.join(home, '.config', 'git', 'config'), gitconfig);
      const tempRoot = path.join(root, 'engine-insteadof');
      const deps = createPipelineDeps({
        config: standInConfig(standIn),
        secrets: fixedSecrets({ githubToken: standIn.token }),
        logger: createRecordingLogger(),
        tempRoot,
        env: { PATH: plainEnv.PATH, HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), GIT_CONFIG_GLOBAL: path.join(home, '.gitconfig') },
      });
      const terminal = terminalOf(await collect({ repoUrl: `${standIn.url}/octo/app`, prompt: PROMPT }, deps));
      assert.equal(terminal.kind, 'completed', JSON.stringify(terminal));
      assert.equal(standIn.pulls('octo', 'app').length, 1);
    });
  });

  describe('local-repository mode', () => {
    function localDeps(tempRoot: string) {
      return createPipelineDeps({
        config: { ...standInConfig({ url: 'http://127.0.0.1:1' } as GitHubStandIn), github: {} },
        secrets: fixedSecrets({}),
        logger: createRecordingLogger(),
        tempRoot,
        allowLocalRepositories: true,
        env: { PATH: plainEnv.PATH, HOME: path.join(root, 'nohome') },
      });
    }

    it("never runs the destination repository's own hooks on push", async () => {
      const repo = path.join(root, 'hooked');
      await localRepository(repo, '# App\n\nHello world\n');
      const marker = path.join(root, 'hook-ran');
      const hook = `#!/bin/sh\necho "$0" >> ${marker}\ncat >/dev/null\nexit 0\n`;
      // Both places a hook can live: .git/hooks, and a husky-style core.hooksPath in the repo config.
      await mkdir(path.join(repo, '.husky'), { recursive: true });
      for (const dir of [path.join(repo, '.git', 'hooks'), path.join(repo, '.husky')]) {
        for (const name of ['pre-receive', 'update', 'post-receive', 'post-update', 'reference-transaction', 'pre-push']) {
          await writeFile(path.join(dir, name), hook);
          await chmod(path.join(dir, name), 0o755);
        }
      }
      const events = await collect({ repoUrl: repo, prompt: PROMPT }, localDeps(path.join(root, 'engine-hooks-1')));
      assert.equal(terminalOf(events).kind, 'completed', JSON.stringify(terminalOf(events)));
      await git(['config', 'core.hooksPath', '.husky'], repo);
      const again = await collect({ repoUrl: repo, prompt: PROMPT }, localDeps(path.join(root, 'engine-hooks-2')));
      assert.equal(terminalOf(again).kind, 'completed', JSON.stringify(terminalOf(again)));
      const branches = (await git(['branch', '--list', 'tiny-backspace/*'], repo)).trim().split('\n');
      assert.equal(branches.length, 2, 'both runs pushed a branch');
      const ran = await readFile(marker, 'utf8').catch(() => '');
      assert.equal(ran, '', `hooks ran: ${ran}`);
    });

    it('works on a path containing %41 without git decoding it into another directory', async () => {
      const encoded = path.join(root, 'paths', 'repo%41');
      const decoded = path.join(root, 'paths', 'repoA');
      await localRepository(encoded, '# Encoded\n\nHello world\n');
      await localRepository(decoded, '# Decoded\n\nHello world\n');
      const events = await collect({ repoUrl: encoded, prompt: PROMPT }, localDeps(path.join(root, 'engine-percent')));
      const terminal = terminalOf(events);
      assert.equal(terminal.kind, 'completed', JSON.stringify(terminal));
      const branch = terminal.kind === 'completed' ? terminal.branch : undefined;
      assert.ok(branch);
      assert.equal(await git(['show', `${branch}:README.md`], encoded), '# Encoded\n\nHowdy world\n');
      assert.equal((await git(['branch', '--list', 'tiny-backspace/*'], decoded)).trim(), '', 'the other directory was not touched');
    });
  });
});
