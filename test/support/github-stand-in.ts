// A loopback GitHub for tests: git smart HTTP (via `git http-backend`) and the REST endpoints the
// product uses, on one node:http server, both backed by real bare repositories in a temp dir.

import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { assertValidName, branchShas, createBareRepo, readTreeEntries, readTreeFiles } from './github/bare-repos.js';
import { GitRunner } from './github/git-exec.js';
import { API_PREFIX, consumeRateLimit, handleRestRequest, jsonResponse, rateLimitHeaders } from './github/rest-api.js';
import { handleGitRequest, type BufferedRequest } from './github/smart-http.js';
import { checkAuthorization } from './github/auth.js';
import { handleGraphql } from './github/pull-reviews.js';
import { addPullHelpers, type PullHelpers } from './github/pull-helpers.js';

/** GitHub Enterprise serves GraphQL at `/api/graphql` (Octokit derives it from the `/api/v3` baseUrl). */
function isGraphql(request: BufferedRequest): boolean {
  return request.method === 'POST' && (request.target.split('?')[0] ?? '') === '/api/graphql';
}
import {
  repoKey,
  type InjectedFault,
  type PullRecord,
  type RecordedRequest,
  type RepoRecord,
  type StandInContext,
  type StandInRepoOptions,
  type StandInResponse,
  type StandInTreeEntry,
} from './github/types.js';

export type { InjectedFault, PullRecord, RecordedRequest, StandInFile, StandInRepoOptions, StandInTreeEntry } from './github/types.js';
export { lostResponseFault, primaryRateLimitFault, secondaryRateLimitFault } from './github/faults.js';

export type { PullHelpers, OpenPullOptions, ThreadOptions } from './github/pull-helpers.js';

export interface GitHubStandIn extends PullHelpers {
  /** `http://127.0.0.1:PORT`; git lives at `${url}/${owner}/${repo}.git`. */
  readonly url: string;
  /** `${url}/api/v3`, the Octokit `baseUrl`. */
  readonly apiUrl: string;
  /** The one valid token. */
  readonly token: string;
  /** The user the token belongs to (`GET /user`). */
  readonly login: string;
  /** Temp dir holding the bare repositories; removed by `close()`. */
  readonly root: string;
  createRepo(owner: string, name: string, options: StandInRepoOptions): Promise<{ barePath: string; headSha: string }>;
  pulls(owner: string, repo: string): PullRecord[];
  branches(owner: string, repo: string): Promise<string[]>;
  /** Every blob of the branch tip with its mode and exact bytes. Throws when the branch does not exist. */
  readBranchTree(owner: string, repo: string, branch: string): Promise<StandInTreeEntry[]>;
  /** Full tree of the branch tip: path -> utf8 content. Throws when the branch does not exist. */
  readBranchFiles(owner: string, repo: string, branch: string): Promise<Record<string, string>>;
  branchSha(owner: string, repo: string, branch: string): Promise<string | undefined>;
  /** Every request, git and REST, in arrival order. */
  readonly requests: RecordedRequest[];
  injectFault(fault: InjectedFault): void;
  /** Stops the server, kills live git children and removes `root`. */
  close(): Promise<void>;
}

interface ArmedFault {
  fault: InjectedFault;
  remaining: number;
}

export async function startGitHubStandIn(options: { token?: string; login?: string; extraTokens?: readonly string[] } = {}): Promise<GitHubStandIn> {
  const root = await mkdtemp(path.join(tmpdir(), 'github-stand-in-'));
  const reposRoot = path.join(root, 'repos');
  await mkdir(reposRoot);

  const ctx: StandInContext = {
    url: '',
    apiUrl: '',
    token: options.token ?? `ghs_test_${randomBytes(20).toString('hex')}`,
    extraTokens: options.extraTokens ?? [],
    login: options.login ?? 'stand-in-user',
    reposRoot,
    repos: new Map(),
    git: new GitRunner(),
    rate: { limit: 5000, used: 0, resetEpochSeconds: Math.floor(Date.now() / 1000) + 3600 },
  };
  const requests: RecordedRequest[] = [];
  const faults: ArmedFault[] = [];
  const reserved = new Set<string>();
  let nextRepoId = 1;

  function takeFault(method: string, target: string): InjectedFault | undefined {
    const armed = faults.find((candidate) => candidate.remaining > 0 && candidate.fault.match(method, target));
    if (armed === undefined) return undefined;
    armed.remaining -= 1;
    return armed.fault;
  }

  function faultResponse(fault: InjectedFault, isRest: boolean): StandInResponse {
    const body = fault.body ?? { message: STATUS_CODES[fault.status] ?? 'Error' };
    const contentType = typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8';
    return {
      status: fault.status,
      headers: { 'content-type': contentType, ...(isRest ? rateLimitHeaders(ctx.rate) : {}), ...fault.headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    };
  }

  async function handle(request: BufferedRequest, isRest: boolean): Promise<StandInResponse> {
    if (isGraphql(request)) return handleGraphql(ctx, checkAuthorization(request.headers.authorization, ctx.token), request.body, (status, body) => jsonResponse(ctx, status, body));
    if (isRest) return handleRestRequest(ctx, request);
    const git = await handleGitRequest(ctx, request);
    return git ?? { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'Not Found\n' };
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request: BufferedRequest = { method: req.method ?? 'GET', target: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks) };
    const pathname = request.target.split('?')[0] ?? '';
    const isRest = pathname === API_PREFIX || pathname.startsWith(`${API_PREFIX}/`) || isGraphql(request);
    const record: RecordedRequest = {
      method: request.method,
      path: request.target,
      headers: { ...req.headers },
      // Pack data is binary and can be large; tests only need to know it was there.
      body: isRest || request.body.length === 0 ? request.body.toString('utf8') : `[git request body: ${request.body.length} bytes]`,
    };
    requests.push(record);
    if (isRest) consumeRateLimit(ctx.rate, Date.now());

    let response: StandInResponse;
    try {
      const fault = takeFault(request.method, request.target);
      if (fault !== undefined && fault.afterHandler !== true) response = faultResponse(fault, isRest);
      else {
        response = await handle(request, isRest);
        if (fault !== undefined) response = faultResponse(fault, isRest);
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      response = isRest
        ? jsonResponse(ctx, 500, { message: `stand-in error: ${message}` })
        : { status: 500, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: `stand-in error: ${message}\n` };
    }
    record.status = response.status;
    if (res.destroyed) return;
    res.writeHead(response.status, { ...response.headers, 'content-length': String(Buffer.byteLength(response.body)) });
    res.end(response.body);
  }

  const server = createServer((req, res) => {
    serve(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  ctx.url = `http://127.0.0.1:${port}`;
  ctx.apiUrl = `${ctx.url}${API_PREFIX}`;

  function repoOf(owner: string, name: string): RepoRecord {
    const repo = ctx.repos.get(repoKey(owner, name));
    if (repo === undefined) throw new Error(`stand-in has no repository ${owner}/${name}`);
    return repo;
  }

  let closed: Promise<void> | undefined;

  return {
    ...addPullHelpers(ctx, repoOf),
    url: ctx.url,
    apiUrl: ctx.apiUrl,
    token: ctx.token,
    login: ctx.login,
    root,
    requests,

    async createRepo(owner, name, repoOptions) {
      assertValidName('owner', owner);
      assertValidName('repository', name);
      const key = repoKey(owner, name);
      if (ctx.repos.has(key) || reserved.has(key)) throw new Error(`repository ${owner}/${name} already exists`);
      reserved.add(key);
      try {
        const defaultBranch = repoOptions.defaultBranch ?? 'main';
        const barePath = path.join(reposRoot, owner, `${name}.git`);
        const headSha = await createBareRepo(ctx.git, barePath, defaultBranch, repoOptions.files);
        ctx.repos.set(key, {
          id: nextRepoId++,
          owner,
          name,
          barePath,
          defaultBranch,
          private: repoOptions.private ?? false,
          pushAllowed: repoOptions.pushAllowed ?? true,
          pulls: [],
          nextNumber: 1,
        });
        return { barePath, headSha };
      } finally {
        reserved.delete(key);
      }
    },

    pulls(owner, name) {
      return repoOf(owner, name).pulls.map((pull) => ({
        number: pull.number,
        title: pull.title,
        body: pull.body,
        head: pull.head,
        base: pull.base,
        headSha: pull.headSha,
        draft: pull.draft,
        state: pull.state,
        htmlUrl: pull.htmlUrl,
      }));
    },

    async branches(owner, name) {
      return [...(await branchShas(ctx.git, repoOf(owner, name).barePath)).keys()].sort();
    },

    async branchSha(owner, name, branch) {
      return (await branchShas(ctx.git, repoOf(owner, name).barePath)).get(branch);
    },

    async readBranchFiles(owner, name, branch) {
      const repo = repoOf(owner, name);
      const sha = (await branchShas(ctx.git, repo.barePath)).get(branch);
      if (sha === undefined) throw new Error(`${owner}/${name} has no branch ${branch}`);
      return readTreeFiles(ctx.git, repo.barePath, sha);
    },

    async readBranchTree(owner, name, branch) {
      const repo = repoOf(owner, name);
      const sha = (await branchShas(ctx.git, repo.barePath)).get(branch);
      if (sha === undefined) throw new Error(`${owner}/${name} has no branch ${branch}`);
      return readTreeEntries(ctx.git, repo.barePath, sha);
    },

    injectFault(fault) {
      faults.push({ fault, remaining: fault.times ?? 1 });
    },

    close() {
      closed ??= (async () => {
        ctx.git.killAll();
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await stopped;
        await rm(root, { recursive: true, force: true });
      })();
      return closed;
    },
  };
}
