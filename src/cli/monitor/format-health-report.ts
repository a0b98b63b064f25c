import type { HealthReport } from '../../protocol/health-report';

/** Text from logs can hold anything a repository or model produced: no terminal escapes reach the screen. */
export function plain(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, '').replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '').replace(/\n/g, ' ');
}

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '-';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function formatRate(rate: number | null): string {
  return rate === null ? '-' : `${Math.round(rate * 100)}%`;
}

const SEVERITY_MARK = { info: 'i', warning: '!', critical: '!!' } as const;

/** `tiny-backspace health`: the whole report as text, the same figures `--json` prints. */
export function formatHealthReport(report: HealthReport, logDir: string): string {
  const lines: string[] = [];
  const { score, runs, live } = report;
  lines.push(`Tiny Backspace health: ${score.value}/100 (${score.status.replace('_', ' ')})`);
  lines.push(`Logs: ${logDir}`);
  for (const factor of score.factors) {
    lines.push(`  ${factor.name.padEnd(21)} ${String(factor.points).padStart(4)} of ${factor.weight}  ${plain(factor.detail)}`);
  }
  lines.push('');
  lines.push(
    `Runs: ${runs.total} analysed: ${runs.completed} completed, ${runs.failed} failed, ${runs.cancelled} cancelled, ${runs.running} running; completion ${formatRate(runs.completion_rate)}; mean ${formatMs(runs.mean_duration_ms)}, p95 ${formatMs(runs.p95_duration_ms)}`,
  );
  lines.push(`Live (${live.source}): ${live.active_runs} active, ${live.requests_per_minute} requests/min, ${live.errors_per_minute} errors/min`);

  if (report.last_run) {
    const last = report.last_run;
    lines.push('', `Last run ${last.request_id} (${last.status}${last.duration_ms === undefined ? '' : `, ${formatMs(last.duration_ms)}`})${last.repo ? ` on ${plain(last.repo)}` : ''}`);
    const total = Math.max(1, ...last.steps.map((step) => step.offset_ms + step.duration_ms));
    for (const step of last.steps) {
      const width = 30;
      const start = Math.round((step.offset_ms / total) * width);
      const length = Math.max(1, Math.round((step.duration_ms / total) * width));
      lines.push(`  ${step.step.padEnd(17)} ${' '.repeat(start)}${'#'.repeat(Math.min(length, width - start + 1))}`.padEnd(52) + ` ${formatMs(step.duration_ms)}${step.outcome === 'ok' ? '' : ` (${step.outcome})`}`);
    }
  }

  if (report.steps.length > 0) {
    lines.push('', `Steps            ${'count'.padStart(6)} ${'p50'.padStart(9)} ${'p95'.padStart(9)} ${'budget'.padStart(9)}`);
    for (const step of report.steps) {
      lines.push(`  ${step.step.padEnd(15)}${String(step.count).padStart(6)} ${formatMs(step.p50_ms).padStart(9)} ${formatMs(step.p95_ms).padStart(9)} ${formatMs(step.budget_ms).padStart(9)}${step.slow ? '  SLOW' : ''}`);
    }
  }
  const other = report.operations.filter((operation) => !operation.operation.startsWith('step.'));
  if (other.length > 0) {
    lines.push('', `Operations       ${'count'.padStart(6)} ${'mean'.padStart(9)} ${'p50'.padStart(9)} ${'p95'.padStart(9)} ${'max'.padStart(9)}`);
    for (const op of other) {
      lines.push(`  ${plain(op.operation).padEnd(15)}${String(op.count).padStart(6)} ${formatMs(op.mean_ms).padStart(9)} ${formatMs(op.p50_ms).padStart(9)} ${formatMs(op.p95_ms).padStart(9)} ${formatMs(op.max_ms).padStart(9)}`);
    }
  }

  if (report.providers.length > 0) {
    lines.push('', 'Providers');
    for (const provider of report.providers) {
      const reason = provider.fallback_reasons[0];
      lines.push(
        `  ${plain(provider.provider).padEnd(12)} tried ${provider.attempts}, served ${formatRate(provider.success_rate)}, fell back ${formatRate(provider.fallback_rate)}, failed ${formatRate(provider.failure_rate)}${reason ? `; top reason: ${plain(reason.reason)} (${reason.count}x)` : ''}`,
      );
    }
  }
  const usage = report.usage;
  lines.push('', `Usage: ${usage.input_tokens.toLocaleString('en-US')} input tokens, ${usage.output_tokens.toLocaleString('en-US')} output tokens, $${usage.cost_usd.toFixed(4)}`);

  const errors = report.errors;
  lines.push('', `Errors: ${errors.total}${errors.by_code.length > 0 ? `; by code: ${errors.by_code.map((row) => `${plain(row.key)} ${row.count}`).join(', ')}` : ''}${errors.by_step.length > 0 ? `; by step: ${errors.by_step.map((row) => `${plain(row.key)} ${row.count}`).join(', ')}` : ''}`);
  for (const error of errors.recent) {
    lines.push(`  ${error.time}  ${error.request_id ?? '-'}  ${plain(error.code)}${error.step ? ` (${plain(error.step)})` : ''}: ${plain(error.message)}`);
  }

  lines.push('', 'Recommendations');
  if (report.recommendations.length === 0) lines.push('  Nothing to do: no problem stands out.');
  for (const item of report.recommendations) lines.push(`  ${SEVERITY_MARK[item.severity].padEnd(2)} ${plain(item.message)}`);
  if (report.source.malformed_lines > 0) {
    lines.push('', `Skipped ${report.source.malformed_lines} malformed line(s) in: ${report.source.malformed_by_file.map((row) => `${plain(row.key)} (${row.count})`).join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}
