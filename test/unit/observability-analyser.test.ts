// The log analyser on a fixture log directory: rotated, gzipped, truncated and malformed files, traces
// of runs that fell back between providers, failed, were cancelled, are running or died mid-run.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { buildHealthReport } from '../../src/core/observability/build-health-report';
import { readJsonLines } from '../../src/core/observability/read-json-lines';
import { HealthReportSchema, type HealthReport } from '../../src/protocol/health-report';
import { RunEventSchema, type RunEvent, type RunEventDraft } from '../../src/protocol/run-events';

const NOW = Date.parse('2026-01-01T12:00:00.000Z');
let root: string;
let logDir: string;
let report: HealthReport;

type Step = RunEvent & { kind: 'step_finished' };

/** Builds a schema-valid trace: events at offsets (ms) from `start`. */
class TraceBuilder {
  readonly events: RunEvent[] = [];
  constructor(
    readonly requestId: string,
    private readonly start: number,
  ) {
    this.at(0, { kind: 'run_started', type: 'info', message: 'Starting', repo: `https://github.com/octo/${requestId}`, prompt: 'p', dry_run: false });
  }

  at(offset: number, draft: RunEventDraft): this {
    const event = RunEventSchema.parse({ ...draft, version: 1, seq: this.events.length + 1, request_id: this.requestId, timestamp: new Date(this.start + offset).toISOString(), progress: draft.progress ?? 50 });
    this.events.push(event);
    return this;
  }

  step(name: Step['step'], offset: number, duration: number, outcome: Step['outcome'] = 'ok'): this {
    this.at(offset, { kind: 'step_started', type: 'info', step: name, message: `Step ${name} started` });
    return this.at(offset + duration, { kind: 'step_finished', type: 'info', step: name, message: 'done', duration_ms: duration, outcome });
  }

  /** The eight steps, back to back, with the given clone and agent durations. */
  steps(clone: number, agent: number): this {
    const durations: Array<[Step['step'], number]> = [['validate', 100], ['sandbox', 200], ['clone', clone], ['analyze', 50], ['agent', agent], ['apply', 10], ['validate_changes', 2000], ['pull_request', 500]];
    let offset = 10;
    for (const [name, duration] of durations) {
      this.step(name, offset, duration);
      offset += duration;
    }
    return this;
  }

  thinking(offset: number, topic: 'provider' | 'fallback', provider: string, message: string, reason?: string): this {
    return this.at(offset, { kind: 'thinking', type: 'thinking', step: 'agent', topic, provider, message, ...(reason ? { reason } : {}) });
  }

  usage(offset: number, provider: string, input: number, output: number, cost: number): this {
    return this.at(offset, { kind: 'usage', type: 'info', step: 'agent', usage: { provider, model: 'm', input_tokens: input, output_tokens: output, cost_usd: cost }, total_cost_usd: cost, message: 'usage' });
  }

  completed(offset: number, agent: string): this {
    return this.at(offset, { kind: 'completed', type: 'success', message: 'PR', changed_files: [], agent, summary: 's', duration_ms: offset, dry_run: false, progress: 100 });
  }

  jsonl(): string {
    return this.events.map((event) => JSON.stringify(event)).join('\n') + '\n';
  }
}

const at = (clock: string) => Date.parse(`2026-01-01T${clock}.000Z`);

/** Anthropic retries a 529, gives up, OpenAI makes the change. */
function fellBackToOpenAi(requestId: string, start: number): TraceBuilder {
  return new TraceBuilder(requestId, start)
    .steps(90_000, 5000)
    .thinking(91_400, 'provider', 'anthropic (claude-sonnet-4-6)', 'Using Anthropic (claude-sonnet-4-6).', 'first configured provider with a key')
    .thinking(91_500, 'fallback', 'anthropic (claude-sonnet-4-6)', 'Anthropic: 529 overloaded; retrying in 1 s (attempt 2 of 3).', '529 overloaded')
    .thinking(92_000, 'fallback', 'anthropic (claude-sonnet-4-6)', 'Anthropic: 529 overloaded, 3 attempts; discarded its edits and falling back to OpenAI.', 'Anthropic: 529 overloaded, 3 attempts')
    .usage(92_001, 'anthropic', 100, 0, 0.001)
    .thinking(92_100, 'provider', 'openai (gpt-5.1)', 'Using OpenAI (gpt-5.1) because Anthropic: 529 overloaded, 3 attempts.')
    .usage(95_000, 'openai', 200, 50, 0.002)
    .completed(98_000, 'openai (gpt-5.1)');
}

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'tb-analyser-'));
  logDir = path.join(root, 'logs');
  const traces = path.join(logDir, 'traces');
  await mkdir(traces, { recursive: true });

  const r3 = new TraceBuilder('r3', at('11:20:00'))
    .steps(1000, 5000)
    .thinking(1400, 'provider', 'anthropic (claude-sonnet-4-6)', 'Using Anthropic (claude-sonnet-4-6).')
    .thinking(1500, 'fallback', 'anthropic (claude-sonnet-4-6)', 'Anthropic: 529 overloaded; retrying in 1 s (attempt 2 of 3).', '529 overloaded')
    .usage(5000, 'anthropic', 300, 80, 0.01)
    .completed(9000, 'anthropic (claude-sonnet-4-6)');
  const r4 = new TraceBuilder('r4', at('11:30:00'))
    .step('validate', 10, 100)
    .step('sandbox', 110, 200)
    .step('clone', 310, 1000)
    .step('analyze', 1310, 50)
    .at(1360, { kind: 'step_started', type: 'info', step: 'agent', message: 'agent' })
    .thinking(1400, 'provider', 'anthropic (claude-sonnet-4-6)', 'Using Anthropic (claude-sonnet-4-6).')
    .thinking(1500, 'fallback', 'anthropic (claude-sonnet-4-6)', 'Anthropic: 401 unauthorized (not retried); discarded its edits and falling back to OpenAI.', 'Anthropic: 401 unauthorized (not retried)')
    .thinking(1600, 'provider', 'openai (gpt-5.1)', 'Using OpenAI (gpt-5.1).')
    .at(3000, { kind: 'step_finished', type: 'error', step: 'agent', message: 'failed', duration_ms: 1640, outcome: 'failed' })
    .at(3001, { kind: 'failed', type: 'error', message: 'No provider could make the change.', error: { code: 'agent_failed', message: 'No provider could make the change: OpenAI: 500.', remedy: 'Set ANTHROPIC_API_KEY or OPENAI_API_KEY and run again.' }, duration_ms: 3001 });
  const r5 = new TraceBuilder('r5', at('11:40:00'))
    .step('validate', 10, 100)
    .step('sandbox', 110, 200)
    .step('clone', 310, 500, 'failed')
    .at(900, { kind: 'cancelled', type: 'error', message: 'Cancelled', reason: 'Cancelled by the user.', duration_ms: 900 });
  const r6 = new TraceBuilder('r6', at('11:59:10'))
    .step('validate', 10, 100)
    .at(200, { kind: 'step_started', type: 'info', step: 'sandbox', message: 'sandbox' })
    .thinking(20_000, 'provider', 'anthropic (claude-sonnet-4-6)', 'Using Anthropic (claude-sonnet-4-6).');
  const r7 = new TraceBuilder('r7', at('11:05:00')).step('validate', 10, 100).at(60_000, { kind: 'step_started', type: 'info', step: 'sandbox', message: 'sandbox' });

  for (const trace of [fellBackToOpenAi('r1', at('11:00:00')), fellBackToOpenAi('r2', at('11:10:00')), r3, r4, r5, r6, r7]) {
    await writeFile(path.join(traces, `${trace.requestId}.jsonl`), trace.jsonl());
  }
  // A file that is not a trace, and a trace line that is not an event.
  await writeFile(path.join(traces, 'notes.txt'), 'ignored\n');
  await writeFile(path.join(traces, 'r7.jsonl'), `${r7.jsonl()}{"just":"an object"}\n`);

  const perf = (clock: string, operation: string, ms: number) => JSON.stringify({ level: 'info', time: `2026-01-01T${clock}.000Z`, operation, duration_ms: ms, msg: operation });
  // 10, 20, ... 100 ms across a rotated gzipped file and the live file; one line from before the window.
  const older = [10, 20, 30, 40, 50].map((ms, index) => perf(`11:0${index}:30`, 'agent.context_selection', ms));
  const newer = [60, 70, 80, 90, 100].map((ms, index) => perf(`11:1${index}:30`, 'agent.context_selection', ms));
  await writeFile(path.join(logDir, 'performance.20260101-111000-01.log.gz'), gzipSync(`${JSON.stringify({ level: 'info', time: '2025-12-01T00:00:00.000Z', operation: 'agent.context_selection', duration_ms: 999 })}\n${older.join('\n')}\n`));
  // A rotation cut short: the gzip stream ends mid-way.
  const truncated = gzipSync(`${perf('11:00:01', 'github.create_pr', 5)}\n`.repeat(50));
  await writeFile(path.join(logDir, 'performance.20260101-110500-01.log.gz'), truncated.subarray(0, Math.floor(truncated.length / 2)));
  // Live file: two malformed lines, and a last line still being written (no newline yet).
  await writeFile(path.join(logDir, 'performance.log'), `${newer.slice(0, 2).join('\n')}\nnot json at all\n[1,2,3]\n${newer.slice(2).join('\n')}\n{"level":"info","time":"2026-01-01T11:59`);
  await writeFile(path.join(logDir, 'errors.log'), [
    JSON.stringify({ level: 'error', time: '2026-01-01T11:30:03.000Z', request_id: 'r4', code: 'agent_failed', error: { type: 'TinyBackspaceError', message: 'No provider could make the change: OpenAI: 500.', code: 'agent_failed' }, msg: 'run failed' }),
    JSON.stringify({ level: 'error', time: '2026-01-01T11:45:00.000Z', error: { type: 'Error', message: 'EBUSY' }, msg: 'temp dir removal failed' }),
  ].join('\n') + '\n');
  await writeFile(path.join(logDir, 'app.log'), `${JSON.stringify({ level: 'info', time: '2026-01-01T11:00:00.000Z', request_id: 'r1', msg: 'run started' })}\n`);
  // Rotated out long before the oldest analysed run: never opened (its damage would show if it were).
  await writeFile(path.join(logDir, 'performance.20251201-000000-01.log.gz'), gzipSync('damaged old line\n'));
  // Files that are not logs of a category are left alone.
  await writeFile(path.join(logDir, 'performance.log.bak'), 'garbage\n');
  await writeFile(path.join(logDir, '.performance.rotation-history'), 'performance.20260101-111000-01.log.gz\n');

  report = await buildHealthReport({ logDir, now: () => NOW });
});

after(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

test('the report is a valid HealthReport document', () => {
  assert.doesNotThrow(() => HealthReportSchema.parse(report));
});

test('per-operation stats come from the live, rotated and gzipped files, within the analysis window', () => {
  const selection = report.operations.find((operation) => operation.operation === 'agent.context_selection');
  assert.deepEqual(selection, { operation: 'agent.context_selection', count: 10, mean_ms: 55, p50_ms: 50, p95_ms: 100, max_ms: 100 });
});

test('malformed lines are skipped and counted per file; a line still being written is not damage', () => {
  const byFile = new Map(report.source.malformed_by_file.map((row) => [row.key, row.count]));
  assert.equal(byFile.get('performance.log'), 2);
  assert.ok((byFile.get('performance.20260101-110500-01.log.gz') ?? 0) >= 1, 'a truncated gzip counts as damaged');
  assert.equal(byFile.get(path.join('traces', 'r7.jsonl')), 1, 'a trace line that is not an event');
  assert.equal(byFile.has('performance.log.bak'), false, 'files of no category are not read');
  assert.equal(byFile.has('performance.20251201-000000-01.log.gz'), false, 'files rotated out before the analysed runs are skipped');
  assert.equal(report.source.malformed_lines, [...byFile.values()].reduce((sum, count) => sum + count, 0));
  assert.ok(report.recommendations.some((item) => item.message.includes('malformed log line')));
});

test('runs: completion rate counts completed against failed, leaves cancellations out, and tells active from dead', () => {
  assert.deepEqual(
    { ...report.runs, mean_duration_ms: undefined, p95_duration_ms: undefined },
    { total: 7, completed: 3, failed: 1, cancelled: 1, running: 1, completion_rate: 0.75, mean_duration_ms: undefined, p95_duration_ms: undefined },
  );
  assert.deepEqual(report.live, { source: 'files', active_runs: 1, requests_per_minute: 1, errors_per_minute: 0, total_runs: 7 });
  assert.ok(report.recommendations.some((item) => item.message.startsWith('1 run(s) stopped without a final event') && item.request_ids?.includes('r7')));
});

test('providers: a fallback is a provider the chain moved on from; a retry that recovered is not', () => {
  const byName = new Map(report.providers.map((row) => [row.provider, row]));
  const anthropic = byName.get('anthropic');
  const openai = byName.get('openai');
  assert.deepEqual(
    { attempts: anthropic?.attempts, successes: anthropic?.successes, fallbacks: anthropic?.fallbacks, failures: anthropic?.failures },
    { attempts: 5, successes: 1, fallbacks: 3, failures: 0 },
  );
  assert.deepEqual(anthropic?.fallback_reasons, [
    { reason: '529 overloaded', count: 2 },
    { reason: '401 unauthorized (not retried)', count: 1 },
  ]);
  assert.equal(anthropic?.fallback_rate, 0.6);
  assert.deepEqual({ attempts: openai?.attempts, successes: openai?.successes, fallbacks: openai?.fallbacks, failures: openai?.failures }, { attempts: 3, successes: 2, fallbacks: 0, failures: 1 });
  const advice = report.recommendations.find((item) => item.message.startsWith('Anthropic failed'));
  assert.equal(advice?.message.split('.')[0], 'Anthropic failed 3 of the last 5 runs with 529 overloaded; OpenAI served 2 of them');
  assert.equal(advice?.severity, 'critical');
  assert.deepEqual(advice?.request_ids, ['r4', 'r2', 'r1']);
});

test('errors by code and by step, enriched from the trace, newest first', () => {
  assert.equal(report.errors.total, 2);
  assert.deepEqual(report.errors.by_code, [
    { key: 'agent_failed', count: 1 },
    { key: 'unclassified', count: 1 },
  ]);
  assert.deepEqual(report.errors.by_step, [
    { key: 'agent', count: 1 },
    { key: 'outside a step', count: 1 },
  ]);
  assert.deepEqual(report.errors.recent.map((error) => [error.request_id ?? null, error.code, error.step ?? null, error.message]), [
    [null, 'unclassified', null, 'temp dir removal failed: EBUSY'],
    ['r4', 'agent_failed', 'agent', 'No provider could make the change: OpenAI: 500.'],
  ]);
  assert.equal(report.errors.recent[1]?.remedy, 'Set ANTHROPIC_API_KEY or OPENAI_API_KEY and run again.');
});

test('steps: p50/p95 per step against budgets, and the last run as a waterfall', () => {
  const clone = report.steps.find((step) => step.step === 'clone');
  assert.deepEqual(clone, { step: 'clone', count: 5, p50_ms: 1000, p95_ms: 90_000, max_ms: 90_000, budget_ms: 60_000, slow: true });
  assert.deepEqual(report.steps.map((step) => step.step), ['validate', 'sandbox', 'clone', 'analyze', 'agent', 'apply', 'validate_changes', 'pull_request']);
  assert.ok(report.recommendations.some((item) => item.message.startsWith('Step clone takes 90 s at p95, over its 60 s budget.')));
  assert.equal(report.last_run?.request_id, 'r6');
  assert.equal(report.last_run?.status, 'running');
  assert.deepEqual(report.last_run?.steps, [
    { step: 'validate', offset_ms: 10, duration_ms: 100, outcome: 'ok' },
    { step: 'sandbox', offset_ms: 200, duration_ms: 0, outcome: 'running' },
  ]);
});

test('token and cost totals per provider', () => {
  assert.equal(report.usage.input_tokens, 900);
  assert.equal(report.usage.output_tokens, 180);
  assert.equal(report.usage.cost_usd, 0.016);
  assert.deepEqual(report.usage.by_provider, [
    { provider: 'anthropic', input_tokens: 500, output_tokens: 80, cost_usd: 0.012 },
    { provider: 'openai', input_tokens: 400, output_tokens: 100, cost_usd: 0.004 },
  ]);
});

test('the health score for this fixture, factor by factor', () => {
  assert.deepEqual(report.score.factors.map((factor) => [factor.name, factor.score, factor.points]), [
    ['completion_rate', 0.75, 45],
    // Two error lines, one of them the failed run's own: only the other counts here.
    ['error_frequency', 0.857, 12.9],
    ['slow_steps', 0.958, 9.6],
    // Fallbacks only: the provider failure that failed a run counts under completion_rate.
    ['provider_reliability', 0.625, 9.4],
  ]);
  assert.equal(report.score.value, 77);
  assert.equal(report.score.status, 'degraded');
});

test('readJsonLines: blank lines ignored, non-objects counted, an unterminated last line that parses is kept', async () => {
  const file = path.join(root, 'lines.jsonl');
  await writeFile(file, '{"a":1}\n\n  \n"text"\n{"b":2}');
  const result = await readJsonLines(file);
  assert.deepEqual(result.records, [{ a: 1 }, { b: 2 }]);
  assert.equal(result.malformed, 1);
  assert.equal(result.lines, 3);
  assert.deepEqual(await readJsonLines(path.join(root, 'missing.jsonl')), { records: [], lines: 0, malformed: 0 });
});
