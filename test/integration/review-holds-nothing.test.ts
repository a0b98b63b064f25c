// While a run waits for a human review it holds nothing: its sandbox is disposed and its execution slot
// is free, so pending reviews never block new runs or keep a billed machine. The change itself is in
// memory and on the host's git dir, so Create Pull Request still pushes exactly the change.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { PipelineDeps } from '../../src/core/pipeline/pipeline-deps';
import type { Sandbox } from '../../src/core/sandbox/sandbox';
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
