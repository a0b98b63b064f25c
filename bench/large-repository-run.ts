// One pipeline run in its own process, so its RSS high-water mark is the engine's alone (the stand-in
// serving git lives in the parent). Prints one JSON line.
import { mkdtemp } from 'node:fs/promises';
import * as path from 'node:path';
import type { GitHubStandIn } from '../test/support/github-stand-in';
import { pipelineRun } from './pipeline';

async function main(): Promise<void> {
  const env = process.env;
  const before = process.resourceUsage().maxRSS;
  const standIn = { url: env.TB_BENCH_URL ?? '', token: env.TB_BENCH_TOKEN ?? '' } as GitHubStandIn;
  const tempRoot = await mkdtemp(path.join(env.TB_BENCH_TEMP ?? '', 'run-'));
  const run = await pipelineRun(standIn, env.TB_BENCH_REPO ?? '', tempRoot, env.TB_BENCH_CACHE ?? '');
  process.stdout.write(`${JSON.stringify({ total: run.total, steps: run.steps, rssBeforeKiB: before, maxRssKiB: process.resourceUsage().maxRSS })}\n`);
}

void main();
