// Issue 14: the first event of a run comes from the host that accepts it, not from the thread that
// executes its pipeline, so a client hears back at once however busy that thread is. The pipeline then
// continues after it: one run_started, seq without gaps.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ExecuteOptions, PipelineSource } from '../../src/core/runs/executor';
import { InMemoryRunStore } from '../../src/core/runs/in-memory-run-store';
import { InThreadPipelines } from '../../src/core/runs/in-thread-pipelines';
import { RunExecutor } from '../../src/core/runs/run-executor';
import { EventChannel } from '../../src/core/pipeline/event-channel';
import type { RunEvent } from '../../src/protocol/run-events';
import type { RunRequest } from '../../src/protocol/run-request';
import { startGitHubStandIn, type GitHubStandIn } from '../support/github-stand-in';
import { createPipelineFixture, type PipelineFixture } from '../support/pipeline-fixture';
import { createRecordingLogger } from '../support/recording-logger';

/** A pipeline thread that has not got round to this run yet: it yields only when told to. */
class StalledPipelines implements PipelineSource {
  readonly queued = 0;
  readonly calls: ExecuteOptions[] = [];
  readonly channel = new EventChannel<RunEvent>();
  run(_requestId: string, _request: RunRequest, options: ExecuteOptions): AsyncIterable<RunEvent> {
    this.calls.push(options);
    return this.channel;
  }
  async dispose(): Promise<void> {}
}

async function admitted(store: InMemoryRunStore, requestId: string, request: RunRequest): Promise<void> {
  assert.equal(await store.admit({ requestId, request, startedAt: Date.now() }), true);
}

describe('the first event of a run', () => {
  it('is stored and streamed before the pipeline has produced anything, and handed to the pipeline', async () => {
    const store = new InMemoryRunStore();
    const pipelines = new StalledPipelines();
    const executor = new RunExecutor(store, pipelines, createRecordingLogger());
    const request: RunRequest = { repoUrl: 'https://github.com/octo/app', prompt: 'add a README' };
    await admitted(store, 'run-1', request);
    const done = executor.execute('run-1', request);

    // Read, not tailed: before the fix nothing was stored until the pipeline thread spoke, and a tail
    // would wait forever instead of failing.
    const [first] = await store.read('run-1', 0);
    assert.ok(first, 'the run_started event is stored before the pipeline yields anything');
    assert.equal(first.kind, 'run_started');
    assert.equal(first.seq, 1);
    assert.equal(first.step, 'validate');
    assert.equal(pipelines.calls.length, 1);
    assert.deepEqual(pipelines.calls[0]?.deps?.startedEvent, first, 'the pipeline continues after the announced event');

    pipelines.channel.close(); // the pipeline thread died before doing anything
    const terminal = await done;
    assert.equal(terminal.kind, 'failed');
    assert.equal(terminal.seq, 2, 'the synthesised failure follows the announced start');
    assert.deepEqual((await store.read('run-1', 0)).map((event) => event.seq), [1, 2]);
  });

  it('scrubs a token pasted into the prompt, as the pipeline would', async () => {
    const store = new InMemoryRunStore();
    const pipelines = new StalledPipelines();
    const executor = new RunExecutor(store, pipelines, createRecordingLogger());
    const pasted = ['ghp', '_', 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8'].join('');
    const request: RunRequest = { repoUrl: 'https://github.com/octo/app', prompt: `use ${pasted} to push` };
    await admitted(store, 'run-2', request);
    const done = executor.execute('run-2', request);
    const [first] = await store.read('run-2', 0);
    assert.equal(first?.kind, 'run_started');
    assert.ok(first?.kind === 'run_started' && !first.prompt.includes(pasted), 'the token never reaches the stream');
    pipelines.channel.close();
    await done;
  });

  it('leaves a request the pipeline refuses to the pipeline, which reports it as the only event', async () => {
    const store = new InMemoryRunStore();
    const pipelines = new StalledPipelines();
    const executor = new RunExecutor(store, pipelines, createRecordingLogger());
    const request = { repoUrl: 'https://github.com/octo/app', prompt: '' } as RunRequest;
    await admitted(store, 'run-3', request);
    const done = executor.execute('run-3', request);
    assert.deepEqual(await store.read('run-3', 0), []);
    assert.equal(pipelines.calls[0]?.deps?.startedEvent, undefined);
    pipelines.channel.close();
    await done;
  });

  describe('with the real pipeline', () => {
    let standIn: GitHubStandIn;
    let fixture: PipelineFixture;
    before(async () => {
      standIn = await startGitHubStandIn();
      await standIn.createRepo('octo', 'first-event', { files: { 'README.md': 'Hello\n' } });
      fixture = await createPipelineFixture(standIn);
    });
    after(async () => {
      await fixture.dispose();
      await standIn.close();
    });

    it('continues after the announced start: one run_started, every seq once, in order', async () => {
      const store = new InMemoryRunStore();
      const executor = new RunExecutor(store, new InThreadPipelines(fixture.deps()), fixture.logger);
      const request: RunRequest = { repoUrl: `${standIn.url}/octo/first-event`, prompt: 'replace "Hello" with "Howdy" in README.md', options: { dryRun: true } };
      await admitted(store, 'run-4', request);
      const terminal = await executor.execute('run-4', request);
      assert.equal(terminal.kind, 'completed', JSON.stringify(terminal));
      const events = await store.read('run-4', 0);
      assert.equal(events.filter((event) => event.kind === 'run_started').length, 1);
      assert.deepEqual(
        events.map((event) => event.seq),
        events.map((_event, index) => index + 1),
      );
      assert.equal(events[1]?.kind, 'step_started');
      assert.deepEqual(await fixture.leftovers(), []);
    });
  });
});
