// Test-side set-up for follow-ups (issue 15): real commits on branches, forks that share history with
// their parent, pull requests from a branch or a fork, merges/closes, and review threads.

import path from 'node:path';
import { assertValidName, branchShas } from './bare-repos.js';
import { repoKey, type InternalPull, type RepoRecord, type ReviewThreadRecord, type StandInContext } from './types.js';

const IDENTITY = 'Stand-in Reviewer <reviewer@example.invalid>';

export interface OpenPullOptions {
  head: string;
  /** Owner of the fork holding `head`; default: the base repository itself. */
  headOwner?: string;
  base?: string;
  title: string;
  body?: string;
  maintainerCanModify?: boolean;
}

export interface ThreadOptions {
  path: string;
  line: number;
  body: string;
  author?: string;
  resolved?: boolean;
}

export interface PullHelpers {
  /** One real commit on `branch` (created from `from`, default the branch itself); `null` deletes a file. */
  commitFiles(owner: string, repo: string, branch: string, files: Record<string, string | null>, options?: { from?: string; message?: string }): Promise<string>;
  /** A fork `forkOwner/repo` with the parent's full history; `pushAllowed` is the token's right on it. */
  forkRepo(owner: string, repo: string, forkOwner: string, options?: { pushAllowed?: boolean }): Promise<void>;
  openPull(owner: string, repo: string, options: OpenPullOptions): Promise<number>;
  setPullState(owner: string, repo: string, number: number, state: 'closed' | 'merged'): void;
  /** Returns the thread's first comment id (the one replies go to). */
  addReviewThread(owner: string, repo: string, number: number, options: ThreadOptions): Promise<number>;
  reviewThreads(owner: string, repo: string, number: number): ReviewThreadRecord[];
}

function quotePath(file: string): string {
  return `"${file.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function addPullHelpers(ctx: StandInContext, repoOf: (owner: string, name: string) => RepoRecord): PullHelpers {
  function pullOf(owner: string, name: string, number: number): { repo: RepoRecord; pull: InternalPull } {
    const repo = repoOf(owner, name);
    const pull = repo.pulls.find((candidate) => candidate.number === number);
    if (pull === undefined) throw new Error(`stand-in: ${owner}/${name} has no pull request #${number}`);
    return { repo, pull };
  }

  return {
    async commitFiles(owner, name, branch, files, options = {}) {
      const repo = repoOf(owner, name);
      const shas = await branchShas(ctx.git, repo.barePath);
      const parent = shas.get(options.from ?? branch);
      if (parent === undefined) throw new Error(`stand-in: ${owner}/${name} has no branch ${options.from ?? branch}`);
      const message = `${options.message ?? `Update ${Object.keys(files).join(', ')}`}\n`;
      const stream: Buffer[] = [
        Buffer.from(`commit refs/heads/${branch}\ncommitter ${IDENTITY} ${Math.floor(Date.now() / 1000)} +0000\ndata ${Buffer.byteLength(message)}\n${message}from ${parent}\n`),
      ];
      for (const [file, content] of Object.entries(files)) {
        if (content === null) stream.push(Buffer.from(`D ${quotePath(file)}\n`));
        else {
          const data = Buffer.from(content, 'utf8');
          stream.push(Buffer.from(`M 100644 inline ${quotePath(file)}\ndata ${data.length}\n`), data, Buffer.from('\n'));
        }
      }
      await ctx.git.run(['--git-dir', repo.barePath, 'fast-import', '--quiet', '--force'], { input: Buffer.concat(stream) });
      const sha = (await branchShas(ctx.git, repo.barePath)).get(branch);
      if (sha === undefined) throw new Error(`stand-in: commit on ${branch} not found`);
      return sha;
    },

    async forkRepo(owner, name, forkOwner, options = {}) {
      assertValidName('owner', forkOwner);
      const parent = repoOf(owner, name);
      const key = repoKey(forkOwner, name);
      if (ctx.repos.has(key)) throw new Error(`repository ${forkOwner}/${name} already exists`);
      const barePath = path.join(ctx.reposRoot, forkOwner, `${name}.git`);
      await ctx.git.run(['clone', '--quiet', '--bare', parent.barePath, barePath]);
      ctx.repos.set(key, {
        id: 10_000 + ctx.repos.size,
        owner: forkOwner,
        name,
        barePath,
        defaultBranch: parent.defaultBranch,
        private: parent.private,
        pushAllowed: options.pushAllowed ?? false,
        pulls: [],
        nextNumber: 1,
      });
    },

    async openPull(owner, name, options) {
      const repo = repoOf(owner, name);
      const headRepo = options.headOwner === undefined ? repo : repoOf(options.headOwner, name);
      const base = options.base ?? repo.defaultBranch;
      const headSha = (await branchShas(ctx.git, headRepo.barePath)).get(options.head);
      const baseSha = (await branchShas(ctx.git, repo.barePath)).get(base);
      if (headSha === undefined || baseSha === undefined) throw new Error(`stand-in: cannot open a PR from ${options.head} into ${base}`);
      const number = repo.nextNumber++;
      const now = new Date().toISOString();
      repo.pulls.push({
        number,
        id: repo.id * 1000 + number,
        title: options.title,
        body: options.body ?? '',
        head: options.head,
        base,
        headSha,
        baseSha,
        draft: false,
        state: 'open',
        htmlUrl: `${ctx.url}/${repo.owner}/${repo.name}/pull/${number}`,
        createdAt: now,
        updatedAt: now,
        ...(headRepo === repo ? {} : { headRepoKey: repoKey(headRepo.owner, headRepo.name) }),
        maintainerCanModify: options.maintainerCanModify ?? false,
        threads: [],
      });
      return number;
    },

    setPullState(owner, name, number, state) {
      const { pull } = pullOf(owner, name, number);
      pull.state = 'closed';
      pull.merged = state === 'merged';
      pull.updatedAt = new Date().toISOString();
    },

    async addReviewThread(owner, name, number, options) {
      const { repo, pull } = pullOf(owner, name, number);
      const holder = pull.headRepoKey === undefined ? repo : (ctx.repos.get(pull.headRepoKey) ?? repo);
      const sha = (await branchShas(ctx.git, holder.barePath)).get(pull.head) ?? pull.headSha;
      const shown = await ctx.git.run(['--git-dir', holder.barePath, 'show', `${sha}:${options.path}`]);
      const lines = shown.stdout.toString('utf8').split('\n');
      const from = Math.max(1, options.line - 2);
      const hunk = lines.slice(from - 1, options.line).map((line) => ` ${line}`);
      ctx.nextCommentId = (ctx.nextCommentId ?? 1000) + 1;
      const id = ctx.nextCommentId;
      pull.threads = pull.threads ?? [];
      pull.threads.push({
        id: `PRRT_stand_in_${id}`,
        path: options.path,
        line: options.line,
        diffHunk: `@@ -${from},${hunk.length} +${from},${hunk.length} @@\n${hunk.join('\n')}`,
        commitId: sha,
        isResolved: options.resolved ?? false,
        comments: [{ id, author: options.author ?? 'reviewer', body: options.body, createdAt: new Date().toISOString() }],
      });
      return id;
    },

    reviewThreads(owner, name, number) {
      return structuredClone(pullOf(owner, name, number).pull.threads ?? []);
    },
  };
}
