import { HEALTH_REPORT_VERSION, type HealthReport, type LiveMetricsReport, type OperationStats, type StepStats } from '../../protocol/health-report';
import { STEP_NAMES } from '../../protocol/run-events';
import type { LiveMetrics } from '../runs/run-registry';
import { durationStats } from './duration-stats';
import { analyseErrors } from './error-analysis';
import { computeHealthScore, stepBudget } from './health-score';
import { readLogDir, type LogDirContents } from './log-dir-reader';
import { providerStats, usageTotals } from './provider-stats';
import type { JsonRecord } from './read-json-lines';
import { recommendations } from './recommendations';
import { runFacts, type RunFacts } from './run-facts';

export interface BuildHealthReportOptions {
  readonly logDir: string;
  /** This host's registry: live figures come from it instead of the files. */
  readonly registry?: { metrics(): LiveMetrics };
  /** Newest traces analysed (default 100). */
  readonly maxRuns?: number;
  readonly now?: () => number;
  /** A trace silent this long without a final event is a run that died, not one in progress (default 15 min). */
  readonly staleAfterMs?: number;
}

export const DEFAULT_STALE_AFTER_MS = 15 * 60_000;
const MINUTE = 60_000;

/** Reads `logDir` (logs, rotated and gzipped files, traces) and computes the health report. */
export async function buildHealthReport(options: BuildHealthReportOptions): Promise<HealthReport> {
  const contents = await readLogDir(options.logDir, options.maxRuns === undefined ? {} : { maxRuns: options.maxRuns });
  return healthReportFromContents(contents, options);
}

const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
const lineTime = (line: JsonRecord) => Date.parse(str(line.time) ?? '') || 0;

/** Runs a host logged (performance.log `run` lines) without writing a trace, so they still count. */
function runsFromPerformance(lines: readonly JsonRecord[], traced: ReadonlySet<string>): RunFacts[] {
  const runs: RunFacts[] = [];
  for (const line of lines) {
    const requestId = str(line.request_id);
    if (line.operation !== 'run' || !requestId || traced.has(requestId)) continue;
    const outcome = line.outcome === 'completed' || line.outcome === 'failed' || line.outcome === 'cancelled' ? line.outcome : undefined;
    if (!outcome) continue;
    const end = lineTime(line);
    const durationMs = num(line.duration_ms) ?? 0;
    runs.push({ requestId, startedAt: end - durationMs, lastEventAt: end, status: outcome, durationMs, steps: [], providersTried: [], fallbacks: [], usage: [] });
  }
  return runs;
}

function operationStats(lines: readonly JsonRecord[]): OperationStats[] {
  const byOperation = new Map<string, number[]>();
  for (const line of lines) {
    const operation = str(line.operation);
    const duration = num(line.duration_ms);
    if (operation === undefined || duration === undefined) continue;
    const values = byOperation.get(operation) ?? [];
    values.push(duration);
    byOperation.set(operation, values);
  }
  return [...byOperation.entries()]
    .map(([operation, values]) => {
      const stats = durationStats(values);
      return { operation, count: stats.count, mean_ms: stats.mean, p50_ms: stats.p50, p95_ms: stats.p95, max_ms: stats.max };
    })
    .sort((a, b) => a.operation.localeCompare(b.operation));
}

const stepOrder = (step: string) => {
  const index = (STEP_NAMES as readonly string[]).indexOf(step);
  return index === -1 ? STEP_NAMES.length : index;
};

/** Per step, from performance.log `step.<name>` lines, or the traces when no such line exists. */
function stepStats(performance: readonly JsonRecord[], runs: readonly RunFacts[]): StepStats[] {
  const durations = new Map<string, number[]>();
  const add = (step: string, ms: number) => {
    const values = durations.get(step);
    if (values) values.push(ms);
    else durations.set(step, [ms]);
  };
  for (const line of performance) {
    const operation = str(line.operation);
    const ms = num(line.duration_ms);
    if (operation?.startsWith('step.') && ms !== undefined) add(operation.slice('step.'.length), ms);
  }
  if (durations.size === 0) for (const run of runs) for (const step of run.steps) if (step.outcome !== 'running') add(step.step, step.duration_ms);
  return [...durations.entries()]
    .map(([step, values]) => {
      const stats = durationStats(values);
      const budget = stepBudget(step);
      return { step, count: stats.count, p50_ms: stats.p50, p95_ms: stats.p95, max_ms: stats.max, budget_ms: budget, slow: stats.p95 > budget };
    })
    .sort((a, b) => stepOrder(a.step) - stepOrder(b.step) || a.step.localeCompare(b.step));
}

function liveFromRuns(runs: readonly RunFacts[], now: number, staleAfterMs: number): LiveMetricsReport {
  return {
    source: 'files',
    active_runs: runs.filter((run) => run.status === 'running' && now - run.lastEventAt < staleAfterMs).length,
    requests_per_minute: runs.filter((run) => run.startedAt >= now - MINUTE).length,
    errors_per_minute: runs.filter((run) => run.status === 'failed' && run.lastEventAt >= now - MINUTE).length,
    total_runs: runs.length,
  };
}

/** The pure half of `buildHealthReport`, for contents already read (tests, the monitor). */
export function healthReportFromContents(contents: LogDirContents, options: BuildHealthReportOptions): HealthReport {
  const now = (options.now ?? Date.now)();
  const staleAfterMs = options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
  const traced = contents.traces.map((trace) => runFacts(trace.requestId, trace.events));
  // The analysis window is the analysed runs: log lines older than the oldest of them are out of it.
  const windowStart = traced.length === 0 ? 0 : Math.min(...traced.map((run) => run.startedAt)) - 1000;
  const inWindow = (lines: readonly JsonRecord[]) => lines.filter((line) => lineTime(line) >= windowStart);
  const performance = inWindow(contents.logs.performance);
  const errorLines = inWindow(contents.logs.errors);
  const runs = [...traced, ...runsFromPerformance(performance, new Set(traced.map((run) => run.requestId)))].sort((a, b) => b.startedAt - a.startedAt);

  const count = (status: RunFacts['status']) => runs.filter((run) => run.status === status).length;
  const completed = count('completed');
  const failed = count('failed');
  const staleRuns = runs.filter((run) => run.status === 'running' && now - run.lastEventAt >= staleAfterMs).map((run) => run.requestId);
  const durations = durationStats(runs.filter((run) => run.status !== 'running' && run.durationMs !== undefined).map((run) => run.durationMs as number));
  const completionRate = completed + failed === 0 ? null : Math.round((completed / (completed + failed)) * 1000) / 1000;

  const steps = stepStats(performance, runs);
  const providers = providerStats(runs);
  // The offline agent is deterministic: when it passes a prompt on, that is the prompt's nature, not unreliability.
  const aiProviders = providers.filter((row) => row.provider !== 'offline');
  const errors = analyseErrors(errorLines, runs);
  const hasData = runs.length > 0 || contents.source.linesRead > 0;
  // A failed run counts once, in completion_rate: its own error lines are not counted again.
  const failedRuns = new Set(runs.filter((run) => run.status === 'failed').map((run) => run.requestId));
  const otherErrors = errorLines.filter((line) => !failedRuns.has(String(line.request_id ?? ''))).length;
  const score = computeHealthScore({
    completed,
    failed,
    runs: runs.length,
    errors: otherErrors,
    steps,
    providerAttempts: aiProviders.reduce((sum, row) => sum + row.attempts, 0),
    providerFallbacks: aiProviders.reduce((sum, row) => sum + row.fallbacks, 0),
    providerFailures: aiProviders.reduce((sum, row) => sum + row.failures, 0),
    hasData,
  });
  const lastRun = runs.find((run) => run.steps.length > 0);
  const registryMetrics = options.registry?.metrics();

  return {
    version: HEALTH_REPORT_VERSION,
    generated_at: new Date(now).toISOString(),
    score,
    runs: {
      total: runs.length,
      completed,
      failed,
      cancelled: count('cancelled'),
      running: count('running') - staleRuns.length,
      completion_rate: completionRate,
      mean_duration_ms: durations.count === 0 ? null : durations.mean,
      p95_duration_ms: durations.count === 0 ? null : durations.p95,
    },
    live: registryMetrics
      ? {
          source: 'registry',
          active_runs: registryMetrics.activeRuns,
          requests_per_minute: registryMetrics.requestsPerMinute,
          errors_per_minute: registryMetrics.errorsPerMinute,
          total_runs: registryMetrics.totalRuns,
        }
      : liveFromRuns(runs, now, staleAfterMs),
    operations: operationStats(performance),
    steps,
    last_run: lastRun
      ? {
          request_id: lastRun.requestId,
          status: lastRun.status,
          started_at: new Date(lastRun.startedAt).toISOString(),
          ...(lastRun.durationMs === undefined ? {} : { duration_ms: lastRun.durationMs }),
          ...(lastRun.repo ? { repo: lastRun.repo } : {}),
          ...(lastRun.agent ? { agent: lastRun.agent } : {}),
          steps: [...lastRun.steps],
        }
      : null,
    providers,
    usage: usageTotals(runs),
    errors: { total: errors.total, by_code: [...errors.byCode], by_step: [...errors.byStep], recent: [...errors.recent] },
    recommendations: recommendations({
      runs,
      providers,
      steps,
      errors,
      completionRate,
      malformedLines: contents.source.malformedLines,
      staleRuns,
      logDir: options.logDir,
    }),
    source: {
      files_read: contents.source.filesRead,
      lines_read: contents.source.linesRead,
      malformed_lines: contents.source.malformedLines,
      malformed_by_file: [...contents.source.malformedByFile.entries()].map(([key, value]) => ({ key, count: value })),
    },
  };
}
