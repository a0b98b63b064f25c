import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runProcess } from '../src/core/process/run-process';
import { startGitHubStandIn } from '../test/support/github-stand-in';
import { fastImportLargeTree } from '../test/support/large-repo';
import { rawGitFloor } from './pipeline';

const FILES = 100_000;
/** Octokit spaces PR creations 3 s apart per process; each run here is its own process, so no wait is needed. */

interface ChildRun {
  total: number;
  steps: Record<string, number>;
  rssBeforeKiB: number;
  maxRssKiB: number;
}

async function childRun(env: Record<string, string>): Promise<ChildRun> {
  const result = await runProcess([process.execPath, '--import', 'tsx', path.join(__dirname, 'large-repository-run.ts')], {
    env: { ...process.env, ...env },
    timeoutMs: 10 * 60_000,
  });
  if (result.exitCode !== 0) throw new Error(`pipeline child failed: ${result.stderr.slice(-2000)}`);
  return JSON.parse(result.stdout.trim().split('\n').pop() ?? '{}') as ChildRun;
}

/**
 * A 100,000-file repository (built with fast-import): the pipeline, cold and warm, against the raw
 * `git clone --depth 1` + commit + push floor, and the engine process's peak RSS (its own process,
 * `process.resourceUsage().maxRSS`). One sample each: a round takes tens of seconds on 2 cores.
 */
export async function benchLargeRepository(): Promise<Record<string, number | string>> {
  const standIn = await startGitHubStandIn();
  const tempRoot = await mkdtemp(path.join(tmpdir(), 'tb-bench-large-'));
  try {
    const built = performance.now();
    const { barePath } = await standIn.createRepo('bench', 'large', { files: { 'README.md': '# Large\n' } });
    await fastImportLargeTree(barePath, 'main', FILES, { 'README.md': ['100644', '# Bench\n\nHello world\n'] });
    const buildMs = performance.now() - built;
    await rawGitFloor(standIn, 'large', -1); // the server's first pack of the repository is slow for anyone
    const floor = await rawGitFloor(standIn, 'large', 0);
    const env = { TB_BENCH_URL: standIn.url, TB_BENCH_TOKEN: standIn.token, TB_BENCH_TEMP: tempRoot, TB_BENCH_REPO: 'large', TB_BENCH_CACHE: path.join(tempRoot, 'cache') };
    const cold = await childRun(env);
    const warm = await childRun(env);
    const mib = (kib: number): number => Math.round(kib / 102.4) / 10;
    return {
      files: FILES + 1,
      'repository build with fast-import (ms)': Math.round(buildMs),
      'raw git floor (ms)': Math.round(floor),
      'cold pipeline (ms)': Math.round(cold.total),
      'cold ratio (pipeline / floor)': Math.round((cold.total / floor) * 100) / 100,
      'cold step clone (ms)': cold.steps.clone ?? 0,
      'cold step analyze (ms)': cold.steps.analyze ?? 0,
      'cold step validate_changes (ms)': cold.steps.validate_changes ?? 0,
      'warm pipeline (ms)': Math.round(warm.total),
      'warm ratio (pipeline / floor)': Math.round((warm.total / floor) * 100) / 100,
      'warm step clone (ms)': warm.steps.clone ?? 0,
      'cold peak RSS of the engine process (MiB)': mib(cold.maxRssKiB),
      'warm peak RSS of the engine process (MiB)': mib(warm.maxRssKiB),
      'RSS of the same process before the run (MiB)': mib(cold.rssBeforeKiB),
    };
  } finally {
    await rm(tempRoot, { recursive: true, force: true });
    await standIn.close();
  }
}
