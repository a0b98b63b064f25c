// Worst cases of what issue 12 added on hostile input: the "no tests" detector on a full 256 KiB check
// output built to stress its patterns, Markdown escaping of a megabyte of backticks and markup, the PR body
// cap on 20,000 changed files, and (real git) the tree of a 1,000-file change plus its materialised copy.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { materializeTree } from '../src/core/checks/check-trees';
import { noTestsCollected } from '../src/core/checks/no-tests-collected';
import { Git } from '../src/core/git/git';
import { treeFromChanges } from '../src/core/git/commit-from-changes';
import { codeBlock, codeSpan, plainText } from '../src/core/pipeline/markdown-escape';
import { PULL_REQUEST_BODY_LIMIT, pullRequestBody } from '../src/core/pipeline/pull-request-text';
import { median } from './stats';

const ROUNDS = 5;

async function timed(body: () => unknown | Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const started = performance.now();
    await body();
    times.push(performance.now() - started);
  }
  return Math.round(median(times) * 10) / 10;
}

export async function benchIntegrity(): Promise<Record<string, number | string>> {
  const kept = 256 * 1024;
  // Lines that almost match every pattern: long runs of spaces, "0 passing" without end, "running 0 tests" variants.
  const adversarial = (' '.repeat(200) + '0 passin\nrunning 0 test\n# tests 00\nok 1 - /a/b.jsx y\n[no test files\n').repeat(Math.ceil(kept / 280)).slice(0, kept);
  const hostile = '`'.repeat(1000) + '<img src=x>@user #1 |a| [x](y) '.repeat(30_000);
  const changedFiles = Array.from({ length: 20_000 }, (_, index) => ({ path: `packages/${'nested/'.repeat(8)}file-${index}.ts`, status: 'modified' as const, additions: 3, deletions: 1 }));
  let bodyLength = 0;

  const figures: Record<string, number | string> = {
    'no-tests detector, 256 KiB adversarial output (ms)': await timed(() => noTestsCollected(adversarial, 0)),
    'escape 1 MiB hostile text: block + span + plain (ms)': await timed(() => [codeBlock(hostile), codeSpan(hostile), plainText(hostile)]),
    'PR body for 20,000 changed files (ms)': await timed(() => {
      bodyLength = pullRequestBody({ prompt: 'p'.repeat(20_000), agent: 'a', summary: 's'.repeat(100_000), requestId: 'r', changedFiles, checks: [] }).length;
    }),
  };
  figures['PR body length / GitHub limit'] = `${bodyLength} / ${PULL_REQUEST_BODY_LIMIT}`;

  // Real git: a base commit of 1,000 files, a change to every one of them, its tree, and a checkout of it.
  const root = await mkdtemp(path.join(tmpdir(), 'tb-bench-integrity-'));
  try {
    const git = new Git();
    const gitDir = path.join(root, 'git');
    await git.run(['init', '--quiet', '--bare', gitDir]);
    const emptyTree = (await git.output(['--git-dir', gitDir, 'hash-object', '-t', 'tree', '-w', '--stdin'], { stdin: '' })).trim();
    const base = (await git.output(['--git-dir', gitDir, 'commit-tree', emptyTree, '-m', 'base'])).trim();
    const changes = Array.from({ length: 1_000 }, (_, index) => ({ path: `src/dir-${index % 20}/file-${index}.ts`, before: null, after: `export const value${index} = ${index};\n` }));
    let tree = '';
    figures['tree of a 1,000-file change (ms)'] = await timed(async () => {
      tree = await treeFromChanges(git, gitDir, root, base, changes, new AbortController().signal);
    });
    let round = 0;
    figures['materialise that tree for checks (ms)'] = await timed(async () => {
      const dir = path.join(root, `tree-${round++}`);
      await materializeTree(git, gitDir, tree, dir, new AbortController().signal);
      await rm(dir, { recursive: true, force: true });
    });
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  return figures;
}
