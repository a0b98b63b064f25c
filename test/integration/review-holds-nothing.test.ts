// While a run waits for a human review it holds nothing: its sandbox is disposed and its execution slot
// is free, so pending reviews never block new runs or keep a billed machine. The change itself is in
// memory and on the host's git dir, so Create Pull Request still pushes exactly the change.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { PipelineDeps } from '../../src/core/pipeline/pipeline-deps';
import type { Sandbox } from '../../src/core/sandbox/sandbox';
import { ReplayAgent } from '../../src/vscode/review/replay-agent';
import { startGitHubStandIn, type GitHubStandIn } from '../support/github-stand-in';
import { collect, createPipelineFixture, terminalOf, type PipelineFixture } from '../support/pipeline-fixture';

/** A one-slot admission that counts what is held, as the registry's execution slots do. */
function oneSlot() {
  let held = 0;
  return {
    held: () => held,
    admission: {
      tryAcquire: () => {
        if (held >= 1) return undefined;
        held += 1;
        return () => {
          held -= 1;
        };
      },
      acquire: async () => {
        held += 1;
        return () => {
          held -= 1;
        };
      },
    } satisfies NonNullable<PipelineDeps['admission']>,
  };
}

describe('a run waiting for review holds no sandbox and no execution slot', () => {
  let standIn: GitHubStandIn;
  let fixture: PipelineFixture;

  before(async () => {
    standIn = await startGitHubStandIn();
    await standIn.createRepo('octo', 'held', { files: { 'README.md': 'Hello world\n' } });
    fixture = await createPipelineFixture(standIn);
  });
  after(async () => {
    await fixture.dispose();
    await standIn.close();
  });

  it('disposes the sandbox and frees the slot before the gate, then pushes the change on Create', async () => {
    const base = fixture.deps();
    const slots = oneSlot();
    const sandboxes: { sandbox: Sandbox; disposed: boolean }[] = [];
    const seenAtReview: { disposed: boolean[]; held: number }[] = [];
    const deps: PipelineDeps = {
      ...base,
      admission: slots.admission,
      createSandbox: async (...args: Parameters<PipelineDeps['createSandbox']>) => {
        const sandbox = await base.createSandbox(...args);
        const entry = { sandbox, disposed: false };
        sandboxes.push(entry);
        const dispose = sandbox.dispose.bind(sandbox);
        sandbox.dispose = async () => {
          entry.disposed = true;
          await dispose();
        };
        return sandbox;
      },
      review: async () => {
        seenAtReview.push({ disposed: sandboxes.map((entry) => entry.disposed), held: slots.held() });
        return 'create';
      },
    };
    const events = await collect({ repoUrl: `${standIn.url}/octo/held`, prompt: 'replace "Hello" with "Howdy" in README.md' }, deps);
    const terminal = terminalOf(events);
    assert.equal(terminal.kind, 'completed', JSON.stringify(terminal));
    assert.equal(sandboxes.length, 1, 'the run created one sandbox');
    assert.deepEqual(seenAtReview, [{ disposed: [true], held: 0 }], 'at the review the sandbox was still alive or the slot still held');
    assert.equal(slots.held(), 0, 'the slot was released twice or never');
    const [pull] = standIn.pulls('octo', 'held');
    assert.ok(pull, 'no pull request after Create');
    assert.deepEqual(await standIn.readBranchFiles('octo', 'held', pull.head), { 'README.md': 'Howdy world\n' });
    assert.deepEqual(await fixture.leftovers(), []);
  });
});

describe('a review restored after a window reload', () => {
  let standIn: GitHubStandIn;
  let fixture: PipelineFixture;

  before(async () => {
    standIn = await startGitHubStandIn();
    await standIn.createRepo('octo', 'restored', { files: { 'README.md': 'Hello world\n', 'old.txt': 'bye\n' } });
    fixture = await createPipelineFixture(standIn);
  });
  after(async () => {
    await fixture.dispose();
    await standIn.close();
  });

  it('pushes exactly the saved change on a fresh clone (ReplayAgent), and refuses when the base moved', async () => {
    const changes = [
      { path: 'README.md', before: 'Hello world\n', after: 'Howdy world\n' },
      { path: 'added.txt', before: null, after: 'new\n' },
      { path: 'old.txt', before: 'bye\n', after: null },
    ];
    const events = await collect(
      { repoUrl: `${standIn.url}/octo/restored`, prompt: 'the original prompt' },
      fixture.deps({ createAgent: () => new ReplayAgent(changes, 'run-before-reload') }),
    );
    const terminal = terminalOf(events);
    assert.equal(terminal.kind, 'completed', JSON.stringify(terminal));
    const [pull] = standIn.pulls('octo', 'restored');
    assert.ok(pull);
    assert.deepEqual(await standIn.readBranchFiles('octo', 'restored', pull.head), { 'README.md': 'Howdy world\n', 'added.txt': 'new\n' });

    const stale = await collect(
      { repoUrl: `${standIn.url}/octo/restored`, prompt: 'the original prompt' },
      fixture.deps({ createAgent: () => new ReplayAgent([{ path: 'README.md', before: 'Something else\n', after: 'x\n' }], 'run-before-reload') }),
    );
    const failed = terminalOf(stale);
    assert.equal(failed.kind, 'failed');
    assert.match(failed.kind === 'failed' ? failed.error.message : '', /changed on the base branch since the review was saved/);
    assert.deepEqual(await fixture.leftovers(), []);
  });
});
