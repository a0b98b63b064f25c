// What logging costs a run: the same pipeline run on the same local repository with the offline agent,
// once with the null logger and once with the hosts' observability (four rotating log files plus the
// run's trace), alternating so drift hits both sides equally. The observability is built once, as the
// server and the extension do; the CLI's one-off cost of opening and closing the files is reported apart.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { DEFAULT_CONFIG, type SecretSource } from '../src/core/config/engine-config';
import { createPipelineDeps } from '../src/core/engine/create-pipeline-deps';
import { nullLogger, type Logger } from '../src/core/logging/logger';
import { createHostObservability } from '../src/core/observability/host-observability';
import { runPipeline } from '../src/core/pipeline/run-pipeline';
import type { RunEvent } from '../src/protocol/run-events';
import { median } from './stats';

const execFileAsync = promisify(execFile);
const ROUNDS = 21;
const NO_SECRETS: SecretSource = {
  githubToken: async () => undefined,
  anthropicApiKey: async () => undefined,
  openaiApiKey: async () => undefined,
  e2bApiKey: async () => undefined,
};

async function createRepository(root: string): Promise<string> {
  const repo = path.join(root, 'repo');
  const git = (...args: string[]) => execFileAsync('git', ['-c', 'user.name=Bench', '-c', 'user.email=bench@example.com', ...args], { cwd: repo });
  await execFileAsync('git', ['init', '-q', '-b', 'main', repo]);
  await writeFile(path.join(repo, 'README.md'), '# Bench\n\nHello world\n');
  for (let index = 0; index < 50; index += 1) await writeFile(path.join(repo, `file-${index}.txt`), `line ${index}\n`);
  await git('add', '.');
  await git('commit', '-qm', 'initial');
  return repo;
}

interface Cost {
  /** Wall-clock ms. */
  readonly wall: number;
  /** This process's CPU ms (user + system): where logging's own work shows, git and the sandbox do not. */
  readonly cpu: number;
}

async function measure(work: () => Promise<void>): Promise<Cost> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await work();
  const used = process.cpuUsage(cpu);
  return { wall: performance.now() - started, cpu: (used.user + used.system) / 1000 };
}

async function pipelineRun(repo: string, tempRoot: string, logger: Logger, onEvent?: (event: RunEvent) => void): Promise<void> {
  const deps = createPipelineDeps({
    config: { ...DEFAULT_CONFIG, sandbox: 'local', providers: ['offline'] },
    secrets: NO_SECRETS,
    logger,
    tempRoot,
    allowLocalRepositories: true,
    env: { PATH: process.env.PATH, HOME: tempRoot },
  });
  let outcome = '';
  for await (const event of runPipeline({ repoUrl: repo, prompt: 'replace "Hello" with "Howdy" in README.md', options: { dryRun: true } }, deps, new AbortController().signal)) {
    onEvent?.(event);
    if (event.kind === 'completed' || event.kind === 'failed' || event.kind === 'cancelled') outcome = event.kind === 'failed' ? event.error.message : event.kind;
  }
  if (outcome !== 'completed') throw new Error(`the bench run did not complete: ${outcome}`);
}

/** Pipeline time with logging on vs off (median of ROUNDS each); the target is under 5% added. */
export async function benchLogging(): Promise<Record<string, number | string>> {
  const root = await mkdtemp(path.join(tmpdir(), 'tb-bench-logging-'));
  try {
    const repo = await createRepository(root);
    const tempRoot = path.join(root, 'runs');
    const logDir = path.join(root, 'logs');
    const off: Cost[] = [];
    const on: Cost[] = [];
    const withoutLogging = () => measure(() => pipelineRun(repo, tempRoot, nullLogger));
    const observability = createHostObservability({ logDir, level: 'info', env: {} });
    const withLogging = () => measure(() => pipelineRun(repo, tempRoot, observability.logger, observability.record));
    // Warm-up: module loading, the page cache, the first sandbox.
    await withoutLogging();
    await withLogging();
    for (let round = 0; round < ROUNDS; round += 1) {
      // Alternate which side goes first so neither always runs on a warmer machine.
      if (round % 2 === 0) {
        off.push(await withoutLogging());
        on.push(await withLogging());
      } else {
        on.push(await withLogging());
        off.push(await withoutLogging());
      }
    }
    const logLines = (await Promise.all(['app.log', 'errors.log', 'performance.log', 'agent_thinking.log'].map((file) => readFile(path.join(logDir, file), 'utf8').catch(() => ''))))
      .join('')
      .split('\n')
      .filter(Boolean).length;
    const traces = await readdir(path.join(logDir, 'traces'));
    const traceEvents = (await readFile(path.join(logDir, 'traces', traces[0] ?? ''), 'utf8').catch(() => '')).split('\n').filter(Boolean).length;
    await observability.close();
    // The same work in isolation, free of the pipeline's noise: a run's log lines and trace events
    // written through a fresh observability, opened and closed, as one CLI process does.
    const sample: RunEvent[] = [];
    await pipelineRun(repo, tempRoot, nullLogger, (event) => sample.push(event));
    const isolated: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const started = performance.now();
      const observability = createHostObservability({ logDir: path.join(root, 'isolated'), level: 'info', env: {} });
      const { logger } = observability;
      for (const event of sample) {
        observability.record(event);
        if (event.kind === 'step_finished') logger.performance(`step.${event.step}`, event.duration_ms, { outcome: event.outcome });
        if (event.kind === 'thinking') logger.thinking(event.message, { topic: event.topic, provider: event.provider });
      }
      logger.info('run started', { repo, dry_run: true });
      logger.performance('run', 1, { outcome: 'completed' });
      await observability.close();
      isolated.push(performance.now() - started);
    }
    const offMedian = median(off.map((cost) => cost.wall));
    // Paired rounds ran back to back, so their difference cancels most of the machine's drift.
    const overhead = (median(on.map((cost, index) => cost.wall - (off[index]?.wall ?? cost.wall))) / offMedian) * 100;
    const offCpu = median(off.map((cost) => cost.cpu));
    const cpuOverhead = (median(on.map((cost, index) => cost.cpu - (off[index]?.cpu ?? cost.cpu))) / offCpu) * 100;
    return {
      rounds: ROUNDS,
      'median run, logging off (ms)': round(offMedian),
      'median run, logging on (ms)': round(median(on.map((cost) => cost.wall))),
      'logging overhead, wall clock (%)': round(overhead, 2),
      // Informative: most of a run is git and sandbox children, so this process's CPU is a small base and
      // its percentage swings with GC and JIT; wall clock is what the target is about.
      'logging overhead, this process CPU only (%)': round(cpuOverhead, 2),
      'CLI process: open + one run of logging + close (ms)': round(median(isolated), 2),
      'CLI process: that vs a run (%)': round((median(isolated) / offMedian) * 100, 2),
      target: '< 5% (wall clock)',
      verdict: overhead < 5 ? 'met' : 'NOT met',
      'log lines per run': Math.round(logLines / (ROUNDS + 1)),
      'trace events per run': traceEvents,
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
