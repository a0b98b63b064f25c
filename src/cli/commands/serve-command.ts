import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { abortReason } from '../../core/errors/cancelled-error';
import type { Logger, LogFields } from '../../core/logging/logger';
import type { PipelineDeps } from '../../core/pipeline/pipeline-deps';
import type { LiveMetrics, Disposable } from '../../core/runs/run-registry';
import { openRunStore, withoutUrlCredentials } from '../../core/runs/open-run-store';
import type { RunEvent } from '../../protocol/run-events';
import { StoreRunService } from '../../core/runs/store-run-service';
import { WorkerPipelines } from '../../core/runs/worker-pipelines';
import { assertUsableToken, generateServerToken } from '../../core/server/bearer-token';
import { isTinyBackspaceError } from '../../core/errors/tiny-backspace-error';
import { startLocalServer, type LocalServer } from '../../core/server/local-server';
import type { Output } from '../render/renderer';
import { UsageError } from '../usage-error';
import { EXIT_FAILED, EXIT_USAGE } from './run-command';

export const SERVE_USAGE = `Usage: tiny-backspace serve [--port N] [--allow-origin URL]... [options]

Starts the local Server-Sent Events server on 127.0.0.1; POST /code streams a run. Ctrl-C (or SIGTERM)
cancels the runs in progress and stops it.

Options:
  --port <n>            Port on 127.0.0.1 (default 0: any free port)
  --allow-origin <url>  A browser origin allowed to call the server, e.g. http://localhost:5173 (repeatable)
  --token-file <path>   Where a generated token is written, mode 0600 (default ~/.tiny-backspace/server-token)
  --max-runs <n>        Runs admitted at once (executing or queued) across every instance sharing the
                        store; more get 429 with Retry-After (default 32)
  --max-executing <n>   Runs that execute steps at once on this instance; the rest queue (default 2 per CPU)
  --store <url>         Where runs live: "memory" (default) or redis://HOST:PORT, shared by several
                        serve instances (streams, replay, cancel and admission work across them)
  --run-in <where>      "worker" (default): pipelines run in a worker thread, so the HTTP front end never
                        waits on them; "thread": on the server's own event loop
  --rate-limit <n>      Requests a minute each client may make to authenticated routes (default 600; 0: off)
  --verbose             Log every request and the server's info lines to stderr

Environment:
  TINY_BACKSPACE_SERVER_TOKEN            Use this token (32+ characters) instead of generating one
  TINY_BACKSPACE_SERVER_ALLOWED_ORIGINS  Comma-separated origins, added to --allow-origin
  TINY_BACKSPACE_STORE                   Default for --store
  GITHUB_TOKEN / GITHUB_PAT, TINY_BACKSPACE_GITHUB_URL, ...  as for "run"`;

export interface ServeCommandIo {
  readonly stdout: Output;
  readonly stderr: Output;
  /** Aborting it (Ctrl-C, SIGTERM) stops the server. */
  readonly signal: AbortSignal;
  readonly env: NodeJS.ProcessEnv;
  /** Builds the engine for a network-facing host (no local repositories). */
  readonly createDeps: (logger: Logger) => PipelineDeps;
  /** The host's logger (e.g. the observability file logger); default: human lines on stderr. */
  readonly logger?: Logger;
  /** Called once with the runs this instance executes, e.g. to record run traces; disposed on stop. */
  readonly attachRegistry?: (runs: { subscribe(listener: (event: RunEvent) => void): Disposable }) => { dispose(): void };
  /** Tells the host's logger a secret this command made or received (the server token), to redact verbatim. */
  readonly addKnownSecret?: (value: string) => void;
  /** The full report of `GET /health` for an authenticated caller; default: none. */
  readonly healthReport?: (runs: { metrics(): LiveMetrics }) => Promise<unknown>;
}

function parseServeArgs(argv: readonly string[], env: NodeJS.ProcessEnv) {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      port: { type: 'string' },
      'allow-origin': { type: 'string', multiple: true },
      'token-file': { type: 'string' },
      'max-runs': { type: 'string' },
      'max-executing': { type: 'string' },
      store: { type: 'string' },
      'run-in': { type: 'string' },
      verbose: { type: 'boolean', default: false },
      'rate-limit': { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0 to 65535 (got "${values.port}").`, SERVE_USAGE);
  const maxRuns = values['max-runs'] === undefined ? 32 : Number(values['max-runs']);
  if (!Number.isInteger(maxRuns) || maxRuns < 1) throw new UsageError(`--max-runs must be a whole number of at least 1 (got "${values['max-runs']}").`, SERVE_USAGE);
  const maxExecuting = values['max-executing'] === undefined ? undefined : Number(values['max-executing']);
  if (maxExecuting !== undefined && (!Number.isInteger(maxExecuting) || maxExecuting < 1)) {
    throw new UsageError(`--max-executing must be a whole number of at least 1 (got "${values['max-executing']}").`, SERVE_USAGE);
  }
  const rateLimit = values['rate-limit'] === undefined ? undefined : Number(values['rate-limit']);
  if (rateLimit !== undefined && (!Number.isInteger(rateLimit) || rateLimit < 0)) {
    throw new UsageError(`--rate-limit must be a whole number of requests a minute, 0 for none (got "${values['rate-limit']}").`, SERVE_USAGE);
  }
  const runIn = values['run-in'] ?? 'worker';
  if (runIn !== 'worker' && runIn !== 'thread') throw new UsageError(`--run-in must be "worker" or "thread" (got "${runIn}").`, SERVE_USAGE);
  const store = (values.store ?? env.TINY_BACKSPACE_STORE ?? 'memory').trim();
  if (store !== 'memory' && !/^rediss?:\/\/[^\s]+$/.test(store)) throw new UsageError(`--store must be "memory" or redis://HOST:PORT (got "${store}").`, SERVE_USAGE);
  const fromEnv = (env.TINY_BACKSPACE_SERVER_ALLOWED_ORIGINS ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '');
  return {
    port,
    maxRuns,
    maxExecuting,
    store,
    rateLimit,
    runIn,
    allowedOrigins: [...(values['allow-origin'] ?? []), ...fromEnv],
    tokenFile: path.resolve(values['token-file'] ?? path.join(homedir(), '.tiny-backspace', 'server-token')),
    verbose: values.verbose ?? false,
  };
}

/**
 * Writes the token readable by the owner only. A fresh file renamed into place: `writeFile`'s mode does
 * not apply to a file that already exists, and a reader never sees a half-written token.
 */
async function writeTokenFile(file: string, token: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, `${token}\n`, { mode: 0o600, flag: 'wx' });
    await chmod(temporary, 0o600);
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** Another server may have replaced the file since; its token is not ours to delete. */
async function removeTokenFileIfOurs(file: string, token: string): Promise<void> {
  const content = await readFile(file, 'utf8').catch(() => undefined);
  if (content?.trim() === token) await rm(file, { force: true });
}

/** Human lines on stderr; fields are engine-made and already redacted. Requests only with --verbose. */
function stderrLogger(stderr: Output, verbose: boolean): Logger {
  const line = (level: string, message: string, fields?: LogFields) =>
    stderr.write(`[${level}] ${message}${fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : ''}\n`);
  return {
    debug: (message, fields) => {
      if (verbose) line('debug', message, fields);
    },
    info: (message, fields) => {
      if (verbose) line('info', message, fields);
    },
    warn: (message, fields) => line('warn', message, fields),
    error: (message, error, fields) => line('error', `${message}${error instanceof Error ? `: ${error.message}` : ''}`, fields),
    performance: () => {},
    thinking: () => {},
  };
}

/** `--verbose` with the file logger: every line goes to the log files and is mirrored on stderr. */
function teeLogger(primary: Logger, mirror: Logger): Logger {
  return {
    debug: (message, fields) => {
      primary.debug(message, fields);
      mirror.debug(message, fields);
    },
    info: (message, fields) => {
      primary.info(message, fields);
      mirror.info(message, fields);
    },
    warn: (message, fields) => {
      primary.warn(message, fields);
      mirror.warn(message, fields);
    },
    error: (message, error, fields) => {
      primary.error(message, error, fields);
      mirror.error(message, error, fields);
    },
    performance: (...args) => primary.performance(...args),
    thinking: (...args) => primary.thinking(...args),
  };
}

function startupProblem(error: unknown, port: number): string {
  if (isTinyBackspaceError(error)) return error.remedy ? `${error.message}\n${error.remedy}` : error.message;
  if ((error as { code?: unknown }).code === 'EADDRINUSE') return `Port ${port} on 127.0.0.1 is already in use.\nPick another with --port, or --port 0 for any free port.`;
  return error instanceof Error ? error.message : String(error);
}

function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** `tiny-backspace serve`: runs until the signal aborts, then ends every run and frees the port. */
export async function serveCommand(argv: readonly string[], io: ServeCommandIo): Promise<number> {
  const args = parseServeArgs(argv, io.env);
  const logger = io.logger ? (args.verbose ? teeLogger(io.logger, stderrLogger(io.stderr, true)) : io.logger) : stderrLogger(io.stderr, args.verbose);
  const envToken = io.env.TINY_BACKSPACE_SERVER_TOKEN?.trim();
  const token = envToken || generateServerToken();
  io.addKnownSecret?.(token);
  let store;
  try {
    assertUsableToken(token);
    store = await openRunStore(args.store, { maxActiveRuns: args.maxRuns });
  } catch (error) {
    io.stderr.write(`tiny-backspace serve: ${startupProblem(error, args.port)}\n`);
    return EXIT_USAGE;
  }
  const maxExecuting = args.maxExecuting === undefined ? {} : { maxExecutingRuns: args.maxExecuting };
  // The worker builds the engine from the environment, as createDeps does here for the thread mode.
  const pipelines = args.runIn === 'worker' ? { pipelines: new WorkerPipelines(logger, maxExecuting) } : maxExecuting;
  const runs = await StoreRunService.create(store, io.createDeps(logger), pipelines);
  // Attached before the port opens, so no run can start unrecorded.
  const attached = io.attachRegistry?.(runs);
  const closeRuns = async () => {
    attached?.dispose();
    await runs.dispose();
    await store.close();
  };
  let server: LocalServer;
  try {
    server = await startLocalServer({
      runs,
      token,
      port: args.port,
      allowedOrigins: args.allowedOrigins,
      logger,
      ...(args.rateLimit === undefined ? {} : { rateLimitPerMinute: args.rateLimit }),
      ...(io.healthReport ? { healthReport: () => io.healthReport!({ metrics: () => runs.localMetrics() }) } : {}),
    });
  } catch (error) {
    await closeRuns();
    io.stderr.write(`tiny-backspace serve: ${startupProblem(error, args.port)}\n`);
    return EXIT_USAGE;
  }
  if (!envToken) {
    try {
      await writeTokenFile(args.tokenFile, token);
    } catch (error) {
      await server.stop('The token file could not be written.');
      await closeRuns();
      io.stderr.write(`tiny-backspace serve: cannot write the token file ${args.tokenFile}: ${error instanceof Error ? error.message : String(error)}\nPass --token-file with a writable path, or set TINY_BACKSPACE_SERVER_TOKEN.\n`);
      return EXIT_FAILED;
    }
  }
  const tokenHint = envToken ? '$TINY_BACKSPACE_SERVER_TOKEN' : `$(cat ${JSON.stringify(args.tokenFile)})`;
  // The token itself is never printed: only where it is.
  io.stdout.write(
    [
      `Tiny Backspace server listening on ${server.url}`,
      `Runs: ${args.store === 'memory' ? 'in memory (this process only)' : `shared through ${withoutUrlCredentials(args.store)}`}`,
      envToken ? 'Token: from TINY_BACKSPACE_SERVER_TOKEN' : `Token file: ${args.tokenFile}`,
      `API docs: ${server.url}/docs`,
      `Try: curl -N -H "Authorization: Bearer ${tokenHint}" -H "Content-Type: application/json" -d '{"repoUrl":"https://github.com/OWNER/REPO","prompt":"..."}' ${server.url}/code`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );

  await untilAborted(io.signal);
  const reason = io.signal.aborted ? abortReason(io.signal) : 'The server stopped.';
  io.stderr.write('Stopping the server and cancelling its runs…\n');
  await server.stop(`The server stopped: ${reason}`);
  await runs.cancelAll(`The server stopped: ${reason}`);
  await closeRuns();
  // A generated token dies with the server; leaving it would only invite reuse of a dead credential.
  if (!envToken) await removeTokenFileIfOurs(args.tokenFile, token);
  io.stdout.write('Server stopped.\n');
  return 0;
}
