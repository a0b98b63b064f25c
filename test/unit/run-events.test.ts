import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventStamper } from '../../src/core/pipeline/run-context';
import { RUN_EVENT_SCHEMA_VERSION, RunEventSchema, STEP_NAMES, isTerminalEvent, type RunEvent } from '../../src/protocol/run-events';
import { FAKE_GITHUB_TOKEN } from '../support/fake-secrets';

function stamper(): { stamper: EventStamper; events: RunEvent[] } {
  const events: RunEvent[] = [];
  return { stamper: new EventStamper('req-1', (event) => events.push(event), () => Date.UTC(2026, 0, 1)), events };
}

describe('run-event contract', () => {
  it('lists the steps in the documented order', () => {
    assert.deepEqual(STEP_NAMES, ['validate', 'sandbox', 'clone', 'analyze', 'agent', 'apply', 'validate_changes', 'pull_request']);
  });

  it('stamps every event with the original status fields and a sequence', () => {
    const { stamper: s, events } = stamper();
    s.emit({ kind: 'step_started', type: 'info', step: 'clone', message: 'Step clone started', progress: 15 });
    s.emit({ kind: 'tool', type: 'tool', step: 'agent', tool: 'Edit', message: 'Tool: Edit a.ts', filepath: 'a.ts', old_str: 'x', new_str: 'y' });
    for (const event of events) {
      const parsed = RunEventSchema.parse(event);
      assert.equal(parsed.version, RUN_EVENT_SCHEMA_VERSION);
      assert.equal(parsed.request_id, 'req-1');
      assert.equal(parsed.timestamp, '2026-01-01T00:00:00.000Z');
      assert.equal(typeof parsed.message, 'string');
      assert.equal(typeof parsed.progress, 'number');
    }
    assert.deepEqual(events.map((event) => event.seq), [1, 2]);
    assert.equal(events[1]?.progress, 15, 'progress carries forward to events that do not set it');
  });

  it('never lets progress go backwards or past 100', () => {
    const { stamper: s, events } = stamper();
    s.emit({ kind: 'step_progress', type: 'info', step: 'agent', message: 'a', progress: 60 });
    s.emit({ kind: 'step_progress', type: 'info', step: 'agent', message: 'b', progress: 40 });
    s.emit({ kind: 'step_progress', type: 'info', step: 'agent', message: 'c', progress: 140 });
    assert.deepEqual(events.map((event) => event.progress), [60, 60, 100]);
  });

  it('redacts known secrets and token shapes from every string field', () => {
    const { stamper: s, events } = stamper();
    s.addSecrets({ githubToken: 'plain-secret-value-123' });
    s.emit({ kind: 'tool', type: 'tool', step: 'agent', tool: 'Bash', message: 'run', command: 'echo plain-secret-value-123', output: FAKE_GITHUB_TOKEN });
    s.emit({ kind: 'failed', type: 'error', message: 'x', duration_ms: 1, error: { code: 'internal', message: 'token plain-secret-value-123 leaked' } });
    const text = JSON.stringify(events);
    assert.equal(text.includes('plain-secret-value-123'), false);
    assert.equal(text.includes(FAKE_GITHUB_TOKEN), false);
    assert.match(text, /\[REDACTED\]/);
  });

  it('rejects events that break the contract', () => {
    assert.equal(RunEventSchema.safeParse({ kind: 'step_started', type: 'info', message: 'x' }).success, false);
    assert.equal(
      RunEventSchema.safeParse({ version: 1, seq: 1, request_id: 'r', timestamp: 't', type: 'info', message: 'm', progress: 5, kind: 'step_started', step: 'deploy' }).success,
      false,
    );
  });

  it('knows the three terminal kinds', () => {
    const base = { version: 1, seq: 1, request_id: 'r', timestamp: 't', message: 'm', progress: 100, duration_ms: 1 } as const;
    assert.equal(isTerminalEvent({ ...base, type: 'error', kind: 'cancelled', reason: 'x' }), true);
    assert.equal(isTerminalEvent({ ...base, type: 'info', kind: 'step_started', step: 'clone' } as unknown as RunEvent), false);
  });
});
