/** count, mean, p50, p95 and max of a set of durations; percentiles by the nearest-rank method. */
export interface DurationStats {
  readonly count: number;
  readonly mean: number;
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
}

/** Nearest rank: the smallest value with at least `fraction` of the values at or below it. */
export function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(fraction * sorted.length)));
  return sorted[rank - 1] ?? 0;
}

export function durationStats(values: readonly number[]): DurationStats {
  const sorted = values.filter((value) => Number.isFinite(value) && value >= 0).sort((a, b) => a - b);
  if (sorted.length === 0) return { count: 0, mean: 0, p50: 0, p95: 0, max: 0 };
  const sum = sorted.reduce((total, value) => total + value, 0);
  return {
    count: sorted.length,
    mean: roundMs(sum / sorted.length),
    p50: roundMs(percentile(sorted, 0.5)),
    p95: roundMs(percentile(sorted, 0.95)),
    max: roundMs(sorted[sorted.length - 1] ?? 0),
  };
}

export function roundMs(value: number): number {
  return Math.round(value * 10) / 10;
}
