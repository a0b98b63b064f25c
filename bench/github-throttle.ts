// GitHub limits per token: 50 pull requests created at once through the real Octokit client (retry and
// throttling plugins) against the loopback GitHub, first with 50 distinct tokens, then 5 with one token.
// The throttling plugin spaces content-creating requests ~3 s apart per limiter; keyed per token, 50
// users' PRs go out together while one token's still follow GitHub's guidance.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { OctokitGitHubApi } from '../src/core/github/octokit-github-api';
import { startGitHubStandIn } from '../test/support/github-stand-in';

const execFileAsync = promisify(execFile);
const DISTINCT = 50;
const SAME = 5;

export async function benchGitHubThrottle(): Promise<Record<string, number | string>> {
  const tokens = Array.from({ length: DISTINCT }, () => `ghs_bench_${randomBytes(20).toString('hex')}`);
  const github = await startGitHubStandIn({ extraTokens: tokens });
  try {
    const { barePath } = await github.createRepo('octo', 'throttle', { files: { 'README.md': 'Hello\n' } });
    // A real commit on each branch, as a run pushes: the stand-in refuses a PR with nothing to merge.
    const git = (...args: string[]) => execFileAsync('git', ['--git-dir', barePath, ...args], { env: { ...process.env, GIT_AUTHOR_NAME: 'Bench', GIT_AUTHOR_EMAIL: 'bench@example.com', GIT_COMMITTER_NAME: 'Bench', GIT_COMMITTER_EMAIL: 'bench@example.com' } });
    for (let index = 0; index < DISTINCT + SAME; index += 1) {
      const blob = (await execFileAsync('bash', ['-c', `printf 'change ${index}\\n' | git --git-dir "$0" hash-object -w --stdin`, barePath])).stdout.trim();
      const tree = (await execFileAsync('bash', ['-c', `printf '100644 blob ${blob}\\tREADME.md\\n' | git --git-dir "$0" mktree`, barePath])).stdout.trim();
      const commit = (await git('commit-tree', tree, '-p', 'main', '-m', `bench ${index}`)).stdout.trim();
      await git('update-ref', `refs/heads/bench-${index}`, commit);
    }
    const create = (token: string, index: number) =>
      new OctokitGitHubApi({ apiUrl: github.apiUrl, token }).createOrFindPullRequest(
        { owner: 'octo', repo: 'throttle', head: `bench-${index}`, base: 'main', title: `Bench ${index}`, body: 'bench', draft: false },
        AbortSignal.timeout(600_000),
      );
    let started = performance.now();
    await Promise.all(tokens.map((token, index) => create(token, index)));
    const distinctMs = performance.now() - started;
    started = performance.now();
    await Promise.all(Array.from({ length: SAME }, (_unused, index) => create(github.token, DISTINCT + index)));
    const sameMs = performance.now() - started;
    return {
      [`${DISTINCT} PRs, ${DISTINCT} tokens (s)`]: Number((distinctMs / 1000).toFixed(2)),
      [`  vs ${DISTINCT} x 3 s serialised`]: `${((distinctMs / 1000 / (DISTINCT * 3)) * 100).toFixed(1)} %`,
      [`${SAME} PRs, one token (s)`]: Number((sameMs / 1000).toFixed(2)),
      'PRs opened': github.pulls('octo', 'throttle').length,
    };
  } finally {
    await github.close();
  }
}
