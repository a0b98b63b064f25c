import { z } from 'zod';

/**
 * The health report: one JSON document that `tiny-backspace health --json`, the server's `GET /health`
 * and the VS Code health view all show, so the three never disagree. Durations are milliseconds, rates
 * are fractions from 0 to 1, times are ISO 8601.
 */
export const HEALTH_REPORT_VERSION = 1;

const rate = z.number().min(0).max(1);
const ms = z.number().nonnegative();

export const HealthStatusSchema = z.enum(['healthy', 'degraded', 'unhealthy', 'no_data']);
export type HealthStatus = z.infer<typeof HealthStatusSchema>;

/** One term of the score: `points = weight * score`; the four weights add up to 100. */
export const HealthFactorSchema = z.object({
  name: z.enum(['completion_rate', 'error_frequency', 'slow_steps', 'provider_reliability']),
  weight: z.number().nonnegative(),
  /** 0 (worst) to 1 (best). */
  score: rate,
  points: z.number().nonnegative(),
  detail: z.string(),
});
export type HealthFactor = z.infer<typeof HealthFactorSchema>;

export const OperationStatsSchema = z.object({
  operation: z.string(),
  count: z.number().int().nonnegative(),
  mean_ms: ms,
  p50_ms: ms,
  p95_ms: ms,
  max_ms: ms,
});
export type OperationStats = z.infer<typeof OperationStatsSchema>;

export const StepStatsSchema = z.object({
  step: z.string(),
  count: z.number().int().nonnegative(),
  p50_ms: ms,
  p95_ms: ms,
  max_ms: ms,
  /** The p95 this step is expected to stay under; above it the step counts as slow. */
  budget_ms: ms,
  slow: z.boolean(),
});
export type StepStats = z.infer<typeof StepStatsSchema>;

export const StepTimingSchema = z.object({
  step: z.string(),
  /** Start relative to the run's start. */
  offset_ms: ms,
  duration_ms: ms,
  outcome: z.enum(['ok', 'skipped', 'failed', 'cancelled', 'running']),
});
export type StepTiming = z.infer<typeof StepTimingSchema>;

export const RunStatusSchema = z.enum(['running', 'completed', 'failed', 'cancelled']);

export const LastRunSchema = z.object({
  request_id: z.string(),
  status: RunStatusSchema,
  started_at: z.string(),
  duration_ms: ms.optional(),
  repo: z.string().optional(),
  agent: z.string().optional(),
  steps: z.array(StepTimingSchema),
});
export type LastRun = z.infer<typeof LastRunSchema>;

export const ProviderStatsSchema = z.object({
  provider: z.string(),
  /** Runs in which the provider was tried. */
  attempts: z.number().int().nonnegative(),
  /** Runs whose change it produced. */
  successes: z.number().int().nonnegative(),
  /** Runs in which it failed and the next provider took over. */
  fallbacks: z.number().int().nonnegative(),
  /** Runs in which it failed and nothing took over (the run failed). */
  failures: z.number().int().nonnegative(),
  success_rate: rate,
  fallback_rate: rate,
  failure_rate: rate,
  fallback_reasons: z.array(z.object({ reason: z.string(), count: z.number().int().positive() })),
});
export type ProviderStats = z.infer<typeof ProviderStatsSchema>;

export const UsageTotalsSchema = z.object({
  input_tokens: z.number().int().nonnegative(),
  output_tokens: z.number().int().nonnegative(),
  cost_usd: z.number().nonnegative(),
  by_provider: z.array(
    z.object({
      provider: z.string(),
      input_tokens: z.number().int().nonnegative(),
      output_tokens: z.number().int().nonnegative(),
      cost_usd: z.number().nonnegative(),
    }),
  ),
});
export type UsageTotals = z.infer<typeof UsageTotalsSchema>;

export const RecentErrorSchema = z.object({
  time: z.string(),
  /** Finds every line about the run in every log, and its trace. */
  request_id: z.string().optional(),
  code: z.string(),
  step: z.string().optional(),
  message: z.string(),
  remedy: z.string().optional(),
});
export type RecentError = z.infer<typeof RecentErrorSchema>;

export const CountSchema = z.object({ key: z.string(), count: z.number().int().nonnegative() });

export const RecommendationSchema = z.object({
  severity: z.enum(['info', 'warning', 'critical']),
  message: z.string(),
  request_ids: z.array(z.string()).optional(),
});
export type Recommendation = z.infer<typeof RecommendationSchema>;

export const LiveMetricsSchema = z.object({
  /** `registry`: this host's run registry; `files`: derived from the traces on disk. */
  source: z.enum(['registry', 'files']),
  active_runs: z.number().int().nonnegative(),
  requests_per_minute: z.number().nonnegative(),
  errors_per_minute: z.number().nonnegative(),
  total_runs: z.number().int().nonnegative(),
});
export type LiveMetricsReport = z.infer<typeof LiveMetricsSchema>;

export const HealthReportSchema = z.object({
  version: z.literal(HEALTH_REPORT_VERSION),
  generated_at: z.string(),
  score: z.object({
    value: z.number().min(0).max(100),
    status: HealthStatusSchema,
    factors: z.array(HealthFactorSchema),
  }),
  runs: z.object({
    /** Runs analysed: the most recent traces, up to the analyser's limit. */
    total: z.number().int().nonnegative(),
    completed: z.number().int().nonnegative(),
    failed: z.number().int().nonnegative(),
    cancelled: z.number().int().nonnegative(),
    running: z.number().int().nonnegative(),
    /** completed / (completed + failed); cancellations are the user's choice and not counted. Null without finished runs. */
    completion_rate: rate.nullable(),
    mean_duration_ms: ms.nullable(),
    p95_duration_ms: ms.nullable(),
  }),
  live: LiveMetricsSchema,
  operations: z.array(OperationStatsSchema),
  steps: z.array(StepStatsSchema),
  last_run: LastRunSchema.nullable(),
  providers: z.array(ProviderStatsSchema),
  usage: UsageTotalsSchema,
  errors: z.object({
    total: z.number().int().nonnegative(),
    by_code: z.array(CountSchema),
    by_step: z.array(CountSchema),
    recent: z.array(RecentErrorSchema),
  }),
  recommendations: z.array(RecommendationSchema),
  source: z.object({
    files_read: z.number().int().nonnegative(),
    lines_read: z.number().int().nonnegative(),
    malformed_lines: z.number().int().nonnegative(),
    /** File name (relative to the log directory) to malformed-line count, for files that had any. */
    malformed_by_file: z.array(CountSchema),
  }),
});
export type HealthReport = z.infer<typeof HealthReportSchema>;
