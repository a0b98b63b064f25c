// Run traces: one owner-only JSON-lines file per request id, every event in order, redacted, readable
// back as typed events; retention prunes the oldest; a registry subscription feeds it.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { readTrace } from '../../src/core/observability/read-trace';
import { TraceRecorder, attachTraceRecorder } from '../../src/core/observability/trace-recorder';
import { EventStamper } from '../../src/core/pipeline/run-context';
import type { RunEvent } from '../../src/protocol/run-events';

const dirs: string[] = [];
after(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function logDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tb-traces-'));
  dirs.push(dir);
  return dir;
}

/** Real stamped events for one run: start, a step, a tool event carrying `secret`, the end. */
function runEvents(requestId: string, secret: string): RunEvent[] {
  const events: RunEvent[] = [];
  const stamper = new EventStamper(requestId, (event) => events.push(event), () => Date.parse('2026-01-01T00:00:00Z') + events.length);
  stamper.emit({ kind: 'run_started', type: 'info', message: 'Starting', repo: 'https://github.com/octo/app', prompt: 'do it', dry_run: true });
  stamper.emit({ kind: 'step_started', type: 'info', step: 'agent', message: 'agent' });
  stamper.emit({ kind: 'tool', type: 'tool', step: 'agent', tool: 'Bash', command: 'env', output: `TOKEN=${secret}`, message: 'Tool: Bash env' });
  stamper.emit({ kind: 'step_finished', type: 'success', step: 'agent', message: 'done', duration_ms: 2, outcome: 'ok' });
  stamper.emit({ kind: 'completed', type: 'success', message: 'done', changed_files: [], agent: 'offline', summary: '', duration_ms: 4, dry_run: true, progress: 100 });
  return events;
}

test('each run gets its own 0600 trace with every event in order, secrets redacted, readable back as events', async () => {
  const dir = await logDir();
  const secret = 'an-unshaped-secret-value';
  const recorder = new TraceRecorder({ logDir: dir, knownSecrets: () => [secret] });
  const a = runEvents('run-a', secret);
  const b = runEvents('run-b', `ghp_${'Z'.repeat(36)}`);
  // Interleaved, as concurrent runs deliver them.
  for (let index = 0; index < a.length; index += 1) {
    recorder.record(a[index] as RunEvent);
    recorder.record(b[index] as RunEvent);
  }
  await recorder.close();

  assert.deepEqual((await readdir(path.join(dir, 'traces'))).sort(), ['run-a.jsonl', 'run-b.jsonl']);
  assert.equal((await stat(path.join(dir, 'traces'))).mode & 0o777, 0o700);
  for (const id of ['run-a', 'run-b']) {
    const file = path.join(dir, 'traces', `${id}.jsonl`);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    const text = await readFile(file, 'utf8');
    assert.ok(!text.includes(secret) && !text.includes('Z'.repeat(36)), 'known secrets and token shapes are scrubbed');
    const { events, skipped } = await readTrace(dir, id);
    assert.equal(skipped, 0);
    assert.deepEqual(events.map((event) => [event.seq, event.kind, event.request_id]), [
      [1, 'run_started', id],
      [2, 'step_started', id],
      [3, 'tool', id],
      [4, 'step_finished', id],
      [5, 'completed', id],
    ]);
    const tool = events[2];
    assert.equal(tool?.kind === 'tool' ? tool.output : undefined, 'TOKEN=[REDACTED]');
  }
});

test('a request id that is not a plain file name is refused, not written', async () => {
  const dir = await logDir();
  const problems: string[] = [];
  const recorder = new TraceRecorder({ logDir: dir, onError: (error) => problems.push(error.message) });
  const [event] = runEvents('x', 'zzzzzzzz');
  recorder.record({ ...(event as RunEvent), request_id: '../../etc/evil' });
  await recorder.close();
  assert.equal(problems.length, 1);
  assert.deepEqual(await readdir(dir), []);
  assert.deepEqual(await readTrace(dir, '../../etc/evil'), { events: [], skipped: 0 });
});

test('retention keeps the newest maxTraces files', async () => {
  const dir = await logDir();
  const first = new TraceRecorder({ logDir: dir, maxTraces: 3 });
  for (const id of ['t1', 't2', 't3']) for (const event of runEvents(id, 'zzzzzzzz')) first.record(event);
  await first.close();
  // Make the ages unambiguous: t1 oldest.
  for (const [index, id] of ['t1', 't2', 't3'].entries()) {
    const when = new Date(Date.UTC(2026, 0, 1, 0, index));
    await utimes(path.join(dir, 'traces', `${id}.jsonl`), when, when);
  }
  const second = new TraceRecorder({ logDir: dir, maxTraces: 3 });
  for (const event of runEvents('t4', 'zzzzzzzz')) second.record(event);
  await second.close();
  assert.deepEqual((await readdir(path.join(dir, 'traces'))).sort(), ['t2.jsonl', 't3.jsonl', 't4.jsonl']);
});

test('retention counts a trace once when the first directory listing already sees it', async () => {
  // The first listing races the opens of the runs that start right after: their files can already be on
  // disk (here: left by an earlier process). Counted twice, they pushed live traces out of retention.
  const dir = await logDir();
  await mkdir(path.join(dir, 'traces'), { recursive: true });
  for (const id of ['t2', 't3']) await writeFile(path.join(dir, 'traces', `${id}.jsonl`), '');
  const recorder = new TraceRecorder({ logDir: dir, maxTraces: 3 });
  for (const id of ['t1', 't2', 't3']) for (const event of runEvents(id, 'zzzzzzzz')) recorder.record(event);
  await recorder.close();
  assert.deepEqual((await readdir(path.join(dir, 'traces'))).sort(), ['t1.jsonl', 't2.jsonl', 't3.jsonl']);
});

test('attachTraceRecorder records every event a registry publishes until disposed', async () => {
  const dir = await logDir();
  const listeners = new Set<(event: RunEvent) => void>();
  const registry = { subscribe: (listener: (event: RunEvent) => void) => (listeners.add(listener), { dispose: () => listeners.delete(listener) }) };
  const attached = attachTraceRecorder(registry, dir);
  const events = runEvents('reg-1', 'zzzzzzzz');
  for (const event of events.slice(0, 3)) for (const listener of listeners) listener(event);
  await attached.recorder.flush();
  assert.equal((await readTrace(dir, 'reg-1')).events.length, 3, 'flush puts what was recorded on disk while the run goes on');
  for (const event of events.slice(3)) for (const listener of listeners) listener(event);
  await attached.dispose();
  assert.equal(listeners.size, 0, 'dispose unsubscribes');
  assert.equal((await readTrace(dir, 'reg-1')).events.length, 5);
});
