// The run's bounds: max turns, tokens, cost and wall-clock time, and the loop detector. Each ends the run
// with its own error code, a thinking event that says so, and no fallback to another provider.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createAgentChain } from '../../src/core/agent/create-agent-chain';
import type { BudgetConfig } from '../../src/core/config/engine-config';
import { DEFAULT_BUDGET } from '../../src/core/config/engine-config';
import { isTinyBackspaceError, type ErrorCode } from '../../src/core/errors/tiny-backspace-error';
import type { ScriptedReply } from '../support/llm-script';
import { ANTHROPIC_KEY, OPENAI_KEY, anthropicStandIn, openaiStandIn, recordingContext, testConfig, testWorkspace } from './agent-support';

const FILES = { 'src/a.ts': 'export const a = 1;\n', 'src/b.ts': 'export const b = 2;\n', 'src/c.ts': 'export const c = 3;\n' };

function read(path: string): ScriptedReply {
  return { kind: 'tool_calls', calls: [{ name: 'read_file', input: { path } }], usage: { input: 1000, output: 50 } };
}

async function runWithBudget(t: Parameters<typeof anthropicStandIn>[0], script: ScriptedReply[], budget: Partial<BudgetConfig>, idleTimeoutMs?: number) {
  const anthropic = await anthropicStandIn(t, script);
  const openai = await openaiStandIn(t, [{ kind: 'tool_calls', calls: [{ name: 'finish', input: { summary: 'never reached' } }] }]);
  const ws = await testWorkspace(t, FILES);
  const base = testConfig({ anthropic, openai });
  const config = { ...base, budget: { ...DEFAULT_BUDGET, ...budget }, agent: { ...base.agent, ...(idleTimeoutMs ? { idleTimeoutMs } : {}) } };
  const run = recordingContext({ workspace: ws, prompt: 'Make a equal 2.', config });
  const outcome = await createAgentChain({ config, secrets: { anthropicApiKey: ANTHROPIC_KEY, openaiApiKey: OPENAI_KEY }, logger: run.context.logger })
    .run(run.context)
    .then(
      () => undefined,
      (error: unknown) => error,
    );
  return { outcome, run, anthropic, openai, ws };
}

function assertStopped(outcome: unknown, code: ErrorCode, message: RegExp): void {
  assert.ok(isTinyBackspaceError(outcome), `expected an error, got ${String(outcome)}`);
  assert.equal(outcome.code, code);
  assert.match(outcome.message, message);
  assert.match(outcome.remedy ?? '', /No pull request was opened/);
}

describe('bounds end the run without falling back', () => {
  test('max turns', async (t) => {
    const { outcome, run, openai } = await runWithBudget(t, [read('src/a.ts'), read('src/b.ts'), read('src/c.ts')], { maxTurns: 2 });
    assertStopped(outcome, 'budget_exceeded', /used all 2 turns/);
    assert.match(run.thinking('budget')[0]?.message ?? '', /^Stopped: The agent used all 2 turns/);
    assert.equal(openai.requests.length, 0, 'a budget overrun is not a reason to try another provider');
  });

  test('token budget', async (t) => {
    const { outcome, run } = await runWithBudget(t, [read('src/a.ts'), read('src/b.ts')], { maxTokens: 1500 });
    assertStopped(outcome, 'budget_exceeded', /used 2,100 billed tokens \(uncached input, cache writes and output\), over the budget of 1,500/);
    assert.equal(run.of('usage').length, 2, 'the turn that crossed the line is still reported');
  });

  test('cost cap, from the estimated price of the model', async (t) => {
    // 1,050 tokens of claude-sonnet at $3/$15 per million is about $0.0038 per turn.
    const { outcome } = await runWithBudget(t, [read('src/a.ts'), read('src/b.ts'), read('src/c.ts')], { maxCostUsd: 0.005 });
    assertStopped(outcome, 'budget_exceeded', /estimated cost reached \$0\.0075\d*, over the cap of \$0\.0050/);
  });

  test('wall-clock time, even while a stream hangs', async (t) => {
    const { outcome, run, anthropic, openai } = await runWithBudget(t, [{ kind: 'stall_after_headers', afterText: 'Let me think' }], { maxWallClockMs: 300 }, 60_000);
    assertStopped(outcome, 'budget_exceeded', /ran for its whole time budget of 300 ms/);
    assert.equal(anthropic.requests.length, 1, 'no retry once the time is up');
    assert.equal(openai.requests.length, 0);
    assert.match(run.thinking('budget')[0]?.message ?? '', /time budget/);
  });

  test('the loop detector stops the same call repeated without progress', async (t) => {
    const { outcome, run } = await runWithBudget(t, [read('src/a.ts'), read('src/a.ts'), read('src/a.ts'), read('src/a.ts')], {});
    assertStopped(outcome, 'loop_detected', /repeated the same read_file call 3 times/);
    assert.equal(run.of('tool').length, 2, 'the third identical call was not executed');
  });

  test('re-reading a file after editing it is progress, not a loop', async (t) => {
    const edit = (from: string, to: string): ScriptedReply => ({ kind: 'tool_calls', calls: [{ name: 'edit_file', input: { path: 'src/a.ts', old_str: from, new_str: to } }] });
    const { outcome, ws } = await runWithBudget(
      t,
      [read('src/a.ts'), read('src/a.ts'), edit('a = 1', 'a = 2'), read('src/a.ts'), read('src/a.ts'), { kind: 'tool_calls', calls: [{ name: 'finish', input: { summary: 'a is 2' } }] }],
      {},
    );
    assert.equal(outcome, undefined);
    assert.equal(ws.workspace.changes.list()[0]?.after, 'export const a = 2;\n');
  });
});
