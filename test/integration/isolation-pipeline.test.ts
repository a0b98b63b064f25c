// The isolation policy end to end, through the real CLI bundle against the loopback GitHub. A repository
// whose `npm test` and `make test` write a marker outside the repository and dump the environment of every
// ancestor process (where the host's GITHUB_TOKEN and ANTHROPIC_API_KEY live):
// - on a machine without bubblewrap (a PATH on which bwrap is honestly absent) and without E2B, the run
//   still opens a PR, checks are skipped, nothing of the repository runs, and the output says why;
// - with --allow-unisolated the same checks do run, so the probe is real (and the hole it shows, too);
// - under bubblewrap the checks run and see neither the marker's directory nor any ancestor's secrets.

import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { probeBubblewrap } from '../../src/core/sandbox/bubblewrap';
import { ensureCliBuilt, runCli } from '../support/cli-runner';
import { startGitHubStandIn, type GitHubStandIn } from '../support/github-stand-in';
import { pathWithout } from '../support/path-without';

const FAKE_ANTHROPIC_KEY = ['sk-ant-api03', 'isolationProbeKeyThatMustNotLeak', '0000'].join('-');

describe('no repository code runs without isolation', () => {
  let work: string;
  let standIn: GitHubStandIn;
  let baseEnv: NodeJS.ProcessEnv;
  let noBwrapPath: string;
  let marker: string;
  let leak: string;

  function probeScript(): string {
    return [
      '#!/bin/sh',
      `echo escaped > ${marker}`,
      // Every ancestor's environment: the check's parent, its parent, up to the host process.
      'p=$$',
      'while [ "$p" -gt 1 ]; do',
      `  tr '\\0' '\\n' < /proc/$p/environ >> ${leak} 2>/dev/null`,
      "  tr '\\0' ' ' < /proc/$p/environ 2>/dev/null; echo",
      "  p=$(awk '{print $4}' /proc/$p/stat 2>/dev/null || echo 1)",
      'done',
      'exit 0',
      '',
    ].join('\n');
  }

  before(async () => {
    await ensureCliBuilt();
    work = await mkdtemp(path.join(tmpdir(), 'tb-isolation-test-'));
    await mkdir(path.join(work, 'tmp'));
    marker = path.join(work, 'marker-outside-the-repo');
    leak = path.join(work, 'ancestor-environments.txt');
    noBwrapPath = await pathWithout(await mkdtemp(path.join(work, 'bin-')), ['bwrap']);
    standIn = await startGitHubStandIn();
    await standIn.createRepo('acme', 'probe', {
      files: {
        'package.json': JSON.stringify({ name: 'probe', version: '1.0.0', scripts: { test: 'sh ./probe.sh' } }, null, 2),
        Makefile: 'test:\n\tsh ./probe.sh\n',
        'probe.sh': probeScript(),
        'README.md': '# Probe\n',
      },
    });
    baseEnv = {
      HOME: work,
      TMPDIR: path.join(work, 'tmp'),
      TINY_BACKSPACE_LOG_DIR: path.join(work, 'logs'),
      TINY_BACKSPACE_GITHUB_URL: standIn.url,
      TINY_BACKSPACE_PROVIDERS: 'offline',
      GITHUB_TOKEN: standIn.token,
      ANTHROPIC_API_KEY: FAKE_ANTHROPIC_KEY,
    };
  });
  after(async () => {
    await standIn.close();
    await rm(work, { recursive: true, force: true });
  });

  async function absent(file: string): Promise<boolean> {
    return stat(file).then(
      () => false,
      () => true,
    );
  }

  test('without bubblewrap or E2B the run opens a PR with checks skipped, and says why and how to fix it', async () => {
    const env = { ...baseEnv, PATH: noBwrapPath };
    const human = await runCli(['run', '--repo', `${standIn.url}/acme/probe`, '--prompt', 'append "Human run" to README.md'], env);
    assert.equal(human.exitCode, 0, human.stderr + human.stdout);
    assert.match(human.stdout, /Checks were skipped because this machine has no sandbox isolation/);
    assert.match(human.stdout, /apt-get install bubblewrap/);
    assert.match(human.stdout, /E2B_API_KEY/);
    assert.match(human.stdout, /--allow-unisolated/);

    const json = await runCli(['run', '--json', '--repo', `${standIn.url}/acme/probe`, '--prompt', 'append "JSON run" to README.md'], env);
    assert.equal(json.exitCode, 0, json.stderr);
    const events = json.stdout.trim().split('\n').map((line) => JSON.parse(line) as { kind: string; type: string; message: string; tool?: string; pr_url?: string });
    assert.ok(events.some((event) => event.type === 'warning' && /no sandbox isolation/.test(event.message)), 'the stream carries a clear warning event');
    assert.deepEqual(events.filter((event) => event.kind === 'tool' && event.tool === 'Bash'), [], 'no command ran');
    const completed = events.at(-1);
    assert.equal(completed?.kind, 'completed');

    const pulls = standIn.pulls('acme', 'probe');
    assert.equal(pulls.length, 2);
    for (const pull of pulls) {
      assert.match(pull.body, /Checks were skipped because this machine has no sandbox isolation/);
      assert.match(pull.body, /install bubblewrap/);
    }
    assert.ok(await absent(marker), 'the marker outside the repository never appears');
    assert.ok(await absent(leak), 'no ancestor environment was read');
  });

  test('--allow-unisolated runs the same checks as the user (the probe is real)', async () => {
    const env = { ...baseEnv, PATH: noBwrapPath };
    const result = await runCli(['run', '--allow-unisolated', '--repo', `${standIn.url}/acme/probe`, '--prompt', 'append "Opted in" to README.md'], env);
    assert.equal(result.exitCode, 0, result.stderr + result.stdout);
    assert.match(result.stdout, /WITHOUT isolation \(you opted in\)/);
    assert.equal(await absent(marker), false, 'unisolated, the check wrote outside the repository');
    // The hole the default closes: a clean child environment does not hide the parent's.
    assert.match(await readFile(leak, 'utf8'), /isolationProbeKeyThatMustNotLeak/);
    await rm(marker, { force: true });
    await rm(leak, { force: true });
  });

  test('under bubblewrap the checks run, cannot write outside, and see no token or key in any ancestor', async (t) => {
    const probe = await probeBubblewrap();
    if (!probe.available) {
      if (process.env.CI) throw new Error(`bubblewrap is required in CI: ${probe.reason}`);
      t.skip(`bubblewrap unavailable: ${probe.reason}`);
      return;
    }
    const env = { ...baseEnv, PATH: process.env.PATH };
    const result = await runCli(['run', '--json', '--verbose', '--repo', `${standIn.url}/acme/probe`, '--prompt', 'append "Isolated" to README.md'], env);
    assert.equal(result.exitCode, 0, result.stderr);
    const events = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as { kind: string; tool?: string; command?: string });
    assert.ok(events.some((event) => event.kind === 'tool' && event.tool === 'Bash' && event.command === 'npm test'), 'the checks ran');
    assert.doesNotMatch(result.stdout, /isolationProbeKeyThatMustNotLeak/);
    assert.ok(!result.stdout.includes(standIn.token), 'the GitHub token is in no check output');
    assert.ok(await absent(marker));
    assert.ok(await absent(leak));
  });
});
