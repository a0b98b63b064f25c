// GitHub REST under `/api/v3` (the Enterprise layout Octokit reaches through `baseUrl`), backed by
// the real bare repositories so a PR is only accepted for a branch that was really pushed.

import { checkAuthorization, type AuthOutcome } from './auth.js';
import { branchShas, deleteBranchRef, isAncestor } from './bare-repos.js';
import { pullExtraJson, pullFiles, refreshPullHead, replyToComment } from './pull-reviews.js';
import type { BufferedRequest } from './smart-http.js';
import { repoKey, type InternalPull, type RateLimitState, type RepoRecord, type StandInContext, type StandInResponse } from './types.js';

export const API_PREFIX = '/api/v3';
const DOCS = 'https://docs.github.com/rest';
const USER_ID = 1;

export function consumeRateLimit(rate: RateLimitState, nowMs: number): void {
  const now = Math.floor(nowMs / 1000);
  if (now >= rate.resetEpochSeconds) {
    rate.used = 0;
    rate.resetEpochSeconds = now + 3600;
  }
  rate.used += 1;
}

export function rateLimitHeaders(rate: RateLimitState): Record<string, string> {
  return {
    'x-ratelimit-limit': String(rate.limit),
    'x-ratelimit-remaining': String(Math.max(0, rate.limit - rate.used)),
    'x-ratelimit-reset': String(rate.resetEpochSeconds),
    'x-ratelimit-used': String(rate.used),
    'x-ratelimit-resource': 'core',
  };
}

export function jsonResponse(ctx: StandInContext, status: number, body: unknown, extra: Record<string, string> = {}): StandInResponse {
  return {
    status,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'x-github-media-type': 'github.v3; format=json',
      ...rateLimitHeaders(ctx.rate),
      ...extra,
    },
    body: JSON.stringify(body),
  };
}

const notFound = { message: 'Not Found', documentation_url: DOCS, status: '404' };

function validationFailed(errors: Record<string, string>[]): unknown {
  return { message: 'Validation Failed', errors, documentation_url: `${DOCS}/pulls/pulls#create-a-pull-request`, status: '422' };
}

export async function handleRestRequest(ctx: StandInContext, request: BufferedRequest): Promise<StandInResponse> {
  const url = new URL(request.target, 'http://stand-in.invalid');
  const auth = checkAuthorization(request.headers.authorization, [ctx.token, ...ctx.extraTokens]);
  if (auth === 'invalid') return jsonResponse(ctx, 401, { message: 'Bad credentials', documentation_url: DOCS, status: '401' });

  let parts: string[];
  try {
    parts = url.pathname.slice(API_PREFIX.length).split('/').filter((part) => part !== '').map(decodeURIComponent);
  } catch {
    return jsonResponse(ctx, 404, notFound);
  }
  const [first, owner, name, section, ...rest] = parts;
  const method = request.method;

  if (first === 'user' && owner === undefined && method === 'GET') {
    if (auth !== 'valid') return jsonResponse(ctx, 401, { message: 'Requires authentication', documentation_url: DOCS, status: '401' });
    return jsonResponse(ctx, 200, { login: ctx.login, id: USER_ID, type: 'User' });
  }
  if (first !== 'repos' || owner === undefined || name === undefined) return jsonResponse(ctx, 404, notFound);
  const repo = ctx.repos.get(repoKey(owner, name));
  if (repo === undefined || (repo.private && auth !== 'valid')) return jsonResponse(ctx, 404, notFound);

  if (section === undefined && method === 'GET') return jsonResponse(ctx, 200, repoJson(ctx, repo, auth));
  if (section === 'branches' && rest.length > 0 && method === 'GET') {
    const branch = rest.join('/');
    const sha = (await branchShas(ctx.git, repo.barePath)).get(branch);
    if (sha === undefined) return jsonResponse(ctx, 404, { message: 'Branch not found', documentation_url: DOCS, status: '404' });
    return jsonResponse(ctx, 200, { name: branch, commit: { sha, url: `${repoApi(ctx, repo)}/commits/${sha}` }, protected: false });
  }
  // Octokit sends `heads/a/b` as one %2F-encoded segment; joining after decoding accepts both forms.
  const gitRef = section === 'git' && rest[0] === 'ref' ? rest.slice(1).join('/') : '';
  if (gitRef.startsWith('heads/') && gitRef.length > 'heads/'.length && method === 'GET') {
    const ref = `refs/${gitRef}`;
    const sha = (await branchShas(ctx.git, repo.barePath)).get(gitRef.slice('heads/'.length));
    if (sha === undefined) return jsonResponse(ctx, 404, notFound);
    return jsonResponse(ctx, 200, {
      ref,
      url: `${repoApi(ctx, repo)}/git/${ref}`,
      object: { sha, type: 'commit', url: `${repoApi(ctx, repo)}/git/commits/${sha}` },
    });
  }
  // DELETE /repos/{o}/{r}/git/refs/heads/{branch}: 204, or 422 "Reference does not exist".
  const refsTarget = section === 'git' && rest[0] === 'refs' ? rest.slice(1).join('/') : '';
  if (refsTarget.startsWith('heads/') && refsTarget.length > 'heads/'.length && method === 'DELETE') {
    const denied = writeDenied(ctx, repo, auth);
    if (denied !== undefined) return denied;
    const branch = refsTarget.slice('heads/'.length);
    if (branch === repo.defaultBranch) {
      return jsonResponse(ctx, 422, { message: 'Cannot delete this protected branch', documentation_url: `${DOCS}/git/refs#delete-a-reference`, status: '422' });
    }
    if (!(await deleteBranchRef(ctx.git, repo.barePath, branch))) {
      return jsonResponse(ctx, 422, { message: 'Reference does not exist', documentation_url: `${DOCS}/git/refs#delete-a-reference`, status: '422' });
    }
    return { status: 204, headers: { ...rateLimitHeaders(ctx.rate) }, body: '' };
  }
  if (section === 'pulls' && rest.length === 0 && method === 'GET') return listPulls(ctx, repo, auth, url.searchParams);
  if (section === 'pulls' && rest.length === 0 && method === 'POST') return createPull(ctx, repo, auth, request.body);
  if (section === 'pulls' && rest.length === 1 && /^\d+$/.test(rest[0] ?? '')) {
    const pull = repo.pulls.find((candidate) => candidate.number === Number(rest[0]));
    if (pull === undefined) return jsonResponse(ctx, 404, notFound);
    if (method === 'GET') {
      await refreshHeadShas(ctx, repo, [pull]);
      return jsonResponse(ctx, 200, pullJson(ctx, repo, pull, auth));
    }
    if (method === 'PATCH') return updatePull(ctx, repo, pull, auth, request.body);
  }
  // Follow-ups (issue 15): a PR's files, and replies to its review comments.
  if (section === 'pulls' && /^\d+$/.test(rest[0] ?? '') && rest.length > 1) {
    const pull = repo.pulls.find((candidate) => candidate.number === Number(rest[0]));
    if (pull === undefined) return jsonResponse(ctx, 404, notFound);
    const json = (status: number, body: unknown) => jsonResponse(ctx, status, body);
    if (rest.length === 2 && rest[1] === 'files' && method === 'GET') return pullFiles(ctx, repo, pull, json);
    if (rest.length === 4 && rest[1] === 'comments' && rest[3] === 'replies' && method === 'POST') return replyToComment(ctx, repo, pull, auth, rest[2] ?? '', request.body, json);
  }
  return jsonResponse(ctx, 404, notFound);
}

function repoApi(ctx: StandInContext, repo: RepoRecord): string {
  return `${ctx.apiUrl}/repos/${repo.owner}/${repo.name}`;
}

function repoJson(ctx: StandInContext, repo: RepoRecord, auth: AuthOutcome): Record<string, unknown> {
  return {
    id: repo.id,
    node_id: `R_stand_in_${repo.id}`,
    name: repo.name,
    full_name: `${repo.owner}/${repo.name}`,
    private: repo.private,
    visibility: repo.private ? 'private' : 'public',
    owner: { login: repo.owner, id: USER_ID + repo.id, type: 'User' },
    html_url: `${ctx.url}/${repo.owner}/${repo.name}`,
    url: repoApi(ctx, repo),
    clone_url: `${ctx.url}/${repo.owner}/${repo.name}.git`,
    default_branch: repo.defaultBranch,
    fork: false,
    archived: false,
    disabled: false,
    // GitHub only tells an authenticated caller what it may do.
    ...(auth === 'valid' ? { permissions: { admin: repo.pushAllowed, maintain: repo.pushAllowed, push: repo.pushAllowed, triage: true, pull: true } } : {}),
  };
}

function pullJson(ctx: StandInContext, repo: RepoRecord, pull: InternalPull, auth: AuthOutcome): Record<string, unknown> {
  const api = `${repoApi(ctx, repo)}/pulls/${pull.number}`;
  const side = (ref: string, sha: string): Record<string, unknown> => ({
    label: `${repo.owner}:${ref}`,
    ref,
    sha,
    user: { login: repo.owner },
    repo: repoJson(ctx, repo, auth),
  });
  const extra = pullExtraJson(ctx, repo, pull, (other) => repoJson(ctx, other, auth));
  return {
    url: api,
    id: pull.id,
    node_id: `PR_stand_in_${pull.id}`,
    html_url: pull.htmlUrl,
    diff_url: `${pull.htmlUrl}.diff`,
    patch_url: `${pull.htmlUrl}.patch`,
    issue_url: `${repoApi(ctx, repo)}/issues/${pull.number}`,
    number: pull.number,
    state: pull.state,
    locked: false,
    title: pull.title,
    user: { login: ctx.login, id: USER_ID, type: 'User' },
    body: pull.body === '' ? null : pull.body,
    created_at: pull.createdAt,
    updated_at: pull.updatedAt,
    closed_at: pull.state === 'closed' ? pull.updatedAt : null,
    merge_commit_sha: null,
    draft: pull.draft,
    merged: extra.merged,
    merged_at: extra.merged_at,
    maintainer_can_modify: extra.maintainer_can_modify,
    head: { ...side(pull.head, pull.headSha), label: extra.headLabel, user: { login: extra.headUser }, repo: extra.headRepo },
    base: side(pull.base, pull.baseSha),
  };
}

/** Like GitHub, a PR's head sha follows its branch after later pushes. */
async function refreshHeadShas(ctx: StandInContext, repo: RepoRecord, pulls: InternalPull[]): Promise<void> {
  if (pulls.length === 0) return;
  const shas = await branchShas(ctx.git, repo.barePath);
  for (const pull of pulls) {
    if (pull.headRepoKey !== undefined) await refreshPullHead(ctx, repo, pull);
    else pull.headSha = shas.get(pull.head) ?? pull.headSha;
  }
}

/** The request fields the pull endpoints read; values stay `unknown` until checked. */
interface PullInput {
  title?: unknown;
  head?: unknown;
  base?: unknown;
  body?: unknown;
  draft?: unknown;
  state?: unknown;
}

function parseJsonObject(body: Buffer): PullInput | undefined {
  try {
    const value: unknown = JSON.parse(body.toString('utf8') || '{}');
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as PullInput) : undefined;
  } catch {
    return undefined;
  }
}

function writeDenied(ctx: StandInContext, repo: RepoRecord, auth: AuthOutcome): StandInResponse | undefined {
  if (auth !== 'valid') return jsonResponse(ctx, 401, { message: 'Requires authentication', documentation_url: DOCS, status: '401' });
  if (!repo.pushAllowed) return jsonResponse(ctx, 403, { message: 'Resource not accessible by integration', documentation_url: DOCS, status: '403' });
  return undefined;
}

/** GitHub's limits on a PR's text, counted in characters (code points), as GitHub counts them. */
const BODY_LIMIT = 65_536;
const TITLE_LIMIT = 256;

function tooLong(input: PullInput): Record<string, string>[] {
  const errors: Record<string, string>[] = [];
  if (typeof input.title === 'string' && [...input.title].length > TITLE_LIMIT) {
    errors.push({ resource: 'Issue', code: 'custom', field: 'title', message: `title is too long (maximum is ${TITLE_LIMIT} characters)` });
  }
  if (typeof input.body === 'string' && [...input.body].length > BODY_LIMIT) {
    errors.push({ resource: 'Issue', code: 'custom', field: 'body', message: `body is too long (maximum is ${BODY_LIMIT} characters)` });
  }
  return errors;
}

function alreadyExists(repo: RepoRecord, head: string): Record<string, string> {
  return { resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${repo.owner}:${head}.` };
}

/** `head` is `branch` or `owner:branch`; only same-repository heads exist here (no forks). */
function headBranch(repo: RepoRecord, head: string): string | undefined {
  const colon = head.indexOf(':');
  if (colon < 0) return head;
  return head.slice(0, colon).toLowerCase() === repo.owner.toLowerCase() ? head.slice(colon + 1) : undefined;
}

async function createPull(ctx: StandInContext, repo: RepoRecord, auth: AuthOutcome, rawBody: Buffer): Promise<StandInResponse> {
  const denied = writeDenied(ctx, repo, auth);
  if (denied !== undefined) return denied;
  const input = parseJsonObject(rawBody);
  if (input === undefined) return jsonResponse(ctx, 400, { message: 'Problems parsing JSON', documentation_url: DOCS, status: '400' });

  const missing = (['title', 'head', 'base'] as const).filter((field) => typeof input[field] !== 'string' || input[field] === '');
  if (missing.length > 0) {
    return jsonResponse(ctx, 422, validationFailed(missing.map((field) => ({ resource: 'PullRequest', field, code: 'missing_field' }))));
  }
  const oversized = tooLong(input);
  if (oversized.length > 0) return jsonResponse(ctx, 422, validationFailed(oversized));
  const title = String(input.title);
  const base = String(input.base);
  const head = headBranch(repo, String(input.head));
  const shas = await branchShas(ctx.git, repo.barePath);
  const headSha = head === undefined ? undefined : shas.get(head);
  const baseSha = shas.get(base);
  if (head === undefined || headSha === undefined) {
    return jsonResponse(ctx, 422, validationFailed([{ resource: 'PullRequest', field: 'head', code: 'invalid' }]));
  }
  if (baseSha === undefined) return jsonResponse(ctx, 422, validationFailed([{ resource: 'PullRequest', field: 'base', code: 'invalid' }]));
  if (repo.pulls.some((pull) => pull.state === 'open' && pull.head === head && pull.base === base)) {
    return jsonResponse(ctx, 422, validationFailed([alreadyExists(repo, head)]));
  }
  if (await isAncestor(ctx.git, repo.barePath, headSha, baseSha)) {
    return jsonResponse(ctx, 422, validationFailed([{ resource: 'PullRequest', code: 'custom', message: `No commits between ${base} and ${head}` }]));
  }

  const number = repo.nextNumber++;
  const now = new Date().toISOString();
  const pull: InternalPull = {
    number,
    id: repo.id * 1000 + number,
    title,
    body: typeof input.body === 'string' ? input.body : '',
    head,
    base,
    headSha,
    baseSha,
    draft: input.draft === true,
    state: 'open',
    htmlUrl: `${ctx.url}/${repo.owner}/${repo.name}/pull/${number}`,
    createdAt: now,
    updatedAt: now,
  };
  repo.pulls.push(pull);
  return jsonResponse(ctx, 201, pullJson(ctx, repo, pull, auth), { location: `${repoApi(ctx, repo)}/pulls/${number}` });
}

async function listPulls(ctx: StandInContext, repo: RepoRecord, auth: AuthOutcome, query: URLSearchParams): Promise<StandInResponse> {
  const state = query.get('state') ?? 'open';
  const headFilter = query.get('head');
  const head = headFilter === null ? null : headBranch(repo, headFilter);
  const base = query.get('base');
  const perPage = Math.min(100, Math.max(1, Number(query.get('per_page') ?? 30) || 30));
  const page = Math.max(1, Number(query.get('page') ?? 1) || 1);
  const matching = repo.pulls
    .filter((pull) => state === 'all' || pull.state === state)
    .filter((pull) => head === null || pull.head === head)
    .filter((pull) => base === null || pull.base === base)
    .sort((a, b) => b.number - a.number)
    .slice((page - 1) * perPage, page * perPage);
  await refreshHeadShas(ctx, repo, matching);
  return jsonResponse(ctx, 200, matching.map((pull) => pullJson(ctx, repo, pull, auth)));
}

async function updatePull(ctx: StandInContext, repo: RepoRecord, pull: InternalPull, auth: AuthOutcome, rawBody: Buffer): Promise<StandInResponse> {
  const denied = writeDenied(ctx, repo, auth);
  if (denied !== undefined) return denied;
  const input = parseJsonObject(rawBody);
  if (input === undefined) return jsonResponse(ctx, 400, { message: 'Problems parsing JSON', documentation_url: DOCS, status: '400' });
  const oversized = tooLong(input);
  if (oversized.length > 0) return jsonResponse(ctx, 422, validationFailed(oversized));
  if (input.state === 'open' && pull.state === 'closed') {
    const twin = repo.pulls.some((other) => other !== pull && other.state === 'open' && other.head === pull.head && other.base === pull.base);
    if (twin) return jsonResponse(ctx, 422, validationFailed([alreadyExists(repo, pull.head)]));
  }
  if (typeof input.title === 'string') pull.title = input.title;
  if (typeof input.body === 'string') pull.body = input.body;
  if (input.state === 'open' || input.state === 'closed') pull.state = input.state;
  pull.updatedAt = new Date().toISOString();
  await refreshHeadShas(ctx, repo, [pull]);
  return jsonResponse(ctx, 200, pullJson(ctx, repo, pull, auth));
}
