import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DEFAULT_CONFIG, type EngineConfig, type SecretSource } from '../../src/core/config/engine-config';
import { createPipelineDeps } from '../../src/core/engine/create-pipeline-deps';
import type { PipelineDeps } from '../../src/core/pipeline/pipeline-deps';
import { repositoryCacheIdle } from '../../src/core/git/cache/spare-checkout';
import { runPipeline } from '../../src/core/pipeline/run-pipeline';
import type { RunEvent } from '../../src/protocol/run-events';
import type { RunRequest } from '../../src/protocol/run-request';
import type { GitHubStandIn } from './github-stand-in';
import { createRecordingLogger } from './recording-logger';

export function fixedSecrets(values: { githubToken?: string; anthropicApiKey?: string; openaiApiKey?: string; e2bApiKey?: string } = {}): SecretSource {
  return {
    githubToken: async () => values.githubToken,
    anthropicApiKey: async () => values.anthropicApiKey,
    openaiApiKey: async () => values.openaiApiKey,
    e2bApiKey: async () => values.e2bApiKey,
  };
}

export function standInConfig(standIn: GitHubStandIn, overrides: Partial<EngineConfig> = {}): EngineConfig {
  return { ...DEFAULT_CONFIG, github: { enterpriseUrl: standIn.url }, sandbox: 'local', ...overrides };
}

export interface PipelineFixture {
  readonly tempRoot: string;
  readonly logger: ReturnType<typeof createRecordingLogger>;
  deps(overrides?: Partial<PipelineDeps>): PipelineDeps;
  /** Temporary directories the engine left behind under its temp root. */
  leftovers(): Promise<string[]>;
  dispose(): Promise<void>;
}

/** A temp root and a recording logger around the production deps, pointed at the stand-in. */
export async function createPipelineFixture(standIn: GitHubStandIn, options: { token?: string | null; config?: Partial<EngineConfig> } = {}): Promise<PipelineFixture> {
  const tempRoot = await mkdtemp(path.join(tmpdir(), 'tb-pipeline-test-'));
  const logger = createRecordingLogger();
  const token = options.token === null ? undefined : (options.token ?? standIn.token);
  return {
    tempRoot,
    logger,
    deps: (overrides = {}) =>
      createPipelineDeps({
        config: standInConfig(standIn, options.config),
        secrets: fixedSecrets(token ? { githubToken: token } : {}),
        logger,
        tempRoot,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tempRoot },
        overrides,
      }),
    // The repository cache is meant to outlive runs; anything else left behind is debris.
    leftovers: async () => (await readdir(tempRoot).catch(() => [] as string[])).filter((name) => name !== 'repo-cache'),
    dispose: async () => {
      // A spare checkout for the next run may still be written in the background.
      await repositoryCacheIdle();
      await rm(tempRoot, { recursive: true, force: true });
    },
  };
}

export async function collect(request: RunRequest, deps: PipelineDeps, signal = new AbortController().signal, onEvent?: (event: RunEvent) => void): Promise<RunEvent[]> {
  const events: RunEvent[] = [];
  for await (const event of runPipeline(request, deps, signal)) {
    events.push(event);
    onEvent?.(event);
  }
  return events;
}

export function terminalOf(events: readonly RunEvent[]): RunEvent {
  const last = events[events.length - 1];
  if (!last) throw new Error('no events');
  return last;
}
