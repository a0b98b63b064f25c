import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { buildHealthReport } from '../../core/observability/build-health-report';
import { formatHealthReport } from '../monitor/format-health-report';
import type { Output } from '../render/renderer';
import { UsageError } from '../usage-error';

export const HEALTH_USAGE = `Usage: tiny-backspace health [--json] [--log-dir <dir>] [--runs <n>]

Reads the logs and run traces and prints the health report: score and why, step timings, provider
success/fallback/failure rates, tokens and cost, recent errors by request id, recommendations.

Options:
  --json           The report as one JSON document (the same one GET /health returns)
  --log-dir <dir>  Log directory (default: $TINY_BACKSPACE_LOG_DIR, else ./logs)
  --runs <n>       Analyse the newest n runs (default 100)`;

export interface HealthCommandIo {
  readonly stdout: Output;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

export function logDirFrom(value: string | undefined, env: NodeJS.ProcessEnv, cwd = process.cwd()): string {
  return path.resolve(cwd, value?.trim() || env.TINY_BACKSPACE_LOG_DIR?.trim() || 'logs');
}

export async function healthCommand(argv: readonly string[], io: HealthCommandIo): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: { json: { type: 'boolean', default: false }, 'log-dir': { type: 'string' }, runs: { type: 'string' } },
    strict: true,
    allowPositionals: false,
  });
  const maxRuns = values.runs === undefined ? undefined : Number(values.runs);
  if (maxRuns !== undefined && (!Number.isInteger(maxRuns) || maxRuns < 1)) throw new UsageError(`--runs must be a whole number of at least 1 (got "${values.runs}").`, HEALTH_USAGE);
  const logDir = logDirFrom(values['log-dir'], io.env, io.cwd);
  const report = await buildHealthReport({ logDir, ...(maxRuns === undefined ? {} : { maxRuns }) });
  io.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatHealthReport(report, logDir));
  return 0;
}
