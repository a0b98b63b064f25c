import type { HealthReport } from '../../protocol/health-report';
import { durationStats } from '../../core/observability/duration-stats';
import type { JsonRecord } from '../../core/observability/read-json-lines';
import { runFacts } from '../../core/observability/run-facts';
import type { FollowedError } from './log-dir-follower';

export interface ActiveRunView {
  readonly requestId: string;
  readonly repo?: string;
  readonly step?: string;
  readonly progress: number;
  readonly elapsedMs: number;
}

export interface ProviderUsageView {
  readonly provider: string;
  readonly runs: number;
  readonly served: number;
  readonly fallbacks: number;
}

/** Everything one frame of `tiny-backspace monitor` shows; `renderMonitor` turns it into text. */
export interface MonitorSnapshot {
  readonly now: number;
  readonly logDir: string;
  readonly windowMinutes: number;
  readonly requestsPerMinute: number;
  readonly errorsPerMinute: number;
  readonly activeRuns: readonly ActiveRunView[];
  readonly finishedRuns: number;
  readonly completedRuns: number;
  readonly meanDurationMs: number | null;
  readonly p95DurationMs: number | null;
  readonly providers: readonly ProviderUsageView[];
  readonly lastErrors: readonly FollowedError[];
  readonly health?: Pick<HealthReport, 'score' | 'recommendations'>;
}

export interface SnapshotInput {
  readonly now: number;
  readonly logDir: string;
  readonly windowMs: number;
  /** A trace this quiet without a final event belongs to a dead process, not an active run. */
  readonly staleAfterMs: number;
  readonly runs: ReadonlyMap<string, readonly JsonRecord[]>;
  readonly errors: readonly FollowedError[];
  readonly health?: HealthReport;
}

const MINUTE = 60_000;

/** Folds the followed traces and errors into the figures of one frame. */
export function buildMonitorSnapshot(input: SnapshotInput): MonitorSnapshot {
  const facts = [...input.runs.entries()].map(([requestId, events]) => ({ facts: runFacts(requestId, events), events }));
  const active: ActiveRunView[] = [];
  const providers = new Map<string, { runs: number; served: number; fallbacks: number }>();
  for (const { facts: run, events } of facts) {
    if (run.status === 'running' && input.now - run.lastEventAt < input.staleAfterMs) {
      const last = events.reduce((best, event) => ((event.seq as number) > (best.seq as number) ? event : best), events[0] ?? {});
      const step = [...run.steps].reverse().find((item) => item.outcome === 'running')?.step ?? run.steps.at(-1)?.step;
      active.push({
        requestId: run.requestId,
        ...(run.repo ? { repo: run.repo } : {}),
        ...(step ? { step } : {}),
        progress: typeof last.progress === 'number' ? last.progress : 0,
        elapsedMs: Math.max(0, input.now - run.startedAt),
      });
    }
    for (const provider of run.providersTried) {
      const row = providers.get(provider) ?? { runs: 0, served: 0, fallbacks: 0 };
      row.runs += 1;
      if (run.servedBy === provider) row.served += 1;
      if (run.fallbacks.some((fallback) => fallback.provider === provider)) row.fallbacks += 1;
      providers.set(provider, row);
    }
  }
  const finished = facts.map(({ facts: run }) => run).filter((run) => run.status !== 'running' && run.durationMs !== undefined);
  const stats = durationStats(finished.map((run) => run.durationMs as number));
  const recent = (time: number) => time >= input.now - MINUTE && time <= input.now;
  return {
    now: input.now,
    logDir: input.logDir,
    windowMinutes: Math.round(input.windowMs / MINUTE),
    requestsPerMinute: facts.filter(({ facts: run }) => recent(run.startedAt)).length,
    errorsPerMinute: facts.filter(({ facts: run }) => run.status === 'failed' && recent(run.lastEventAt)).length,
    activeRuns: active.sort((a, b) => b.elapsedMs - a.elapsedMs),
    finishedRuns: finished.length,
    completedRuns: finished.filter((run) => run.status === 'completed').length,
    meanDurationMs: stats.count === 0 ? null : stats.mean,
    p95DurationMs: stats.count === 0 ? null : stats.p95,
    providers: [...providers.entries()].map(([provider, row]) => ({ provider, ...row })).sort((a, b) => b.runs - a.runs || a.provider.localeCompare(b.provider)),
    lastErrors: input.errors,
    ...(input.health ? { health: { score: input.health.score, recommendations: input.health.recommendations } } : {}),
  };
}
