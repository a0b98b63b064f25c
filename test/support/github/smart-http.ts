// git smart HTTP: authorize like GitHub, then hand the request to `git http-backend` as CGI.

import type { IncomingHttpHeaders } from 'node:http';
import { checkAuthorization } from './auth.js';
import { maintainerEditableBranches, pushedRefs } from './pull-reviews.js';
import { repoKey, type RepoRecord, type StandInContext, type StandInResponse } from './types.js';

/** Issue 15: like GitHub, "allow edits by maintainers" opens only the PR's head branch of a fork. */
function maintainerMayPush(ctx: StandInContext, repo: RepoRecord, request: BufferedRequest, rest: string): boolean {
  const editable = maintainerEditableBranches(ctx, repo);
  if (editable.size === 0) return false;
  if (rest !== '/git-receive-pack') return true;
  const refs = pushedRefs(request.body, header(request, 'content-encoding'));
  return refs.length > 0 && refs.every((ref) => ref.startsWith('refs/heads/') && editable.has(ref.slice('refs/heads/'.length)));
}

export interface BufferedRequest {
  method: string;
  target: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const GIT_PATH = /^\/([^/]+)\/([^/]+?)(?:\.git)?(\/(?:info\/refs|git-upload-pack|git-receive-pack|HEAD|objects\/.+))$/;

function header(request: BufferedRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function text(status: number, body: string, headers: Record<string, string> = {}): StandInResponse {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers }, body };
}

const challenge = (): StandInResponse =>
  text(401, 'Invalid username or token. Password authentication is not supported for Git operations.\n', {
    'www-authenticate': 'Basic realm="GitHub"',
  });

/** Returns undefined when the path is not a git path, so the caller can answer 404 its own way. */
export async function handleGitRequest(ctx: StandInContext, request: BufferedRequest): Promise<StandInResponse | undefined> {
  const url = new URL(request.target, 'http://stand-in.invalid');
  const match = GIT_PATH.exec(url.pathname);
  if (match?.[1] === undefined || match[2] === undefined || match[3] === undefined) return undefined;
  const [, owner, name, rest] = match;

  const isPush = rest === '/git-receive-pack' || (rest === '/info/refs' && url.searchParams.get('service') === 'git-receive-pack');
  const auth = checkAuthorization(header(request, 'authorization'), [ctx.token, ...ctx.extraTokens]);
  if (auth === 'invalid') return challenge();
  const repo = ctx.repos.get(repoKey(owner, name));
  // Like GitHub, an anonymous caller cannot tell a missing repository from a private one.
  if (repo === undefined) return auth === 'valid' ? text(404, 'Repository not found.\n') : challenge();
  if ((repo.private || isPush) && auth !== 'valid') return challenge();
  if (isPush && !repo.pushAllowed && !maintainerMayPush(ctx, repo, request, rest)) {
    return text(403, `Permission to ${repo.owner}/${repo.name}.git denied to ${ctx.login}.\n`);
  }

  const encoding = header(request, 'content-encoding');
  const protocol = header(request, 'git-protocol');
  const cgiEnv: Record<string, string> = {
    GIT_PROJECT_ROOT: ctx.reposRoot,
    GIT_HTTP_EXPORT_ALL: '1',
    REQUEST_METHOD: request.method,
    PATH_INFO: `/${repo.owner}/${repo.name}.git${rest}`,
    QUERY_STRING: url.search.replace(/^\?/, ''),
    CONTENT_TYPE: header(request, 'content-type') ?? '',
    // The body is already buffered, so its real length is known even for a chunked upload.
    CONTENT_LENGTH: String(request.body.length),
    REMOTE_ADDR: '127.0.0.1',
    ...(auth === 'valid' ? { REMOTE_USER: ctx.login } : {}), // http-backend refuses receive-pack without it
    ...(encoding === undefined ? {} : { HTTP_CONTENT_ENCODING: encoding }),
    ...(protocol === undefined ? {} : { GIT_PROTOCOL: protocol }), // protocol v2
  };

  const result = await ctx.git.run(['http-backend'], { env: cgiEnv, input: request.body, okCodes: [0, 1, 128] });
  return parseCgiOutput(result.stdout, result.stderr);
}

function parseCgiOutput(out: Buffer, stderr: string): StandInResponse {
  let split = out.indexOf('\r\n\r\n');
  let separator = 4;
  if (split < 0) {
    split = out.indexOf('\n\n');
    separator = 2;
  }
  if (split < 0) return text(500, `git http-backend produced no CGI headers: ${stderr.trim()}\n`);
  const headers: Record<string, string> = {};
  let status = 200;
  for (const line of out.toString('latin1', 0, split).split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (key === 'status') status = Number.parseInt(value, 10) || 500;
    else headers[key] = value;
  }
  return { status, headers, body: out.subarray(split + separator) };
}
