import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventStamper } from '../../src/core/pipeline/run-context';
import type { RunEvent } from '../../src/protocol/run-events';
import { parseHostToPanelMessage, parsePanelToHostMessage } from '../../src/protocol/webview-messages';

function event(): RunEvent {
  let captured: RunEvent | undefined;
  new EventStamper('req-1', (stamped) => (captured = stamped), () => 0).emit({ kind: 'step_started', type: 'info', step: 'clone', message: 'clone' });
  if (!captured) throw new Error('no event');
  return captured;
}

describe('host <-> panel messages', () => {
  it('accepts every message the panel may send', () => {
    for (const message of [
      { type: 'ready' },
      { type: 'new_run' },
      { type: 'cancel_run', requestId: 'r' },
      { type: 'review_decision', requestId: 'r', decision: 'create' },
      { type: 'open_diff', requestId: 'r' },
      { type: 'open_diff', requestId: 'r', path: 'src/a.ts' },
      { type: 'open_external', url: 'https://github.com/octo/app/pull/7' },
      { type: 'open_external', url: 'http://127.0.0.1:4000/octo/app/pull/1' },
      { type: 'open_logs' },
      { type: 'clear_history' },
    ]) {
      const parsed = parsePanelToHostMessage(message);
      assert.ok(parsed.ok, `${JSON.stringify(message)}: ${parsed.ok ? '' : parsed.error}`);
    }
  });

  it('refuses what a compromised page could try', () => {
    for (const message of [
      null,
      'ready',
      { type: 'run_shell', command: 'rm -rf /' },
      { type: 'ready', extra: true },
      { type: 'review_decision', requestId: 'r', decision: 'push --force' },
      { type: 'open_external', url: 'command:workbench.action.terminal.new' },
      { type: 'open_external', url: 'file:///etc/passwd' },
      { type: 'open_external', url: 'javascript:alert(1)' },
      { type: 'open_external', url: 'https://user:pass@github.com/' },
      { type: 'cancel_run', requestId: '' },
    ]) {
      assert.equal(parsePanelToHostMessage(message).ok, false, JSON.stringify(message));
    }
  });

  it('validates run events inside host messages', () => {
    assert.ok(parseHostToPanelMessage({ type: 'event', requestId: 'req-1', event: event() }).ok);
    const broken = { ...event(), progress: 400 };
    const parsed = parseHostToPanelMessage({ type: 'event', requestId: 'req-1', event: broken });
    assert.equal(parsed.ok, false);
    assert.match(parsed.ok ? '' : parsed.error, /progress/);
    assert.ok(parseHostToPanelMessage({ type: 'snapshot', runs: [{ requestId: 'req-1', repo: 'r', prompt: 'p', startedAt: 't', interrupted: false, events: [event()] }], pendingReviews: [] }).ok);
    assert.equal(parseHostToPanelMessage({ type: 'snapshot', runs: [{ requestId: 'req-1' }], pendingReviews: [] }).ok, false);
  });
});
