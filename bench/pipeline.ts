import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DEFAULT_CONFIG } from '../src/core/config/engine-config';
import { createPipelineDeps } from '../src/core/engine/create-pipeline-deps';
import { repositoryCacheIdle } from '../src/core/git/cache/spare-checkout';
import { basicAuthHeader, gitConfigEnv } from '../src/core/git/git-config-env';
import { nullLogger } from '../src/core/logging/logger';
import { runPipeline } from '../src/core/pipeline/run-pipeline';
import { runProcess } from '../src/core/process/run-process';
import { startGitHubStandIn, type GitHubStandIn } from '../test/support/github-stand-in';
import { fixedSecrets } from '../test/support/pipeline-fixture';
import { median } from './stats';

const FILE_COUNT = 1000;
const ROUNDS = 7;

function generatedFiles(): Record<string, string> {
  const files: Record<string, string> = { 'README.md': '# Bench\n\nHello world\n' };
  for (let index = 0; index < FILE_COUNT - 1; index += 1) {
    files[`src/module-${Math.floor(index / 50)}/file-${index}.ts`] = `export const value${index} = ${index};\n// ${'padding '.repeat(20)}\n`;
  }
  return files;
}

/** The floor: what any tool must do at least — a shallow clone, the same one-file commit, a push. */
export async function rawGitFloor(standIn: GitHubStandIn, repo: string, round: number): Promise<number> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tb-bench-raw-'));
  const env = {
    PATH: process.env.PATH,
    HOME: dir,
    GIT_TERMINAL_PROMPT: '0',
    ...gitConfigEnv([[`http.${standIn.url}/.extraHeader`, basicAuthHeader(standIn.token)]]),
  };
  const run = async (args: string[], cwd?: string) => {
    const result = await runProcess(['git', ...args], { env, ...(cwd ? { cwd } : {}) });
    if (result.exitCode !== 0) throw new Error(`git ${args[0]}: ${result.stderr}`);
  };
  const started = performance.now();
  await run(['clone', '--depth', '1', '--single-branch', '--branch', 'main', '--', `${standIn.url}/bench/${repo}.git`, path.join(dir, 'work')]);
  const work = path.join(dir, 'work');
  await writeFile(path.join(work, 'README.md'), '# Bench\n\nHowdy world\n');
  await run(['-c', 'user.name=Bench', '-c', 'user.email=bench@example.com', 'commit', '-qam', 'Bench change'], work);
  await run(['push', '-q', 'origin', `HEAD:refs/heads/raw-${round}`], work);
  const elapsed = performance.now() - started;
  await rm(dir, { recursive: true, force: true });
  return elapsed;
}

export async function pipelineRun(standIn: GitHubStandIn, repo: string, tempRoot: string, cacheDir: string): Promise<{ total: number; steps: Record<string, number> }> {
  const deps = createPipelineDeps({
    config: { ...DEFAULT_CONFIG, github: { enterpriseUrl: standIn.url }, sandbox: 'local', repositoryCache: { directory: cacheDir } },
    secrets: fixedSecrets({ githubToken: standIn.token }),
    logger: nullLogger,
    tempRoot,
    env: { PATH: process.env.PATH, HOME: tempRoot },
  });
  const steps: Record<string, number> = {};
  const started = performance.now();
  let outcome = '';
  for await (const event of runPipeline({ repoUrl: `${standIn.url}/bench/${repo}`, prompt: 'replace "Hello" with "Howdy" in README.md' }, deps, new AbortController().signal)) {
    if (event.kind === 'step_finished') steps[event.step] = event.duration_ms;
    if (event.kind === 'completed' || event.kind === 'failed' || event.kind === 'cancelled') outcome = event.kind === 'failed' ? event.error.message : event.kind;
  }
  if (outcome !== 'completed') throw new Error(`pipeline run did not complete: ${outcome}`);
  const total = performance.now() - started;
  // The spare checkout for the next run is written after this one; it must not overlap the floor's timing.
  await repositoryCacheIdle();
  return { total, steps };
}

/** Octokit's throttling plugin spaces PR creations in one process 3 s apart, as GitHub asks for content-creating requests. */
const PR_SPACING_MS = 3_100;

interface Series {
  raw: number[];
  pipeline: number[];
  steps: Record<string, number[]>;
}

/**
 * Pipeline overhead without AI on a ~1,000-file repository vs the raw git floor, measured in the same run,
 * cold (an empty repository cache for every run: what a first run on a repository costs) and warm (the
 * same cache across runs, remote head unchanged: every later run). Both sides clone the same warm
 * repository (its first clone is slow for either, so one untimed clone comes first) and the order
 * alternates per round. Rounds start at least 3.1 s after the previous PR creation, so the per-process
 * PR spacing (documented in the README) is not counted as per-run overhead; the background spare
 * checkout a run leaves for the next one finishes before the floor is timed.
 */
export async function benchPipeline(): Promise<Record<string, number | string>> {
  const standIn = await startGitHubStandIn();
  const tempRoot = await mkdtemp(path.join(tmpdir(), 'tb-bench-pipeline-'));
  try {
    await standIn.createRepo('bench', 'repo', { files: generatedFiles() });
    await rawGitFloor(standIn, 'repo', -1);
    let lastPullRequestAt = 0;
    let serial = 0;
    const measure = async (cacheDirFor: () => Promise<string>): Promise<Series> => {
      const series: Series = { raw: [], pipeline: [], steps: {} };
      for (let round = 0; round < ROUNDS + 1; round += 1) {
        serial += 1;
        const rawFirst = round % 2 === 0;
        const rawTime = rawFirst ? await rawGitFloor(standIn, 'repo', serial) : undefined;
        const wait = lastPullRequestAt + PR_SPACING_MS - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        const run = await pipelineRun(standIn, 'repo', tempRoot, await cacheDirFor());
        lastPullRequestAt = Date.now();
        const rawSample = rawTime ?? (await rawGitFloor(standIn, 'repo', serial));
        if (round === 0) continue; // warm-up
        series.raw.push(rawSample);
        series.pipeline.push(run.total);
        for (const [step, ms] of Object.entries(run.steps)) (series.steps[step] ??= []).push(ms);
      }
      return series;
    };
    const cold = await measure(() => mkdtemp(path.join(tempRoot, 'cold-cache-')));
    const warmCache = path.join(tempRoot, 'warm-cache');
    const warm = await measure(async () => warmCache);
    const figures = (label: string, series: Series): Record<string, number> => {
      const rawMedian = median(series.raw);
      const pipelineMedian = median(series.pipeline);
      return {
        [`${label} raw git floor median (ms)`]: round(rawMedian),
        [`${label} pipeline median (ms)`]: round(pipelineMedian),
        [`${label} ratio (pipeline / floor)`]: round(pipelineMedian / rawMedian, 2),
        ...Object.fromEntries(Object.entries(series.steps).map(([step, times]) => [`${label} step ${step} median (ms)`, round(median(times))])),
      };
    };
    return {
      files: FILE_COUNT,
      rounds: ROUNDS,
      'cold target': '<= 1.1',
      'warm target': '<= 0.5',
      ...figures('cold', cold),
      ...figures('warm', warm),
    };
  } finally {
    await rm(tempRoot, { recursive: true, force: true });
    await standIn.close();
  }
}

function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
