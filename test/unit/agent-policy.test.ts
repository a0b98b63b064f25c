import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RunBudget } from '../../src/core/agent/budget/run-budget';
import { estimateCost } from '../../src/core/agent/budget/pricing';
import { abortableDelay } from '../../src/core/agent/failures/abortable-delay';
import { classifyFailure } from '../../src/core/agent/failures/classify-failure';
import { backoffMs, retryAfterMs } from '../../src/core/agent/failures/retry-after';
import { IncompleteStreamError } from '../../src/core/agent/model/model-client';
import { LoopDetector } from '../../src/core/agent/tools/loop-detector';
import { CancelledError } from '../../src/core/errors/cancelled-error';
import { hasCode } from '../../src/core/errors/tiny-backspace-error';

describe('retry-after', () => {
  test('retry-after-ms wins; retry-after takes seconds or an HTTP date; garbage is ignored', () => {
    assert.equal(retryAfterMs(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' })), 250);
    assert.equal(retryAfterMs(new Headers({ 'retry-after': '3' })), 3000);
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(retryAfterMs(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }), () => now), 5000);
    assert.equal(retryAfterMs(new Headers({ 'retry-after': 'soon' })), undefined);
    assert.equal(retryAfterMs(undefined), undefined);
  });

  test('backoff doubles per attempt, with jitter of at most 20%', () => {
    assert.equal(backoffMs(1, 1000, () => 0.5), 1000);
    assert.equal(backoffMs(3, 1000, () => 0.5), 4000);
    assert.equal(backoffMs(2, 1000, () => 0), 1600);
    assert.equal(backoffMs(20, 1000, () => 0.5), 20_000, 'capped');
  });

  test('a retry wait ends at once when the run is cancelled', async () => {
    const controller = new AbortController();
    const waiting = abortableDelay(60_000, controller.signal);
    controller.abort('Cancelled by the user.');
    await assert.rejects(waiting, (error: unknown) => error instanceof CancelledError && error.message === 'Cancelled by the user.');
  });
});

describe('failure classes without an HTTP status', () => {
  test('a dropped connection (bare TypeError) and a cut-off stream are retryable connection errors', () => {
    assert.deepEqual(classifyFailure(new TypeError('terminated')), { kind: 'connection', retryable: true, description: 'the connection dropped' });
    assert.equal(classifyFailure(new IncompleteStreamError('no message_stop')).kind, 'connection');
  });

  test('a stall is retryable; an unknown error is not', () => {
    assert.deepEqual(classifyFailure(new Error('x'), { stalledMs: 90_000 }), { kind: 'stalled', retryable: true, description: 'the stream stalled (nothing for 90 s)' });
    assert.equal(classifyFailure(new RangeError('bug')).retryable, false);
  });
});

describe('cost estimate', () => {
  test('Claude Sonnet: cache reads are cheap, cache writes dearer, output dearest', () => {
    const usage = { inputTokens: 1_000_000, outputTokens: 1_000_000, cacheReadTokens: 0, cacheWriteTokens: 0 };
    assert.deepEqual(estimateCost('claude-sonnet-4-6', usage), { usd: 18 });
    const cached = estimateCost('claude-sonnet-4-6', { inputTokens: 1_000_000, outputTokens: 0, cacheReadTokens: 600_000, cacheWriteTokens: 400_000 });
    assert.ok(Math.abs(cached.usd - (0.6 * 0.3 + 0.4 * 3.75)) < 1e-9);
  });

  test('unknown models (local ones included) cost 0, with a note saying why', () => {
    const usage = { inputTokens: 5000, outputTokens: 500, cacheReadTokens: 0, cacheWriteTokens: 0 };
    assert.deepEqual(estimateCost('my-fine-tune', usage), { usd: 0, note: 'no price known for my-fine-tune; its cost is counted as 0' });
    assert.equal(estimateCost('llama3.1:8b', usage).usd, 0);
    assert.ok(estimateCost('gpt-5.1', usage).usd > 0);
  });
});

describe('run budget', () => {
  test('turns, tokens and cost are counted across providers, and each bound has its own message', () => {
    let now = 0;
    const budget = new RunBudget({ maxTurns: 2, maxTokens: 10_000, maxWallClockMs: 1000, maxCostUsd: 1 }, () => now);
    budget.startTurn();
    budget.record('anthropic', 'claude-sonnet-4-6', { inputTokens: 4000, outputTokens: 100, cacheReadTokens: 0, cacheWriteTokens: 0 });
    budget.checkSpend();
    budget.startTurn();
    budget.record('openai', 'gpt-5.1', { inputTokens: 6000, outputTokens: 100, cacheReadTokens: 0, cacheWriteTokens: 0 });
    assert.throws(() => budget.checkSpend(), (error: unknown) => hasCode(error, 'budget_exceeded') && /10,200 billed tokens/.test((error as Error).message));
    assert.throws(() => budget.startTurn(), /all 2 turns/);
    assert.deepEqual(budget.summary().map((entry) => [entry.provider, entry.input_tokens]), [['anthropic', 4000], ['openai', 6000]]);
    now = 1000;
    assert.throws(() => budget.checkTime(), /time budget of 1.0 s/);
  });
});

describe('billed tokens (issue 10: the token cap ended ordinary runs)', () => {
  test('cache reads do not count toward the token cap, but are priced at their own rate', () => {
    const budget = new RunBudget({ maxTurns: 60, maxTokens: 100_000, maxWallClockMs: 60_000 });
    // 40 turns of a 30k-token prompt, nearly all of it read from the cache: 1.2M prompt tokens in all.
    for (let turn = 0; turn < 40; turn += 1) {
      budget.startTurn();
      budget.record('anthropic', 'claude-sonnet-4-6', { inputTokens: 30_000, cacheReadTokens: 28_500, cacheWriteTokens: 1_000, outputTokens: 400 });
      budget.checkSpend();
    }
    // Billed anew: (500 uncached + 1,000 written + 400 output) x 40 = 76,000, under the cap.
    assert.equal(budget.totalTokens, 76_000);
    const expected = (40 * (500 * 3 + 28_500 * 0.3 + 1_000 * 3.75 + 400 * 15)) / 1_000_000;
    assert.ok(Math.abs(budget.totalCostUsd - expected) < 1e-9, `${budget.totalCostUsd} vs ${expected}`);
    assert.equal(budget.summary()[0]?.cache_write_tokens, 40_000);
  });

  test('the agent clock pauses between passes (checks run then) and resumes for the repair pass', () => {
    let now = 0;
    const budget = new RunBudget({ maxTurns: 5, maxTokens: 1_000, maxWallClockMs: 1_000 }, () => now);
    now = 600;
    budget.pause();
    now = 50_000;
    assert.equal(budget.elapsedMs, 600);
    budget.resume();
    now = 50_300;
    assert.equal(budget.remainingMs, 100);
    now = 50_400;
    assert.throws(() => budget.checkTime(), /time budget/);
  });
});

describe('loop detector', () => {
  test('the third identical call without progress stops the run; key order does not matter', () => {
    const detector = new LoopDetector();
    detector.record('read_file', { path: 'a', start_line: 1 });
    detector.record('read_file', { start_line: 1, path: 'a' });
    assert.throws(() => detector.record('read_file', { path: 'a', start_line: 1 }), (error: unknown) => hasCode(error, 'loop_detected'));
  });

  test('read, failed edit, read, another failed edit, read is recovery, not a loop (issue 10)', () => {
    const detector = new LoopDetector();
    const read = { path: 'a.ts' };
    detector.record('read_file', read);
    detector.executed('read_file', read, false);
    detector.record('edit_file', { path: 'a.ts', old_str: 'x', new_str: 'y' });
    detector.executed('edit_file', { path: 'a.ts', old_str: 'x', new_str: 'y' }, false);
    detector.record('read_file', read);
    detector.record('edit_file', { path: 'a.ts', old_str: 'x ', new_str: 'y' });
    detector.executed('edit_file', { path: 'a.ts', old_str: 'x ', new_str: 'y' }, false);
    detector.record('read_file', read);
    detector.record('read_file', read);
  });

  test('the same failed edit between the same reads is still a loop', () => {
    const detector = new LoopDetector();
    const edit = { path: 'a.ts', old_str: 'x', new_str: 'y' };
    detector.record('read_file', { path: 'a.ts' });
    detector.record('edit_file', edit);
    detector.executed('edit_file', edit, false);
    detector.record('read_file', { path: 'a.ts' });
    detector.record('edit_file', edit);
    detector.executed('edit_file', edit, false);
    detector.record('read_file', { path: 'a.ts' });
    detector.record('edit_file', edit);
    detector.executed('edit_file', edit, false);
    // Only the first attempt of that edit was new; from then on nothing changes and the reads repeat.
    assert.throws(() => detector.record('read_file', { path: 'a.ts' }), (error: unknown) => hasCode(error, 'loop_detected'));
  });

  test('progress in between resets the count', () => {
    const detector = new LoopDetector();
    detector.record('search', { query: 'x' });
    detector.record('search', { query: 'x' });
    detector.progressed();
    detector.record('search', { query: 'x' });
    detector.record('search', { query: 'x' });
    detector.record('search', { query: 'y' });
  });
});
