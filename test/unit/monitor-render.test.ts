// `tiny-backspace monitor`: the frame renderer on fixed figures, the snapshot from fixed traces, and
// following a log directory as it grows.
import assert from 'node:assert/strict';
import { appendFile, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { monitorCommand } from '../../src/cli/commands/monitor-command';
import { FileTail } from '../../src/cli/monitor/file-tail';
import { LogDirFollower } from '../../src/cli/monitor/log-dir-follower';
import { buildMonitorSnapshot, type MonitorSnapshot } from '../../src/cli/monitor/monitor-snapshot';
import { renderMonitor } from '../../src/cli/monitor/render-monitor';
import { TerminalScreen } from '../../src/cli/monitor/terminal-screen';

const NOW = Date.parse('2026-01-01T12:00:00.000Z');
const dirs: string[] = [];
after(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tb-monitor-'));
  dirs.push(dir);
  return dir;
}

const snapshot: MonitorSnapshot = {
  now: NOW,
  logDir: '/var/log/tiny-backspace',
  windowMinutes: 15,
  requestsPerMinute: 3,
  errorsPerMinute: 1,
  activeRuns: [{ requestId: 'abcdef0123456789', repo: 'https://github.com/octo/app', step: 'agent', progress: 45, elapsedMs: 12_300 }],
  finishedRuns: 7,
  completedRuns: 6,
  meanDurationMs: 4200,
  p95DurationMs: 9800,
  providers: [{ provider: 'anthropic', runs: 5, served: 3, fallbacks: 2 }],
  lastErrors: [{ time: Date.parse('2026-01-01T11:59:01.000Z'), requestId: 'feedbeef99', code: 'git_failed', message: 'clone failed \u001b[31mred\u001b[0m\nsecond line' }],
  health: {
    score: { value: 82, status: 'healthy', factors: [] },
    recommendations: [{ severity: 'warning', message: 'Anthropic failed 2 of the last 5 runs with 529 overloaded; OpenAI served them.' }],
  },
};

test('a frame shows rates, active runs, durations, providers, last errors and the health summary', () => {
  const lines = renderMonitor(snapshot, { width: 120, color: false });
  assert.deepEqual(lines, [
    'Tiny Backspace monitor  12:00:00 UTC  /var/log/tiny-backspace  (Ctrl-C to exit)',
    'Health 82/100 healthy',
    '',
    'Requests/min    3    Errors/min    1    Active runs   1',
    'Duration (last 15 min, 7 finished, 6 completed): avg 4.2 s  p95 9.8 s',
    '',
    'Active runs',
    '  abcdef01  agent             45%     12.3 s  https://github.com/octo/app',
    '',
    'Providers (last 15 min)',
    '  anthropic      5 run(s)  served   3  fell back   2',
    '',
    'Last errors',
    '  11:59:01  feedbeef  git_failed: clone failed red second line',
    '',
    'Next: Anthropic failed 2 of the last 5 runs with 529 overloaded; OpenAI served them.',
  ]);
});

test('lines are cut to the terminal width, colour only when asked, and log text cannot move the cursor', () => {
  const narrow = renderMonitor(snapshot, { width: 40, color: false });
  assert.ok(narrow.every((line) => line.length <= 40), 'nothing wraps, so a redraw overwrites exactly');
  assert.ok(narrow.some((line) => line.endsWith('…')));
  const coloured = renderMonitor(snapshot, { width: 120, color: true });
  assert.ok(coloured[1]?.startsWith('\u001b[32m'), 'a healthy score is green');
  const plainFrame = renderMonitor(snapshot, { width: 120, color: false }).join('\n');
  assert.ok(!plainFrame.includes('\u001b'), 'escapes from log text are stripped');
  const empty = renderMonitor({ ...snapshot, activeRuns: [], providers: [], lastErrors: [], finishedRuns: 0, health: undefined }, { width: 120, color: false });
  assert.ok(empty.includes('Health: computing…'));
  assert.ok(empty.includes('Duration: no run finished in the last 15 min'));
});

test('the terminal screen draws in place and restores the terminal', () => {
  let written = '';
  const screen = new TerminalScreen({ write: (text) => (written += text) });
  screen.enter();
  screen.draw(['a', 'b']);
  screen.restore();
  screen.restore();
  assert.equal(written, '\u001b[?1049h\u001b[?25l\u001b[2J\u001b[Ha\u001b[K\nb\u001b[K\n\u001b[J\u001b[?25h\u001b[?1049l');
});

function traceLine(requestId: string, seq: number, clock: string, fields: Record<string, unknown>): string {
  return JSON.stringify({ version: 1, seq, request_id: requestId, timestamp: `2026-01-01T${clock}.000Z`, type: 'info', message: 'm', progress: 40, ...fields });
}

test('the snapshot: requests and errors in the last minute, active runs with their step, durations, providers', () => {
  const runs = new Map<string, Array<Record<string, unknown>>>([
    ['active', [traceLine('active', 1, '11:59:30', { kind: 'run_started', repo: 'octo/app', prompt: 'p', dry_run: false }), traceLine('active', 2, '11:59:31', { kind: 'step_started', step: 'clone' })].map((line) => JSON.parse(line))],
    ['failed', [
      traceLine('failed', 1, '11:58:00', { kind: 'run_started', repo: 'octo/app', prompt: 'p', dry_run: false }),
      traceLine('failed', 2, '11:58:01', { kind: 'thinking', topic: 'provider', provider: 'anthropic (m)', step: 'agent' }),
      traceLine('failed', 3, '11:59:40', { kind: 'failed', error: { code: 'agent_failed', message: 'x' }, duration_ms: 100_000 }),
    ].map((line) => JSON.parse(line))],
    ['done', [
      traceLine('done', 1, '11:50:00', { kind: 'run_started', repo: 'octo/app', prompt: 'p', dry_run: false }),
      traceLine('done', 2, '11:50:05', { kind: 'completed', agent: 'openai (gpt)', changed_files: [], summary: '', duration_ms: 5000, dry_run: false }),
    ].map((line) => JSON.parse(line))],
    ['dead', [traceLine('dead', 1, '11:30:00', { kind: 'run_started', repo: 'octo/app', prompt: 'p', dry_run: false })].map((line) => JSON.parse(line))],
  ]);
  const result = buildMonitorSnapshot({ now: NOW, logDir: '/logs', windowMs: 60 * 60_000, staleAfterMs: 15 * 60_000, runs, errors: [] });
  assert.equal(result.requestsPerMinute, 1);
  assert.equal(result.errorsPerMinute, 1);
  assert.deepEqual(result.activeRuns, [{ requestId: 'active', repo: 'octo/app', step: 'clone', progress: 40, elapsedMs: 30_000 }]);
  assert.equal(result.finishedRuns, 2);
  assert.equal(result.completedRuns, 1);
  assert.equal(result.meanDurationMs, 52_500);
  assert.equal(result.p95DurationMs, 100_000);
  assert.deepEqual(result.providers, [
    { provider: 'anthropic', runs: 1, served: 0, fallbacks: 0 },
    { provider: 'openai', runs: 1, served: 1, fallbacks: 0 },
  ]);
});

test('FileTail returns only new complete lines, waits for a partial one, and starts over after rotation', async () => {
  const dir = await tempDir();
  const file = path.join(dir, 'errors.log');
  const tail = new FileTail(file);
  assert.deepEqual(await tail.read(), [], 'a missing file is just empty');
  await writeFile(file, '{"a":1}\n{"b":');
  assert.deepEqual(await tail.read(), [{ a: 1 }]);
  await appendFile(file, '2}\nbroken\n{"c":"é"}\n');
  assert.deepEqual(await tail.read(), [{ b: 2 }, { c: 'é' }]);
  assert.deepEqual(await tail.read(), []);
  await rename(file, `${file}.1`);
  await writeFile(file, '{"d":4}\n');
  assert.deepEqual(await tail.read(), [{ d: 4 }], 'a replaced file is read from its start');
});

test('the follower picks up a trace as it grows and errors.log lines, and the monitor prints one frame when not on a terminal', async () => {
  const logDir = await tempDir();
  await mkdir(path.join(logDir, 'traces'));
  let clock = NOW;
  const follower = new LogDirFollower(logDir, { now: () => clock });
  const trace = path.join(logDir, 'traces', 'live-run.jsonl');
  await writeFile(trace, `${traceLine('live-run', 1, '11:59:59', { kind: 'run_started', repo: 'octo/app', prompt: 'p', dry_run: false })}\n`);
  await follower.poll();
  assert.equal(follower.runs().get('live-run')?.length, 1);
  await appendFile(trace, `${traceLine('live-run', 2, '12:00:00', { kind: 'step_started', step: 'validate' })}\n`);
  await writeFile(path.join(logDir, 'errors.log'), `${JSON.stringify({ level: 'error', time: '2026-01-01T12:00:00.000Z', request_id: 'live-run', code: 'git_failed', msg: 'run failed', error: { message: 'boom' } })}\n`);
  clock += 1000;
  await follower.poll();
  assert.deepEqual(follower.runs().get('live-run')?.map((event) => event.kind), ['run_started', 'step_started']);
  assert.deepEqual(follower.recentErrors(), [{ time: Date.parse('2026-01-01T12:00:00.000Z'), requestId: 'live-run', code: 'git_failed', message: 'run failed: boom' }]);

  let out = '';
  const code = await monitorCommand(['--log-dir', logDir], { stdout: { write: (text) => (out += text), isTTY: false }, env: {}, signal: new AbortController().signal, now: () => clock });
  assert.equal(code, 0);
  assert.match(out, /Active runs {3}1/);
  assert.match(out, /live-run {2}validate/);
  assert.match(out, /git_failed: run failed: boom/);
  assert.ok(!out.includes('\u001b['), 'no escape codes when stdout is not a terminal');
});
