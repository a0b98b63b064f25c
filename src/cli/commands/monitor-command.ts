import { parseArgs } from 'node:util';
import type { HealthReport } from '../../protocol/health-report';
import { buildHealthReport, DEFAULT_STALE_AFTER_MS } from '../../core/observability/build-health-report';
import { LogDirFollower } from '../monitor/log-dir-follower';
import { buildMonitorSnapshot } from '../monitor/monitor-snapshot';
import { renderMonitor } from '../monitor/render-monitor';
import { TerminalScreen } from '../monitor/terminal-screen';
import type { Output } from '../render/renderer';
import { UsageError } from '../usage-error';
import { logDirFrom } from './health-command';

export const MONITOR_USAGE = `Usage: tiny-backspace monitor [--log-dir <dir>] [--interval <ms>] [--once]

A live dashboard of every run that writes to a log directory (CLI runs and "serve", which share
TINY_BACKSPACE_LOG_DIR): it follows the run traces and errors.log as they grow and shows requests and
errors per minute, active runs, durations, provider usage, the last errors and the health summary.
Redraws in place; Ctrl-C exits.

Options:
  --log-dir <dir>   Log directory (default: $TINY_BACKSPACE_LOG_DIR, else ./logs)
  --interval <ms>   Redraw interval (default 1000)
  --once            Print one frame and exit (also what happens when stdout is not a terminal)`;

export interface MonitorCommandIo {
  readonly stdout: Output;
  readonly env: NodeJS.ProcessEnv;
  /** Aborting it (Ctrl-C) ends the monitor and restores the terminal. */
  readonly signal: AbortSignal;
  readonly cwd?: string;
  readonly columns?: () => number | undefined;
  readonly now?: () => number;
}

const WINDOW_MS = 15 * 60_000;
/** The full report reads every log file, so it refreshes less often than the live figures. */
const HEALTH_REFRESH_MS = 10_000;

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

export async function monitorCommand(argv: readonly string[], io: MonitorCommandIo): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: { 'log-dir': { type: 'string' }, interval: { type: 'string' }, once: { type: 'boolean', default: false } },
    strict: true,
    allowPositionals: false,
  });
  const interval = values.interval === undefined ? 1000 : Number(values.interval);
  if (!Number.isInteger(interval) || interval < 100) throw new UsageError(`--interval must be a whole number of milliseconds, at least 100 (got "${values.interval}").`, MONITOR_USAGE);
  const now = io.now ?? Date.now;
  const logDir = logDirFrom(values['log-dir'], io.env, io.cwd);
  const follower = new LogDirFollower(logDir, { windowMs: WINDOW_MS, now });
  const tty = io.stdout.isTTY === true;
  let health: HealthReport | undefined;
  let healthAt = Number.NEGATIVE_INFINITY;

  const frame = async (): Promise<string[]> => {
    await follower.poll();
    if (now() - healthAt >= HEALTH_REFRESH_MS) {
      health = await buildHealthReport({ logDir, now }).catch(() => health);
      healthAt = now();
    }
    const snapshot = buildMonitorSnapshot({
      now: now(),
      logDir,
      windowMs: WINDOW_MS,
      staleAfterMs: DEFAULT_STALE_AFTER_MS,
      runs: follower.runs(),
      errors: follower.recentErrors(5),
      ...(health ? { health } : {}),
    });
    // A pseudo-terminal can report 0 columns; treat that as unknown.
    return renderMonitor(snapshot, { width: io.columns?.() || 100, color: tty });
  };

  if (values.once || !tty) {
    io.stdout.write(`${(await frame()).join('\n')}\n`);
    return 0;
  }
  const screen = new TerminalScreen(io.stdout);
  screen.enter();
  try {
    while (!io.signal.aborted) {
      screen.draw(await frame());
      await delay(interval, io.signal);
    }
  } finally {
    screen.restore();
  }
  return 0;
}
