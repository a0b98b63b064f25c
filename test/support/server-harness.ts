// The local SSE server wired to the real engine and the loopback GitHub stand-in, plus a streaming
// SSE reader over real `fetch` + eventsource-parser. Runs can be held at the review step (the same gate
// VS Code uses) so a test can disconnect or reconnect while a run is provably still in progress.

import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { configFromEnv, secretsFromEnv } from '../../src/core/config/config-from-env';
import { createPipelineDeps } from '../../src/core/engine/create-pipeline-deps';
import { CancelledError, abortReason } from '../../src/core/errors/cancelled-error';
import type { ReviewGate } from '../../src/core/pipeline/pipeline-deps';
import { InMemoryRunRegistry } from '../../src/core/runs/in-memory-run-registry';
import { generateServerToken } from '../../src/core/server/bearer-token';
import { startLocalServer, type LocalServer, type LocalServerOptions } from '../../src/core/server/local-server';
import { RunEventSchema, type RunEvent } from '../../src/protocol/run-events';
import { startGitHubStandIn, type GitHubStandIn } from './github-stand-in';
import { repositoryCacheIdle } from '../../src/core/git/cache/spare-checkout';

export const README = 'Hello from the widgets repository.\n';
export const PROMPT = 'replace "Hello" with "Howdy" in README.md';

/** Review gates that wait until the test releases them (or the run is cancelled). */
export class HeldReviews {
  private readonly releases = new Map<string, () => void>();
  private readonly arrivals = new Map<string, () => void>();
  private readonly arrived = new Map<string, Promise<void>>();

  readonly gate: ReviewGate = (review, signal) =>
    new Promise((resolve, reject) => {
      const onAbort = () => reject(new CancelledError(abortReason(signal)));
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.releases.set(review.requestId, () => {
        signal.removeEventListener('abort', onAbort);
        resolve('create');
      });
      this.arrivalOf(review.requestId);
      this.arrivals.get(review.requestId)?.();
    });

  /** Resolves when the run reaches the review step. */
  reached(requestId: string): Promise<void> {
    return this.arrivalOf(requestId);
  }

  release(requestId: string): void {
    const release = this.releases.get(requestId);
    if (!release) throw new Error(`run ${requestId} is not held`);
    release();
  }

  private arrivalOf(requestId: string): Promise<void> {
    let promise = this.arrived.get(requestId);
    if (!promise) {
      promise = new Promise((resolve) => this.arrivals.set(requestId, resolve));
      this.arrived.set(requestId, promise);
    }
    return promise;
  }
}

export interface ServerHarness {
  readonly github: GitHubStandIn;
  readonly registry: InMemoryRunRegistry;
  readonly server: LocalServer;
  readonly token: string;
  readonly url: string;
  /** Parent of every run's temporary directory. */
  readonly tempRoot: string;
  readonly held: HeldReviews;
  repoUrl(name?: string): string;
  /** Names of run directories that still exist under tempRoot. */
  runDirs(): Promise<string[]>;
  /** `fetch` with the bearer token (and JSON content type when a body is given). */
  call(pathname: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  readonly repos?: readonly string[];
  readonly maxConcurrentRuns?: number;
  /** Hold every run at the review step until `held.release(id)`. */
  readonly holdForReview?: boolean;
  readonly server?: Partial<Omit<LocalServerOptions, 'registry' | 'token'>>;
  /** Host environment on top of the defaults (the server reads its configuration from it). */
  readonly env?: Readonly<Record<string, string>>;
}

export async function startServerHarness(options: HarnessOptions = {}): Promise<ServerHarness> {
  const github = await startGitHubStandIn();
  for (const name of options.repos ?? ['widgets']) await github.createRepo('octo', name, { files: { 'README.md': README } });
  const tempRoot = await mkdtemp(path.join(tmpdir(), 'tb-server-test-'));
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, TINY_BACKSPACE_GITHUB_URL: github.url, GITHUB_TOKEN: github.token, TINY_BACKSPACE_SANDBOX: 'local', ...options.env };
  const held = new HeldReviews();
  const deps = createPipelineDeps({
    config: configFromEnv(env),
    secrets: secretsFromEnv(env),
    allowLocalRepositories: false,
    env,
    tempRoot,
    ...(options.holdForReview ? { overrides: { review: held.gate } } : {}),
  });
  const registry = new InMemoryRunRegistry(deps, { maxConcurrentRuns: options.maxConcurrentRuns ?? 8 });
  const token = generateServerToken();
  const server = await startLocalServer({ registry, token, ...options.server });
  return {
    github,
    registry,
    server,
    token,
    url: server.url,
    tempRoot,
    held,
    repoUrl: (name = 'widgets') => `${github.url}/octo/${name}`,
    runDirs: async () => (await readdir(tempRoot).catch(() => [] as string[])).filter((name) => name.startsWith('tiny-backspace-')),
    call: (pathname, init = {}) => {
      const { json, headers, ...rest } = init;
      return fetch(`${server.url}${pathname}`, {
        ...rest,
        headers: {
          authorization: `Bearer ${token}`,
          ...(json === undefined ? {} : { 'content-type': 'application/json' }),
          ...(headers as Record<string, string> | undefined),
        },
        ...(json === undefined ? {} : { body: JSON.stringify(json) }),
      });
    },
    async close() {
      await server.stop();
      await registry.cancelAll();
      await github.close();
      await repositoryCacheIdle(); // a spare checkout may still be written for the next run
      await rm(tempRoot, { recursive: true, force: true });
    },
  };
}

export interface SseMessage {
  readonly id: string | undefined;
  readonly event: string | undefined;
  readonly data: string;
}

export interface SseReading {
  readonly messages: SseMessage[];
  readonly comments: string[];
  /** The data of every message, parsed and validated as run events. */
  readonly events: RunEvent[];
  /** True when the server ended the stream (false when `until` stopped reading first). */
  readonly endedByServer: boolean;
}

/**
 * Reads an SSE body with eventsource-parser. `until` is asked after each message and comment; when it
 * answers true the reader stops and `abort` (if given) drops the connection, like a client going away.
 */
export async function readSse(
  response: Response,
  options: { until?: (reading: SseReading) => boolean; abort?: AbortController } = {},
): Promise<SseReading> {
  if (!response.body) throw new Error('response has no body');
  const reading: SseReading & { endedByServer: boolean } = { messages: [], comments: [], events: [], endedByServer: false };
  let stop = false;
  const parser = createParser({
    onEvent: (message: EventSourceMessage) => {
      reading.messages.push({ id: message.id, event: message.event, data: message.data });
      reading.events.push(RunEventSchema.parse(JSON.parse(message.data)));
      if (options.until?.(reading)) stop = true;
    },
    onComment: (comment) => {
      reading.comments.push(comment);
      if (options.until?.(reading)) stop = true;
    },
  });
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  try {
    while (!stop) {
      const { value, done } = await reader.read();
      if (done) {
        reading.endedByServer = true;
        break;
      }
      parser.feed(decoder.decode(value, { stream: true }));
    }
  } finally {
    if (!reading.endedByServer) {
      options.abort?.abort();
      await reader.cancel().catch(() => undefined);
    }
  }
  return reading;
}

/** Resolves once `predicate` holds for the registry, checked on each of its events. */
export function registryEvent(registry: InMemoryRunRegistry, predicate: (event: RunEvent) => boolean): Promise<RunEvent> {
  return new Promise((resolve) => {
    const subscription = registry.subscribe((event) => {
      if (!predicate(event)) return;
      subscription.dispose();
      resolve(event);
    });
  });
}
