// Benchmark of the standalone local SSE server (`tiny-backspace serve`) with the offline agent against
// the loopback GitHub: time to the first event after POST /code (one run at a time, then 50 at once),
// whether every run completes with every event delivered exactly once, and the server's peak RSS.
//
// Three processes, so each number belongs to what it names: this one is only the HTTP client, the
// server is the real CLI, and the GitHub stand-in (with its git http-backend children) runs apart, at
// background priority.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { setPriority, tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createParser } from 'eventsource-parser';
import { RunSummarySchema } from '../src/protocol/http-api';
import { RUN_EVENT_SCHEMA_VERSION, RunEventSchema, type RunEvent } from '../src/protocol/run-events';
import { startGitHubStandIn } from '../test/support/github-stand-in';
import { percentile } from './stats';

export interface ServerBenchOptions {
  /** Runs started at once (default 50). */
  readonly concurrentRuns?: number;
  /** Runs measured one at a time for the unloaded first-event latency (default 20). */
  readonly sequentialRuns?: number;
  /**
   * Skip push and pull request in the concurrent phase. Off by default. Octokit's throttling spaces
   * pull-request creation 3 s apart across a process, so 50 full runs take about 50 × 3 s.
   */
  readonly dryRun?: boolean;
}

const ROOT = path.resolve(__dirname, '..');
const REPOS = ['bench-a', 'bench-b', 'bench-c', 'bench-d', 'bench-e'];
const STAND_IN_FLAG = '--github-stand-in';
const FLOOR_FLAG = '--floor-server';

interface RunOutcome {
  readonly firstEventMs: number;
  readonly totalMs: number;
  readonly runId: string;
  readonly events: RunEvent[];
}

const round = (value: number, digits = 1) => Number(value.toFixed(digits));

/** Starts a child and resolves with the first stdout line matching `ready`. */
function spawnUntil(command: string, args: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    child.once('exit', (code) => reject(new Error(`${path.basename(args[args.length - 1] ?? command)} exited with ${code}: ${stderr}`)));
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const match = ready.exec(line);
      if (match) resolve({ child, match });
    });
  });
}

function backgroundPriority(pid: number | undefined): void {
  try {
    if (pid !== undefined) setPriority(pid, 10);
  } catch {
    // Not permitted here: the stand-in keeps normal priority, and the figures include its CPU.
  }
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/** Linux keeps the high-water mark of a process's resident set: the true peak, not a sample. */
async function peakRssMb(pid: number | undefined): Promise<number | string> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = /^VmHWM:\s+(\d+)\s+kB/m.exec(status)?.[1];
  return kb === undefined ? 'n/a (no /proc)' : round(Number(kb) / 1024);
}

/** One POST /code read to the end; the clock starts just before the request is sent. */
async function timedRun(url: string, token: string, body: unknown): Promise<RunOutcome> {
  const started = performance.now();
  const response = await fetch(`${url}/code`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.status !== 200 || !response.body) throw new Error(`POST /code answered ${response.status}: ${await response.text()}`);
  let firstEventMs = Number.NaN;
  // Validated after the stream ends: 50 streams parsed on arrival would slow this client's own clock.
  const raw: string[] = [];
  const parser = createParser({
    onEvent: (message) => {
      if (raw.length === 0) firstEventMs = performance.now() - started;
      raw.push(message.data);
    },
  });
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    parser.feed(decoder.decode(value, { stream: true }));
  }
  const totalMs = performance.now() - started;
  const events: RunEvent[] = raw.map((data) => RunEventSchema.parse(JSON.parse(data)));
  return { firstEventMs, totalMs, runId: response.headers.get('x-request-id') ?? '', events };
}

/**
 * The server's own clock for each run (request arrival to the first event handed to the socket), from
 * the `server.first_event` lines of its performance log: what is left of the client's figure is
 * connecting and this client's own event loop.
 */
async function serverFirstEventMs(logDir: string): Promise<Map<string, number>> {
  const byRun = new Map<string, number>();
  const text = await readFile(path.join(logDir, 'performance.log'), 'utf8').catch(() => '');
  for (const line of text.split('\n')) {
    if (!line.includes('server.first_event')) continue;
    const record = JSON.parse(line) as { operation?: string; request_id?: string; duration_ms?: number };
    if (record.operation === 'server.first_event' && record.request_id && typeof record.duration_ms === 'number') byRun.set(record.request_id, record.duration_ms);
  }
  return byRun;
}

/** Events missing from, or repeated in, a stream, judged by seq against the server's own count. */
async function deliveryErrors(url: string, token: string, outcome: RunOutcome): Promise<{ lost: number; duplicated: number }> {
  const summary = RunSummarySchema.parse(await (await fetch(`${url}/runs/${outcome.runId}`, { headers: { authorization: `Bearer ${token}` } })).json());
  const seen = new Map<number, number>();
  for (const event of outcome.events) seen.set(event.seq, (seen.get(event.seq) ?? 0) + 1);
  let lost = 0;
  for (let seq = 1; seq <= summary.eventCount; seq += 1) if (!seen.has(seq)) lost += 1;
  let duplicated = 0;
  for (const count of seen.values()) duplicated += count - 1;
  duplicated += outcome.events.filter((event) => event.request_id !== outcome.runId).length;
  return { lost, duplicated };
}

export async function benchServer(options: ServerBenchOptions = {}): Promise<Record<string, number | string>> {
  const concurrentRuns = options.concurrentRuns ?? 50;
  const sequentialRuns = options.sequentialRuns ?? 20;
  const dryRun = options.dryRun ?? false;
  const home = await mkdtemp(path.join(tmpdir(), 'tb-bench-server-'));
  // Logs and traces of the bench's server stay in its own temp home, not in ./logs.
  const baseEnv = { PATH: process.env.PATH, HOME: home, TINY_BACKSPACE_LOG_DIR: path.join(home, 'logs') };
  let standInChild: ChildProcess | undefined;
  let serveChild: ChildProcess | undefined;
  try {
    const standIn = await spawnUntil(process.execPath, ['--import', 'tsx', __filename, STAND_IN_FLAG], baseEnv, /^STAND_IN (\S+) (\S+)$/);
    standInChild = standIn.child;
    // GitHub is another machine for a real server: its stand-in (and the git processes it spawns, which
    // inherit this) yields the CPU to the server under test, as GitHub's own CPUs would not compete.
    backgroundPriority(standIn.child.pid);
    const [, githubUrl = '', githubToken = ''] = standIn.match;

    const floor = await measureClientFloor(baseEnv, concurrentRuns);

    // The shipped bundle when built (`npm run bench` builds first), else the sources.
    const cli = path.join(ROOT, 'dist/cli.js');
    const cliArgs = existsSync(cli) ? [cli] : ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts')];
    const tokenFile = path.join(home, 'server-token');
    const serve = await spawnUntil(
      process.execPath,
      [...cliArgs, 'serve', '--port', '0', '--max-runs', String(concurrentRuns), '--token-file', tokenFile],
      { ...baseEnv, TINY_BACKSPACE_GITHUB_URL: githubUrl, GITHUB_TOKEN: githubToken, TINY_BACKSPACE_SANDBOX: 'local', TMPDIR: home },
      /listening on (http:\/\/127\.0\.0\.1:\d+)/,
    );
    serveChild = serve.child;
    const url = serve.match[1] ?? '';
    const token = (await readFile(tokenFile, 'utf8')).trim();
    const body = (index: number, dry: boolean) => ({
      repoUrl: `${githubUrl}/octo/${REPOS[index % REPOS.length]}`,
      prompt: `replace "Hello" with "Howdy ${index}" in README.md`,
      options: { dryRun: dry },
    });

    // Unloaded: one run at a time (dry, so the pull-request throttle does not set the pace).
    // Delivery is checked right after each run: the server keeps only the newest 50 finished runs.
    let lost = 0;
    let duplicated = 0;
    const check = async (outcome: RunOutcome) => {
      const errors = await deliveryErrors(url, token, outcome);
      lost += errors.lost;
      duplicated += errors.duplicated;
    };
    const sequential: RunOutcome[] = [];
    for (let index = 0; index < sequentialRuns; index += 1) {
      const outcome = await timedRun(url, token, body(index, true));
      sequential.push(outcome);
      await check(outcome);
    }

    const wallStarted = performance.now();
    const concurrent = await Promise.all(Array.from({ length: concurrentRuns }, (_unused, index) => timedRun(url, token, body(index, dryRun))));
    const wallMs = performance.now() - wallStarted;
    const peakRss = await peakRssMb(serve.child.pid);

    for (const outcome of concurrent) await check(outcome);
    const serverSide = await serverFirstEventMs(path.join(home, 'logs'));
    const serverFor = (outcomes: RunOutcome[]) => outcomes.map((outcome) => serverSide.get(outcome.runId)).filter((ms): ms is number => ms !== undefined);
    const completed = concurrent.filter((outcome) => outcome.events.at(-1)?.kind === 'completed').length;
    const firstConcurrent = concurrent.map((outcome) => outcome.firstEventMs);
    const firstSequential = sequential.map((outcome) => outcome.firstEventMs);
    return {
      'server: concurrent runs mode': dryRun ? 'dry run (no push, no PR)' : 'full (push + PR)',
      'server: first event p50 ms (1 run at a time)': round(percentile(firstSequential, 0.5), 2),
      'server: first event p95 ms (1 run at a time)': round(percentile(firstSequential, 0.95), 2),
      'server: server-side first event p50 ms (1 run at a time)': round(percentile(serverFor(sequential), 0.5), 2),
      'server: concurrent runs': concurrentRuns,
      'server: concurrent runs completed': completed,
      'server: lost events': lost,
      'server: duplicated or foreign events': duplicated,
      'server: events streamed': [...sequential, ...concurrent].reduce((sum, outcome) => sum + outcome.events.length, 0),
      [`server: first event p50 ms (${concurrentRuns} concurrent)`]: round(percentile(firstConcurrent, 0.5), 2),
      [`server: first event p95 ms (${concurrentRuns} concurrent)`]: round(percentile(firstConcurrent, 0.95), 2),
      [`server: server-side first event p50 ms (${concurrentRuns} concurrent)`]: round(percentile(serverFor(concurrent), 0.5), 2),
      [`server: server-side first event p95 ms (${concurrentRuns} concurrent)`]: round(percentile(serverFor(concurrent), 0.95), 2),
      [`server: baseline: this client's floor p50 ms (${concurrentRuns} concurrent, trivial SSE server)`]: round(floor.p50, 2),
      [`server: baseline: this client's floor p95 ms (${concurrentRuns} concurrent, trivial SSE server)`]: round(floor.p95, 2),
      [`server: first event p50 ratio to the floor (${concurrentRuns} concurrent)`]: round(percentile(firstConcurrent, 0.5) / floor.p50, 2),
      [`server: run duration p50 s (${concurrentRuns} concurrent)`]: round(percentile(concurrent.map((outcome) => outcome.totalMs), 0.5) / 1000, 2),
      [`server: wall time s (${concurrentRuns} concurrent)`]: round(wallMs / 1000, 2),
      'server: peak RSS MB (serve process)': peakRss,
    };
  } finally {
    // SIGINT is the user's Ctrl-C: the server ends its runs and frees the port before exiting.
    if (serveChild) await stopChild(serveChild, 'SIGINT');
    if (standInChild) await stopChild(standInChild, 'SIGTERM');
    await rm(home, { recursive: true, force: true });
  }
}

/**
 * The named baseline: this same client, with the same 50 simultaneous POSTs, against a server that does
 * nothing but answer each with one event at once (a child process, like `serve`). What a real server
 * adds on top of it is the server's own latency; the floor itself is connecting and this client.
 */
async function measureClientFloor(env: NodeJS.ProcessEnv, concurrentRuns: number): Promise<{ p50: number; p95: number }> {
  const floor = await spawnUntil(process.execPath, ['--import', 'tsx', __filename, FLOOR_FLAG], env, /^FLOOR (\S+)$/);
  try {
    const url = floor.match[1] ?? '';
    const body = { repoUrl: 'https://github.com/octo/floor', prompt: 'nothing' };
    for (let index = 0; index < 5; index += 1) await timedRun(url, 'floor', body);
    const p50s: number[] = [];
    const p95s: number[] = [];
    // Three rounds, the median of each figure: one round at a time of day is noise.
    for (let round = 0; round < 3; round += 1) {
      const outcomes = await Promise.all(Array.from({ length: concurrentRuns }, () => timedRun(url, 'floor', body)));
      const firsts = outcomes.map((outcome) => outcome.firstEventMs);
      p50s.push(percentile(firsts, 0.5));
      p95s.push(percentile(firsts, 0.95));
    }
    return { p50: percentile(p50s, 0.5), p95: percentile(p95s, 0.5) };
  } finally {
    await stopChild(floor.child, 'SIGTERM');
  }
}

/** Child-process mode: the floor server, answering every POST with one valid run event at once. */
function serveFloor(): void {
  let seq = 0;
  const server = createServer({ noDelay: true }, (req, res) => {
    req.resume();
    req.once('end', () => {
      seq += 1;
      const event: RunEvent = {
        version: RUN_EVENT_SCHEMA_VERSION,
        seq: 1,
        request_id: `floor-${seq}`,
        timestamp: new Date().toISOString(),
        type: 'info',
        kind: 'run_started',
        message: 'floor',
        step: 'validate',
        progress: 0,
        repo: 'https://github.com/octo/floor',
        prompt: 'nothing',
        dry_run: true,
      };
      res.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': event.request_id });
      res.end(`id: 1\nevent: run_started\ndata: ${JSON.stringify(event)}\n\n`);
    });
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    if (address && typeof address === 'object') console.log(`FLOOR http://127.0.0.1:${address.port}`);
  });
  process.once('SIGTERM', () => server.close(() => process.exit(0)));
}

/** Child-process mode: the GitHub stand-in with the bench repositories, until stdin closes. */
async function serveGitHubStandIn(): Promise<void> {
  const github = await startGitHubStandIn();
  for (const name of REPOS) {
    await github.createRepo('octo', name, { files: { 'README.md': 'Hello from the bench.\n', 'src/index.ts': 'export const greeting = "Hello";\n' } });
  }
  const close = () => void github.close().then(() => process.exit(0));
  process.once('SIGTERM', close);
  process.stdin.once('end', close);
  process.stdin.resume();
  console.log(`STAND_IN ${github.url} ${github.token}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(__filename)) {
  if (process.argv.includes(STAND_IN_FLAG)) void serveGitHubStandIn();
  else if (process.argv.includes(FLOOR_FLAG)) serveFloor();
  else {
    // `node --import tsx bench/server.ts [--dry-run]` runs this benchmark alone.
    benchServer({ dryRun: process.argv.includes('--dry-run') }).then(
      (figures) => {
        for (const [name, value] of Object.entries(figures)) console.log(`${name.padEnd(52)} ${value}`);
      },
      (error: unknown) => {
        console.error(error);
        process.exitCode = 1;
      },
    );
  }
}
