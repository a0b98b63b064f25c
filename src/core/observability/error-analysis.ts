import type { RecentError } from '../../protocol/health-report';
import type { JsonRecord } from './read-json-lines';
import type { RunFacts } from './run-facts';

export interface ErrorEntry {
  readonly time: number;
  readonly requestId?: string;
  readonly code: string;
  readonly step?: string;
  readonly message: string;
  readonly remedy?: string;
}

export interface ErrorAnalysis {
  readonly total: number;
  readonly byCode: ReadonlyArray<{ key: string; count: number }>;
  readonly byStep: ReadonlyArray<{ key: string; count: number }>;
  readonly recent: readonly RecentError[];
  readonly entries: readonly ErrorEntry[];
}

const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
export const UNCLASSIFIED = 'unclassified';

/**
 * One entry per errors.log line, enriched from the run's trace (step, the user-facing message and
 * remedy), plus failed runs whose errors.log line is gone (rotated away, or a host without file logs).
 */
export function errorEntries(errorLines: readonly JsonRecord[], runs: readonly RunFacts[]): ErrorEntry[] {
  const runsById = new Map(runs.map((run) => [run.requestId, run]));
  const logged = new Set<string>();
  const entries: ErrorEntry[] = [];
  for (const line of errorLines) {
    const error = (line.error ?? {}) as JsonRecord;
    const code = str(line.code) ?? str(error.code) ?? UNCLASSIFIED;
    const requestId = str(line.request_id);
    const run = requestId ? runsById.get(requestId) : undefined;
    const runError = run?.error?.code === code ? run.error : undefined;
    if (requestId && runError) logged.add(requestId);
    const detail = str(error.message);
    const step = str(line.step) ?? runError?.step;
    const remedy = str(error.remedy) ?? runError?.remedy;
    entries.push({
      time: Date.parse(str(line.time) ?? '') || 0,
      ...(requestId ? { requestId } : {}),
      code,
      ...(step ? { step } : {}),
      message: runError?.message ?? (detail ? `${str(line.msg) ?? 'error'}: ${detail}` : (str(line.msg) ?? 'error')),
      ...(remedy ? { remedy } : {}),
    });
  }
  for (const run of runs) {
    if (run.status !== 'failed' || !run.error || logged.has(run.requestId)) continue;
    const { code, message, remedy, step, time } = run.error;
    entries.push({ time, requestId: run.requestId, code, message, ...(step ? { step } : {}), ...(remedy ? { remedy } : {}) });
  }
  return entries.sort((a, b) => b.time - a.time);
}

function countBy(entries: readonly ErrorEntry[], key: (entry: ErrorEntry) => string | undefined) {
  const counts = new Map<string, number>();
  for (const entry of entries) {
    const value = key(entry);
    if (value !== undefined) counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k, count]) => ({ key: k, count }));
}

export function analyseErrors(errorLines: readonly JsonRecord[], runs: readonly RunFacts[], recentLimit = 10): ErrorAnalysis {
  const entries = errorEntries(errorLines, runs);
  return {
    total: entries.length,
    byCode: countBy(entries, (entry) => entry.code),
    byStep: countBy(entries, (entry) => entry.step ?? 'outside a step'),
    recent: entries.slice(0, recentLimit).map((entry) => ({
      time: new Date(entry.time).toISOString(),
      ...(entry.requestId ? { request_id: entry.requestId } : {}),
      code: entry.code,
      ...(entry.step ? { step: entry.step } : {}),
      message: entry.message,
      ...(entry.remedy ? { remedy: entry.remedy } : {}),
    })),
    entries,
  };
}
