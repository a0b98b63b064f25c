import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createAgentChain } from '../agent/create-agent-chain';
import type { EngineConfig, SecretSource } from '../config/engine-config';
import { OctokitGitHubApi } from '../github/octokit-github-api';
import { nullLogger, type Logger } from '../logging/logger';
import type { PipelineDeps } from '../pipeline/pipeline-deps';
import { createChangeValidator } from '../checks/change-validator';
import { createSandboxFactory } from '../sandbox/create-sandbox';
import { GITHUB_DOT_COM } from '../repo/github-hosts';

export interface EngineHostOptions {
  readonly config: EngineConfig;
  readonly secrets: SecretSource;
  readonly logger?: Logger;
  readonly tempRoot?: string;
  readonly cacheRoot?: string;
  readonly allowLocalRepositories?: boolean;
  readonly env?: NodeJS.ProcessEnv;
  readonly overrides?: Partial<PipelineDeps>;
}

/** The production object graph for one host (CLI, server, extension); tests swap single parts. */
export function createPipelineDeps(options: EngineHostOptions): PipelineDeps {
  const logger = options.logger ?? nullLogger;
  return {
    config: options.config,
    secrets: options.secrets,
    logger,
    tempRoot: options.tempRoot ?? path.join(tmpdir(), 'tiny-backspace'),
    cacheRoot: options.cacheRoot ?? path.join(tmpdir(), 'tiny-backspace-cache'),
    allowLocalRepositories: options.allowLocalRepositories ?? false,
    ...(options.env ? { env: options.env } : {}),
    createSandbox: createSandboxFactory({
      e2bApiKey: () => options.secrets.e2bApiKey(),
      e2b: options.config.e2b,
      logger,
      hostPath: (options.env ?? process.env).PATH,
    }),
    validator: createChangeValidator(),
    createAgent: (input) => createAgentChain(input),
    createGitHubApi: (server, token) =>
      new OctokitGitHubApi({
        apiUrl: server.apiUrl,
        ...(token ? { token } : {}),
        userAgent: `tiny-backspace (${server === GITHUB_DOT_COM ? 'github.com' : 'enterprise'})`,
        onRateLimit: (message) => logger.warn(message),
      }),
    ...options.overrides,
  };
}
