import { formatMs, plain } from './format-health-report';
import type { MonitorSnapshot } from './monitor-snapshot';

export interface RenderOptions {
  /** Terminal columns; every line is cut to fit so a redraw never wraps. */
  readonly width: number;
  readonly color: boolean;
}

const ANSI = { bold: '\u001b[1m', dim: '\u001b[2m', red: '\u001b[31m', green: '\u001b[32m', yellow: '\u001b[33m', reset: '\u001b[0m' } as const;

function clock(time: number): string {
  return new Date(time).toISOString().slice(11, 19);
}

function cut(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

/** One frame of `tiny-backspace monitor` as lines of text; pure, so it is tested on fixed figures. */
export function renderMonitor(snapshot: MonitorSnapshot, options: RenderOptions): string[] {
  const paint = (style: keyof typeof ANSI, text: string) => (options.color ? `${ANSI[style]}${text}${ANSI.reset}` : text);
  const lines: Array<{ text: string; style?: keyof typeof ANSI }> = [];
  const add = (text: string, style?: keyof typeof ANSI) => lines.push(style ? { text, style } : { text });

  add(`Tiny Backspace monitor  ${clock(snapshot.now)} UTC  ${plain(snapshot.logDir)}  (Ctrl-C to exit)`, 'bold');
  const health = snapshot.health?.score;
  if (health) {
    const style = health.status === 'healthy' ? 'green' : health.status === 'degraded' ? 'yellow' : health.status === 'unhealthy' ? 'red' : 'dim';
    add(`Health ${health.value}/100 ${health.status.replace('_', ' ')}`, style);
  } else {
    add('Health: computing…', 'dim');
  }
  add('');
  add(`Requests/min ${String(snapshot.requestsPerMinute).padStart(4)}    Errors/min ${String(snapshot.errorsPerMinute).padStart(4)}    Active runs ${String(snapshot.activeRuns.length).padStart(3)}`, 'bold');
  add(
    snapshot.finishedRuns === 0
      ? `Duration: no run finished in the last ${snapshot.windowMinutes} min`
      : `Duration (last ${snapshot.windowMinutes} min, ${snapshot.finishedRuns} finished, ${snapshot.completedRuns} completed): avg ${formatMs(snapshot.meanDurationMs)}  p95 ${formatMs(snapshot.p95DurationMs)}`,
  );

  add('');
  add('Active runs', 'bold');
  if (snapshot.activeRuns.length === 0) add('  none', 'dim');
  for (const run of snapshot.activeRuns) {
    add(`  ${run.requestId.slice(0, 8)}  ${(run.step ?? '-').padEnd(16)} ${String(Math.round(run.progress)).padStart(3)}%  ${formatMs(run.elapsedMs).padStart(9)}  ${plain(run.repo ?? '')}`);
  }

  add('');
  add(`Providers (last ${snapshot.windowMinutes} min)`, 'bold');
  if (snapshot.providers.length === 0) add('  none yet', 'dim');
  for (const provider of snapshot.providers) {
    add(`  ${plain(provider.provider).padEnd(12)} ${String(provider.runs).padStart(3)} run(s)  served ${String(provider.served).padStart(3)}  fell back ${String(provider.fallbacks).padStart(3)}`);
  }

  add('');
  add('Last errors', 'bold');
  if (snapshot.lastErrors.length === 0) add('  none', 'dim');
  for (const error of snapshot.lastErrors) {
    add(`  ${clock(error.time)}  ${(error.requestId ?? '-').slice(0, 8).padEnd(8)}  ${plain(error.code)}: ${plain(error.message)}`, 'red');
  }

  const top = snapshot.health?.recommendations[0];
  if (top) {
    add('');
    add(`Next: ${plain(top.message)}`, top.severity === 'info' ? 'dim' : 'yellow');
  }
  return lines.map((line) => {
    const text = cut(line.text, Math.max(20, options.width));
    return line.style ? paint(line.style, text) : text;
  });
}
