// Follow-ups on pull requests (issue 15): fork heads, PR files, review threads (GraphQL, with
// isResolved), replies, and who may push to a fork's head branch. Backed by the real bare repositories:
// a head sha is a real commit, and a fork PR's head is fetched into the base as `refs/pull/N/head`.

import { gunzipSync } from 'node:zlib';
import type { AuthOutcome } from './auth.js';
import { branchShas } from './bare-repos.js';
import { repoKey, type InternalPull, type RepoRecord, type ReviewThreadRecord, type StandInContext, type StandInResponse } from './types.js';

const DOCS = 'https://docs.github.com/rest';

type Json = (status: number, body: unknown) => StandInResponse;

/** The repository that holds the PR's head branch. */
export function headRepoOf(ctx: StandInContext, repo: RepoRecord, pull: InternalPull): RepoRecord {
  return (pull.headRepoKey === undefined ? undefined : ctx.repos.get(pull.headRepoKey)) ?? repo;
}

/** Like GitHub, an open PR's head sha follows its branch (in the fork, for fork PRs). */
export async function refreshPullHead(ctx: StandInContext, repo: RepoRecord, pull: InternalPull): Promise<void> {
  if (pull.state !== 'open') return;
  const head = headRepoOf(ctx, repo, pull);
  const sha = (await branchShas(ctx.git, head.barePath)).get(pull.head);
  if (sha !== undefined) pull.headSha = sha;
  if (head !== repo) await ctx.git.run(['--git-dir', repo.barePath, 'fetch', '--quiet', head.barePath, `+refs/heads/${pull.head}:refs/pull/${pull.number}/head`]);
}

/** `head.repo` permissions are the caller's on the head repository. */
export function pullExtraJson(ctx: StandInContext, repo: RepoRecord, pull: InternalPull, repoJson: (repo: RepoRecord) => Record<string, unknown>): Record<string, unknown> {
  const head = headRepoOf(ctx, repo, pull);
  return {
    maintainer_can_modify: pull.maintainerCanModify ?? false,
    merged: pull.merged ?? false,
    merged_at: pull.merged ? pull.updatedAt : null,
    headRepo: { ...repoJson(head), fork: head !== repo },
    headLabel: `${head.owner}:${pull.head}`,
    headUser: head.owner,
  };
}

/** `GET /repos/{o}/{r}/pulls/{n}/files`: numstat and hunks from the merge base to the head, as GitHub lists them. */
export async function pullFiles(ctx: StandInContext, repo: RepoRecord, pull: InternalPull, json: Json): Promise<StandInResponse> {
  await refreshPullHead(ctx, repo, pull);
  const head = headRepoOf(ctx, repo, pull);
  if (head !== repo) await ctx.git.run(['--git-dir', repo.barePath, 'fetch', '--quiet', head.barePath, `+${pull.headSha}:refs/pull/${pull.number}/head`]).catch(() => undefined);
  const git = (args: string[]) => ctx.git.run(['--git-dir', repo.barePath, ...args]);
  const base = (await branchShas(ctx.git, repo.barePath)).get(pull.base) ?? pull.baseSha;
  const mergeBase = (await git(['merge-base', base, pull.headSha])).stdout.toString('utf8').trim();
  const numstat = (await git(['diff', '--numstat', '--no-renames', mergeBase, pull.headSha])).stdout.toString('utf8');
  const statuses = new Map<string, string>();
  for (const line of (await git(['diff', '--name-status', '--no-renames', mergeBase, pull.headSha])).stdout.toString('utf8').split('\n')) {
    const [status, file] = line.split('\t');
    if (status && file) statuses.set(file, status === 'A' ? 'added' : status === 'D' ? 'removed' : 'modified');
  }
  const files: Record<string, unknown>[] = [];
  for (const line of numstat.split('\n')) {
    const [added, removed, file] = line.split('\t');
    if (!file || added === undefined || removed === undefined) continue;
    const diff = (await git(['diff', '--no-renames', mergeBase, pull.headSha, '--', file])).stdout.toString('utf8');
    const hunks = diff.indexOf('\n@@');
    const binary = added === '-';
    files.push({
      sha: pull.headSha,
      filename: file,
      status: statuses.get(file) ?? 'modified',
      additions: binary ? 0 : Number(added),
      deletions: binary ? 0 : Number(removed),
      changes: binary ? 0 : Number(added) + Number(removed),
      ...(binary || hunks < 0 ? {} : { patch: diff.slice(hunks + 1).replace(/\n$/, '') }),
    });
  }
  return json(200, files);
}

function replyJson(ctx: StandInContext, repo: RepoRecord, pull: InternalPull, thread: ReviewThreadRecord, index: number): Record<string, unknown> {
  const comment = thread.comments[index]!;
  return {
    id: comment.id,
    node_id: `PRRC_stand_in_${comment.id}`,
    body: comment.body,
    path: thread.path,
    line: thread.line,
    diff_hunk: thread.diffHunk,
    commit_id: thread.commitId,
    user: { login: comment.author, type: 'User' },
    created_at: comment.createdAt,
    updated_at: comment.createdAt,
    ...(comment.inReplyTo === undefined ? {} : { in_reply_to_id: comment.inReplyTo }),
    html_url: `${pull.htmlUrl}#discussion_r${comment.id}`,
    pull_request_url: `${ctx.apiUrl}/repos/${repo.owner}/${repo.name}/pulls/${pull.number}`,
  };
}

/** `POST /repos/{o}/{r}/pulls/{n}/comments/{id}/replies`: only to a top-level review comment of this PR. */
export function replyToComment(ctx: StandInContext, repo: RepoRecord, pull: InternalPull, auth: AuthOutcome, rawId: string, rawBody: Buffer, json: Json): StandInResponse {
  if (auth !== 'valid') return json(401, { message: 'Requires authentication', documentation_url: DOCS, status: '401' });
  let input: unknown;
  try {
    input = JSON.parse(rawBody.toString('utf8') || '{}');
  } catch {
    return json(400, { message: 'Problems parsing JSON', documentation_url: DOCS, status: '400' });
  }
  const body = (input as { body?: unknown } | null)?.body;
  if (typeof body !== 'string' || body.trim() === '') {
    return json(422, { message: 'Validation Failed', errors: [{ resource: 'PullRequestReviewComment', field: 'body', code: 'missing_field' }], status: '422' });
  }
  const id = Number(rawId);
  const thread = /^\d+$/.test(rawId) ? pull.threads?.find((candidate) => candidate.comments[0]?.id === id) : undefined;
  if (thread === undefined) {
    return json(422, { message: 'Validation Failed', errors: [{ resource: 'PullRequestReviewComment', field: 'in_reply_to', code: 'invalid', message: `comment ${rawId} is not a review comment of this pull request` }], status: '422' });
  }
  ctx.nextCommentId = (ctx.nextCommentId ?? 1000) + 1;
  thread.comments.push({ id: ctx.nextCommentId, author: ctx.login, body, inReplyTo: id, createdAt: new Date().toISOString() });
  return json(201, replyJson(ctx, repo, pull, thread, thread.comments.length - 1));
}

/**
 * `POST /api/graphql`, for the one query shape the product sends: a PR's `reviewThreads` with
 * `isResolved`. Anything else is answered the way GitHub answers a field it cannot resolve.
 */
export async function handleGraphql(ctx: StandInContext, auth: AuthOutcome, rawBody: Buffer, json: Json): Promise<StandInResponse> {
  if (auth !== 'valid') return json(401, { message: 'This endpoint requires you to be authenticated.', documentation_url: 'https://docs.github.com/graphql' });
  let input: { query?: unknown; variables?: Record<string, unknown> };
  try {
    input = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return json(400, { message: 'Problems parsing JSON', documentation_url: 'https://docs.github.com/graphql' });
  }
  const query = typeof input.query === 'string' ? input.query : '';
  const variables = input.variables ?? {};
  if (!/repository\(owner:\s*\$owner,\s*name:\s*\$repo\)/.test(query) || !/pullRequest\(number:\s*\$number\)/.test(query) || !/reviewThreads\(/.test(query)) {
    return json(200, { errors: [{ message: 'stand-in: only the reviewThreads query is supported', extensions: { code: 'undefinedField' } }] });
  }
  const { owner, repo: name, number, cursor } = variables;
  if (typeof owner !== 'string' || typeof name !== 'string' || typeof number !== 'number') {
    return json(200, { errors: [{ message: 'Variable $number of type Int! was provided invalid value', extensions: { code: 'argumentLiteralsIncompatible' } }] });
  }
  const repo = ctx.repos.get(repoKey(owner, name));
  if (repo === undefined) {
    return json(200, { data: { repository: null }, errors: [{ type: 'NOT_FOUND', path: ['repository'], message: `Could not resolve to a Repository with the name '${owner}/${name}'.` }] });
  }
  const pull = repo.pulls.find((candidate) => candidate.number === number);
  if (pull === undefined) {
    return json(200, { data: { repository: { pullRequest: null } }, errors: [{ type: 'NOT_FOUND', path: ['repository', 'pullRequest'], message: `Could not resolve to a PullRequest with the number of ${number}.` }] });
  }
  await refreshPullHead(ctx, repo, pull);
  const first = Number(/reviewThreads\(first:\s*(\d+)/.exec(query)?.[1] ?? 100);
  if (first > 100) return json(200, { errors: [{ message: 'Requesting 101 records on the `reviewThreads` connection exceeds the `first` limit of 100 records.' }] });
  const start = typeof cursor === 'string' ? Number(Buffer.from(cursor, 'base64').toString('utf8')) : 0;
  const threads = pull.threads ?? [];
  const page = threads.slice(start, start + first);
  const head = headRepoOf(ctx, repo, pull);
  const nodes = [];
  for (const thread of page) {
    const changed = thread.commitId !== pull.headSha
      ? (await ctx.git.run(['--git-dir', head.barePath, 'diff', '--quiet', thread.commitId, pull.headSha, '--', thread.path], { okCodes: [0, 1] })).code === 1
      : false;
    nodes.push({
      isResolved: thread.isResolved,
      isOutdated: changed,
      path: thread.path,
      line: changed ? null : thread.line,
      comments: { nodes: thread.comments.slice(0, 20).map((comment) => ({ databaseId: comment.id, body: comment.body, diffHunk: thread.diffHunk, author: { login: comment.author } })) },
    });
  }
  const end = start + page.length;
  return json(200, {
    data: { repository: { pullRequest: { reviewThreads: { pageInfo: { hasNextPage: end < threads.length, endCursor: page.length > 0 ? Buffer.from(String(end)).toString('base64') : null }, nodes } } } },
  });
}

/** The branches of `repo` a caller who cannot push to it may still push: heads of maintainer-editable PRs. */
export function maintainerEditableBranches(ctx: StandInContext, repo: RepoRecord): Set<string> {
  const branches = new Set<string>();
  for (const base of ctx.repos.values()) {
    if (!base.pushAllowed) continue;
    for (const pull of base.pulls) {
      if (pull.state === 'open' && pull.maintainerCanModify && pull.headRepoKey === repoKey(repo.owner, repo.name)) branches.add(pull.head);
    }
  }
  return branches;
}

/** The refs a receive-pack request updates (pkt-lines before the flush), e.g. `refs/heads/x`. */
export function pushedRefs(body: Buffer, encoding: string | undefined): string[] {
  const data = encoding === 'gzip' ? gunzipSync(body) : body;
  const refs: string[] = [];
  let offset = 0;
  while (offset + 4 <= data.length) {
    const length = Number.parseInt(data.toString('latin1', offset, offset + 4), 16);
    if (!Number.isFinite(length) || length === 0) break;
    const line = data.toString('utf8', offset + 4, offset + length).split('\0')[0]?.trim() ?? '';
    const ref = line.split(' ')[2];
    if (ref) refs.push(ref);
    offset += length;
  }
  return refs;
}
