// A loopback E2B for tests: the control plane (REST, `X-API-KEY`) and envd (Connect RPC in JSON mode plus
// the REST file endpoints), on two node:http servers sharing state, so the real `@e2b/code-interpreter`
// SDK runs unmodified against it. Facts it follows are in ../shared/notes/stand-ins.md.
//
// Each sandbox is a temp directory standing for the VM's filesystem; commands run there (under
// bubblewrap when available, see e2b/sandbox-process.ts). Every request is recorded, raw bodies too, so
// tests can prove no token or key ever reached "E2B".

import { randomBytes } from 'node:crypto';
import { lstat, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CONNECT_HTTP_STATUS, END_STREAM_FLAG, decodeEnvelopes, encodeEnvelope, type ConnectCode } from './e2b/connect-envelope.js';
import { hostPathOf, startSandboxProcess, type ProcessExit, type SandboxProcess } from './e2b/sandbox-process.js';

export { standInUsesBubblewrap } from './e2b/sandbox-process.js';

export interface RecordedE2bRequest {
  plane: 'api' | 'envd';
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** UTF-8 text, or `[binary N bytes]` for uploads (the bytes are in `rawBody`). */
  body: string;
  rawBody: Buffer;
  status?: number;
}

export interface StandInSandbox {
  id: string;
  templateID: string;
  /** What the client asked to put into the sandbox's environment. */
  envVars: unknown;
  timeoutSeconds: number;
  state: 'running' | 'killed' | 'expired';
  /** Egress rules as E2B holds them: from the create request, replaced by each PUT .../network. */
  network: { allowOut?: string[]; denyOut?: string[] } | undefined;
  /** Host directory standing for the sandbox's `/`; kept until `close()` so tests can inspect it. */
  root: string;
  envdAccessToken: string;
}

export interface RecordedProcess {
  sandboxId: string;
  pid: number;
  cmd: string;
  args: string[];
  cwd: string;
  envs: Record<string, string>;
  /** Set once the process has exited. */
  exit?: ProcessExit;
  /** True when a SendSignal, a deadline or the sandbox's end killed it. */
  killed: boolean;
}

export interface E2bStandIn {
  /** Control plane: pass as `apiUrl` / E2B_API_URL. */
  readonly apiUrl: string;
  /** envd: pass as `sandboxUrl` / E2B_SANDBOX_URL. */
  readonly sandboxUrl: string;
  /** The one accepted API key. */
  readonly apiKey: string;
  readonly requests: RecordedE2bRequest[];
  readonly processes: RecordedProcess[];
  sandboxes(): StandInSandbox[];
  /** Processes still running, in any sandbox. */
  liveProcesses(): RecordedProcess[];
  /** Resolves when a process matching `predicate` has started (at once if one already did). */
  waitForProcess(predicate: (process: RecordedProcess) => boolean): Promise<RecordedProcess>;
  /** Ends a sandbox as E2B does when its timeout lapses: processes die, envd answers 502. */
  expire(sandboxId: string): void;
  close(): Promise<void>;
}

interface SandboxState extends StandInSandbox {
  expiryTimer?: NodeJS.Timeout;
  nextPid: number;
  running: Map<number, { record: RecordedProcess; process: SandboxProcess }>;
  streams: Set<ServerResponse>;
}

interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

const ENVD_VERSION = '0.5.7';

function json(status: number, value: unknown): Reply {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) };
}

function connectError(code: ConnectCode, message: string): Reply {
  return json(CONNECT_HTTP_STATUS[code], { code, message });
}

/** What the E2B edge answers for a sandbox that is gone; the SDK maps 502 to "sandbox timeout". */
function sandboxGone(id: string): Reply {
  return json(502, { sandboxId: id, message: 'The sandbox was not found', code: 502 });
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function isBinary(contentType: string | undefined): boolean {
  return /multipart\/form-data|octet-stream/.test(contentType ?? '');
}

export interface E2bStandInOptions {
  apiKey?: string;
  /**
   * Awaited after a sandbox was created and before the create call is answered: the window in which a
   * client may give up while E2B already runs the sandbox.
   */
  beforeCreateReply?: (sandboxId: string) => Promise<void>;
}

export async function startE2bStandIn(options: E2bStandInOptions = {}): Promise<E2bStandIn> {
  const root = await mkdtemp(path.join(tmpdir(), 'e2b-stand-in-'));
  const apiKey = options.apiKey ?? `e2b_${randomBytes(20).toString('hex')}`;
  const requests: RecordedE2bRequest[] = [];
  const processes: RecordedProcess[] = [];
  const sandboxes = new Map<string, SandboxState>();
  const waiters: Array<{ predicate: (process: RecordedProcess) => boolean; resolve: (process: RecordedProcess) => void }> = [];
  let nextSandbox = 1;

  function endSandbox(sandbox: SandboxState, state: 'killed' | 'expired'): void {
    if (sandbox.state !== 'running') return;
    sandbox.state = state;
    if (sandbox.expiryTimer) clearTimeout(sandbox.expiryTimer);
    for (const { record, process } of sandbox.running.values()) {
      record.killed = true;
      process.kill();
    }
    // The VM is gone: open streams break off mid-response, as they would at E2B.
    for (const stream of sandbox.streams) stream.destroy();
    sandbox.streams.clear();
  }

  function armExpiry(sandbox: SandboxState): void {
    if (sandbox.expiryTimer) clearTimeout(sandbox.expiryTimer);
    sandbox.expiryTimer = setTimeout(() => endSandbox(sandbox, 'expired'), sandbox.timeoutSeconds * 1000);
    sandbox.expiryTimer.unref();
  }

  // ---- control plane -------------------------------------------------------------------------
  async function handleApi(method: string, url: URL, headers: IncomingMessage['headers'], body: Buffer): Promise<Reply> {
    if (headers['x-api-key'] !== apiKey) return json(401, { code: 401, message: 'Invalid API key' });
    if (method === 'POST' && url.pathname === '/v2/sandboxes') {
      const request = JSON.parse(body.toString('utf8') || '{}') as { templateID?: string; timeout?: number; envVars?: unknown; network?: { allowOut?: string[]; denyOut?: string[] } };
      const id = `sb${nextSandbox++}${randomBytes(4).toString('hex')}`;
      const sandboxRoot = path.join(root, id);
      await mkdir(path.join(sandboxRoot, 'home', 'user'), { recursive: true });
      await mkdir(path.join(sandboxRoot, 'tmp'), { recursive: true });
      const sandbox: SandboxState = {
        id,
        templateID: request.templateID ?? 'base',
        envVars: request.envVars,
        timeoutSeconds: request.timeout ?? 300,
        state: 'running',
        network: request.network,
        root: sandboxRoot,
        envdAccessToken: randomBytes(16).toString('hex'),
        nextPid: 100,
        running: new Map(),
        streams: new Set(),
      };
      sandboxes.set(id, sandbox);
      armExpiry(sandbox);
      await options.beforeCreateReply?.(id);
      return json(201, { sandboxID: id, templateID: sandbox.templateID, clientID: 'stand-in', envdVersion: ENVD_VERSION, envdAccessToken: sandbox.envdAccessToken, domain: null });
    }
    const match = /^\/sandboxes\/([^/]+)(\/timeout|\/network)?$/.exec(url.pathname);
    const sandbox = match ? sandboxes.get(decodeURIComponent(match[1] ?? '')) : undefined;
    if (!match) return json(404, { code: 404, message: `no route ${method} ${url.pathname}` });
    if (!sandbox || sandbox.state !== 'running') return json(404, { code: 404, message: `sandbox ${match[1]} not found` });
    if (method === 'DELETE' && !match[2]) {
      endSandbox(sandbox, 'killed');
      return { status: 204 };
    }
    if (match[2] === '/network') {
      if (method !== 'PUT') return json(405, { code: 405, message: 'method not allowed' });
      const update = JSON.parse(body.toString('utf8') || '{}') as { allowOut?: unknown; denyOut?: unknown };
      const list = (value: unknown): value is string[] | undefined => value === undefined || (Array.isArray(value) && value.every((entry) => typeof entry === 'string'));
      if (!list(update.allowOut) || !list(update.denyOut)) return json(400, { code: 400, message: 'allowOut and denyOut must be lists of strings' });
      // Domain names are not supported for deny rules (E2B's API reference).
      if (update.denyOut?.some((entry) => /[a-z]/i.test(entry) && !entry.includes(':'))) return json(400, { code: 400, message: 'denyOut accepts CIDR blocks and IP addresses only' });
      sandbox.network = { ...(update.allowOut ? { allowOut: update.allowOut } : {}), ...(update.denyOut ? { denyOut: update.denyOut } : {}) };
      return { status: 204 };
    }
    if (method === 'POST' && match[2] === '/timeout') {
      const { timeout } = JSON.parse(body.toString('utf8') || '{}') as { timeout?: number };
      sandbox.timeoutSeconds = timeout ?? sandbox.timeoutSeconds;
      armExpiry(sandbox);
      return { status: 204 };
    }
    if (method === 'GET' && !match[2]) return json(200, { sandboxID: sandbox.id, templateID: sandbox.templateID, state: 'running' });
    return json(405, { code: 405, message: 'method not allowed' });
  }

  // ---- envd: files and filesystem RPCs --------------------------------------------------------
  async function entryInfo(sandbox: SandboxState, sandboxPath: string): Promise<Record<string, unknown>> {
    const info = await lstat(hostPathOf(sandbox.root, sandboxPath));
    const type = info.isSymbolicLink() ? 'FILE_TYPE_SYMLINK' : info.isDirectory() ? 'FILE_TYPE_DIRECTORY' : 'FILE_TYPE_FILE';
    return {
      name: path.posix.basename(sandboxPath),
      type,
      path: sandboxPath,
      size: String(info.size),
      mode: info.mode & 0o777,
      permissions: (info.mode & 0o777).toString(8),
      owner: 'user',
      group: 'user',
      modifiedTime: info.mtime.toISOString(),
    };
  }

  async function handleFiles(sandbox: SandboxState, method: string, url: URL, headers: IncomingMessage['headers'], body: Buffer): Promise<Reply> {
    const queryPath = url.searchParams.get('path') ?? undefined;
    if (method === 'GET') {
      if (!queryPath) return json(400, { code: 400, message: 'path is required' });
      const target = hostPathOf(sandbox.root, queryPath);
      const info = await stat(target).catch(() => undefined);
      if (!info) return json(404, { code: 404, message: `path '${queryPath}' does not exist` });
      if (info.isDirectory()) return json(400, { code: 400, message: `path '${queryPath}' is a directory` });
      return { status: 200, headers: { 'content-type': 'application/octet-stream' }, body: await readFile(target) };
    }
    if (method === 'POST' && /^application\/octet-stream/.test(String(headers['content-type'] ?? ''))) {
      // envd 0.5.7+: one file as the raw request body, its path in the query (required here).
      if (!queryPath) return json(400, { code: 400, message: 'path is required for an octet-stream upload' });
      const target = hostPathOf(sandbox.root, queryPath);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, body);
      return json(200, [{ name: path.posix.basename(queryPath), type: 'file', path: queryPath }]);
    }
    if (method === 'POST') {
      const form = await new Response(new Uint8Array(body), { headers: { 'content-type': String(headers['content-type'] ?? '') } }).formData();
      const written: Array<Record<string, unknown>> = [];
      for (const value of form.getAll('file')) {
        if (typeof value === 'string') return json(400, { code: 400, message: 'file part without a file' });
        const sandboxPath = queryPath ?? value.name;
        const target = hostPathOf(sandbox.root, sandboxPath);
        await mkdir(path.dirname(target), { recursive: true });
        await writeFile(target, Buffer.from(await value.arrayBuffer()));
        written.push({ name: path.posix.basename(sandboxPath), type: 'file', path: sandboxPath });
      }
      return json(200, written);
    }
    return json(405, { code: 405, message: 'method not allowed' });
  }

  async function handleFilesystemRpc(sandbox: SandboxState, method: string, body: Buffer): Promise<Reply> {
    const request = JSON.parse(body.toString('utf8') || '{}') as { path?: string; depth?: number };
    const sandboxPath = path.posix.normalize(`/${request.path ?? ''}`);
    const target = hostPathOf(sandbox.root, sandboxPath);
    const exists = await lstat(target).then(() => true, () => false);
    switch (method) {
      case 'ListDir': {
        if (!exists) return connectError('not_found', `directory '${sandboxPath}' does not exist`);
        const names = (await readdir(target)).sort();
        return json(200, { entries: await Promise.all(names.map((name) => entryInfo(sandbox, path.posix.join(sandboxPath, name)))) });
      }
      case 'Stat':
        return exists ? json(200, { entry: await entryInfo(sandbox, sandboxPath) }) : connectError('not_found', `path '${sandboxPath}' does not exist`);
      case 'Remove':
        if (!exists) return connectError('not_found', `path '${sandboxPath}' does not exist`);
        await rm(target, { recursive: true, force: true });
        return json(200, {});
      case 'MakeDir':
        if (exists) return json(409, { code: 'already_exists', message: `'${sandboxPath}' already exists` });
        await mkdir(target, { recursive: true });
        return json(200, { entry: await entryInfo(sandbox, sandboxPath) });
      default:
        return connectError('invalid_argument', `filesystem.Filesystem/${method} is not part of the stand-in`);
    }
  }

  // ---- envd: processes ------------------------------------------------------------------------
  function handleSignal(sandbox: SandboxState, body: Buffer): Reply {
    const request = JSON.parse(body.toString('utf8') || '{}') as { process?: { pid?: number }; signal?: string };
    const entry = request.process?.pid === undefined ? undefined : sandbox.running.get(request.process.pid);
    if (!entry) return connectError('not_found', `process ${request.process?.pid} not found`);
    entry.record.killed = true;
    entry.process.kill();
    return json(200, {});
  }

  async function startProcess(sandbox: SandboxState, headers: IncomingMessage['headers'], body: Buffer, res: ServerResponse): Promise<void> {
    const envelope = decodeEnvelopes(body)[0]?.message as { process?: { cmd?: string; args?: string[]; envs?: Record<string, string>; cwd?: string } } | undefined;
    const spec = envelope?.process ?? {};
    const cwd = spec.cwd ?? '/home/user';
    res.writeHead(200, { 'content-type': 'application/connect+json' });
    const send = (message: unknown, flags = 0): void => {
      if (!res.destroyed && !res.writableEnded) res.write(encodeEnvelope(message, flags));
    };
    const finish = (error?: { code: ConnectCode; message: string }): void => {
      send(error ? { error } : {}, END_STREAM_FLAG);
      if (!res.destroyed && !res.writableEnded) res.end();
      sandbox.streams.delete(res);
    };
    const cwdInfo = await stat(hostPathOf(sandbox.root, cwd)).catch(() => undefined);
    if (!cwdInfo?.isDirectory()) return finish({ code: 'invalid_argument', message: `cwd '${cwd}' does not exist` });

    const pid = sandbox.nextPid++;
    const record: RecordedProcess = { sandboxId: sandbox.id, pid, cmd: spec.cmd ?? '', args: spec.args ?? [], cwd, envs: spec.envs ?? {}, killed: false };
    processes.push(record);
    sandbox.streams.add(res);
    const data = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => send({ event: { data: { [stream]: chunk.toString('base64') } } });
    const child = startSandboxProcess(sandbox.root, { cmd: record.cmd, args: record.args, envs: record.envs, cwd }, data('stdout'), data('stderr'));
    sandbox.running.set(pid, { record, process: child });
    send({ event: { start: { pid } } });
    for (const waiter of [...waiters]) {
      if (!waiter.predicate(record)) continue;
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(record);
    }

    // Connect deadline (the SDK's `timeoutMs`): envd kills the process and ends the stream with an error.
    const timeoutMs = Number(headers['connect-timeout-ms']);
    let deadline: NodeJS.Timeout | undefined;
    let deadlineHit = false;
    if (Number.isFinite(timeoutMs) && timeoutMs > 0) {
      deadline = setTimeout(() => {
        deadlineHit = true;
        record.killed = true;
        child.kill();
      }, timeoutMs);
      deadline.unref();
    }
    const exit = await child.exited;
    if (deadline) clearTimeout(deadline);
    record.exit = exit;
    sandbox.running.delete(pid);
    if (deadlineHit) return finish({ code: 'deadline_exceeded', message: 'context deadline exceeded' });
    send({ event: { end: { exitCode: exit.exitCode, exited: exit.status.startsWith('exit'), status: exit.status } } });
    finish();
  }

  // ---- HTTP plumbing --------------------------------------------------------------------------
  async function serve(plane: 'api' | 'envd', req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const method = req.method ?? 'GET';
    const target = req.url ?? '/';
    const url = new URL(target, 'http://stand-in');
    const contentType = req.headers['content-type'];
    const record: RecordedE2bRequest = {
      plane,
      method,
      path: target,
      headers: { ...req.headers },
      body: isBinary(contentType) ? `[binary ${body.length} bytes]` : body.toString('utf8'),
      rawBody: body,
    };
    requests.push(record);

    let reply: Reply;
    try {
      if (plane === 'api') reply = await handleApi(method, url, req.headers, body);
      else {
        const id = String(req.headers['e2b-sandbox-id'] ?? '');
        const sandbox = sandboxes.get(id);
        if (!sandbox || sandbox.state !== 'running') reply = sandboxGone(id);
        else if (req.headers['x-access-token'] !== sandbox.envdAccessToken) reply = json(401, { code: 401, message: 'invalid access token' });
        else if (method === 'GET' && url.pathname === '/health') reply = { status: 204 };
        else if (url.pathname === '/files') reply = await handleFiles(sandbox, method, url, req.headers, body);
        else if (method === 'POST' && url.pathname === '/process.Process/Start') {
          record.status = 200;
          await startProcess(sandbox, req.headers, body, res);
          return;
        } else if (method === 'POST' && url.pathname === '/process.Process/SendSignal') reply = handleSignal(sandbox, body);
        else if (method === 'POST' && url.pathname.startsWith('/filesystem.Filesystem/')) reply = await handleFilesystemRpc(sandbox, url.pathname.slice('/filesystem.Filesystem/'.length), body);
        else reply = connectError('invalid_argument', `${method} ${url.pathname} is not part of the stand-in`);
      }
    } catch (error) {
      reply = json(500, { code: 500, message: `stand-in error: ${error instanceof Error ? error.message : String(error)}` });
    }
    record.status = reply.status;
    if (res.destroyed) return;
    const payload = reply.body ?? '';
    res.writeHead(reply.status, { ...reply.headers, 'content-length': String(Buffer.byteLength(payload)) });
    res.end(payload);
  }

  async function listen(plane: 'api' | 'envd'): Promise<{ server: Server; url: string }> {
    const server = createServer((req, res) => {
      serve(plane, req, res).catch(() => res.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  }

  const api = await listen('api');
  const envd = await listen('envd');

  return {
    apiUrl: api.url,
    sandboxUrl: envd.url,
    apiKey,
    requests,
    processes,
    sandboxes: () => [...sandboxes.values()].map(({ id, templateID, envVars, timeoutSeconds, state, network, root: sandboxRoot, envdAccessToken }) => ({ id, templateID, envVars, timeoutSeconds, state, network, root: sandboxRoot, envdAccessToken })),
    liveProcesses: () => processes.filter((process) => process.exit === undefined),
    waitForProcess(predicate) {
      const started = processes.find(predicate);
      if (started) return Promise.resolve(started);
      return new Promise((resolve) => waiters.push({ predicate, resolve }));
    },
    expire(sandboxId) {
      const sandbox = sandboxes.get(sandboxId);
      if (!sandbox) throw new Error(`stand-in has no sandbox ${sandboxId}`);
      endSandbox(sandbox, 'expired');
    },
    async close() {
      for (const sandbox of sandboxes.values()) endSandbox(sandbox, 'killed');
      await Promise.all(
        [...sandboxes.values()].flatMap((sandbox) => [...sandbox.running.values()].map(({ process }) => process.exited)),
      );
      for (const { server } of [api, envd]) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
      await rm(root, { recursive: true, force: true });
    },
  };
}
