// The health report's worst case: a log directory with 32,000 performance lines of one step, 8,000 error
// lines and 100 traces of 300 events each (the analyser's run limit). The baseline is the first version,
// whose step statistics copied the step's array on every line (14.7 s for 32,000 lines when reported).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildHealthReport } from '../src/core/observability/build-health-report';
import { STEP_NAMES } from '../src/protocol/run-events';
import { median } from './stats';

const PERFORMANCE_LINES = 32_000;
const ERROR_LINES = 8_000;
const TRACES = 100;
const EVENTS_PER_TRACE = 300;
/** The first version's statistics on this same input, measured here: 24.9 s. */
const BASELINE_MS = 24_900;

async function createLogDir(root: string): Promise<string> {
  const dir = path.join(root, 'logs');
  await mkdir(path.join(dir, 'traces'), { recursive: true });
  const start = Date.now() - 3_600_000;
  const time = (offset: number) => new Date(start + offset).toISOString();
  const perf: string[] = [];
  for (let index = 0; index < PERFORMANCE_LINES; index += 1) {
    // One step for every line: the shape that made the first version's statistics quadratic.
    const step = 'agent';
    perf.push(JSON.stringify({ level: 'info', time: time(index * 10), request_id: `run-${index % TRACES}`, msg: `step.${step}`, operation: `step.${step}`, duration_ms: 100 + (index % 977), outcome: 'ok' }));
  }
  await writeFile(path.join(dir, 'performance.log'), `${perf.join('\n')}\n`);
  const errors: string[] = [];
  for (let index = 0; index < ERROR_LINES; index += 1) {
    errors.push(JSON.stringify({ level: 'error', time: time(index * 40), request_id: `run-${index % TRACES}`, msg: 'run failed', code: index % 3 === 0 ? 'provider_error' : 'checks_failed', error: { message: `failure ${index}` } }));
  }
  await writeFile(path.join(dir, 'errors.log'), `${errors.join('\n')}\n`);
  for (let run = 0; run < TRACES; run += 1) {
    const requestId = `run-${run}`;
    const events: string[] = [];
    const base = { version: 1, request_id: requestId, progress: 0, type: 'info' };
    events.push(JSON.stringify({ ...base, seq: 1, kind: 'run_started', step: 'validate', timestamp: time(run * 1000), message: 'start', repo: 'https://github.com/octo/widgets', prompt: 'p', dry_run: false }));
    for (let seq = 2; seq < EVENTS_PER_TRACE; seq += 1) {
      const step = STEP_NAMES[seq % STEP_NAMES.length];
      const kind = seq % 3 === 0 ? 'step_started' : seq % 3 === 1 ? 'step_finished' : 'thinking';
      events.push(JSON.stringify({ ...base, seq, kind, step, timestamp: time(run * 1000 + seq), message: kind, duration_ms: 5, outcome: 'ok', topic: 'plan' }));
    }
    events.push(JSON.stringify({ ...base, seq: EVENTS_PER_TRACE, kind: run % 4 === 0 ? 'failed' : 'completed', step: 'pull_request', timestamp: time(run * 1000 + 900), message: 'end', duration_ms: 900, agent: 'offline', summary: '', changed_files: [], dry_run: false, error: { code: 'checks_failed', message: 'x' } }));
    await writeFile(path.join(dir, 'traces', `${requestId}.jsonl`), `${events.join('\n')}\n`);
  }
  return dir;
}

export async function benchHealthReport(): Promise<Record<string, number | string>> {
  const root = await mkdtemp(path.join(tmpdir(), 'tb-bench-health-'));
  try {
    const logDir = await createLogDir(root);
    const times: number[] = [];
    let report: Awaited<ReturnType<typeof buildHealthReport>> | undefined;
    for (let round = 0; round < 5; round += 1) {
      const started = performance.now();
      report = await buildHealthReport({ logDir });
      times.push(performance.now() - started);
    }
    const ms = median(times);
    return {
      'input': `${PERFORMANCE_LINES} performance + ${ERROR_LINES} error lines, ${TRACES} traces x ${EVENTS_PER_TRACE} events`,
      'report build, median of 5 (ms)': Math.round(ms),
      'ratio to the first version (24.9 s)': (ms / BASELINE_MS).toFixed(3),
      'lines read': report?.source.lines_read ?? 0,
      'score': `${report?.score.value} ${report?.score.status}`,
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
