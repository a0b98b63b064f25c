// Recall of the repository map on the task set (tasks.ts): for each (prompt, file) pair, is the file
// named in the map at the default 1,024-token budget? Run for the map of issue 11 and for the map it
// replaced (baseline/), on the same temp git repositories copied from node_modules.
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { DEFAULT_CONTEXT_TOKENS, selectContext } from '../../src/core/context/select-context';
import { clearMemoryCache } from '../../src/core/context/tag-index-cache';
import { sourceTreeRepo, type SourceTreeRepo } from '../../test/support/source-tree-repo';
import { selectContext as baselineSelectContext } from './baseline/select-context';
import { MAP_TASKS, SOURCE_TREES } from './tasks';

export interface TaskOutcome {
  readonly tree: string;
  readonly file: string;
  readonly found: boolean;
  readonly baselineFound: boolean;
  readonly position: number;
  readonly listed: number;
  readonly ms: number;
}

export async function runRecall(options: { log?: boolean } = {}): Promise<{ outcomes: TaskOutcome[]; trees: Record<string, number> }> {
  const outcomes: TaskOutcome[] = [];
  const trees: Record<string, number> = {};
  for (const tree of SOURCE_TREES) {
    const repo: SourceTreeRepo = await sourceTreeRepo(tree.packageDirectory, tree.include);
    trees[tree.name] = repo.files.length;
    try {
      const read = async (file: string): Promise<string | null> => readFile(path.join(repo.root, file), 'utf8').catch(() => null);
      for (const missing of MAP_TASKS.filter((task) => task.tree === tree.name && !repo.files.includes(task.file))) throw new Error(`task file ${missing.file} is not in ${tree.name}`);
      for (const task of MAP_TASKS.filter((candidate) => candidate.tree === tree.name)) {
        // Every task from a cold start: no tags cached from an earlier task.
        clearMemoryCache();
        const started = performance.now();
        const map = await selectContext({ files: repo.files, prompt: task.prompt, read, budgetTokens: DEFAULT_CONTEXT_TOKENS, commitSha: repo.commit });
        const ms = performance.now() - started;
        const baseline = await baselineSelectContext({ files: repo.files, prompt: task.prompt, read, budgetTokens: DEFAULT_CONTEXT_TOKENS });
        const position = map.listedFiles.indexOf(task.file);
        const outcome = { tree: tree.name, file: task.file, found: position >= 0, baselineFound: baseline.listedFiles.includes(task.file), position, listed: map.listedFiles.length, ms };
        outcomes.push(outcome);
        if (options.log) console.log(`${outcome.found ? 'ok  ' : 'MISS'} ${outcome.baselineFound ? 'base-ok  ' : 'base-miss'} #${position} of ${outcome.listed} ${Math.round(ms)}ms ${tree.name}: ${task.file}`);
      }
    } finally {
      await repo.cleanup();
    }
  }
  return { outcomes, trees };
}

export async function benchRepoMapRecall(): Promise<Record<string, number | string>> {
  const { outcomes, trees } = await runRecall();
  const found = outcomes.filter((outcome) => outcome.found).length;
  const baselineFound = outcomes.filter((outcome) => outcome.baselineFound).length;
  const percent = (count: number) => `${((100 * count) / outcomes.length).toFixed(1)}% (${count}/${outcomes.length})`;
  const times = outcomes.map((outcome) => outcome.ms).sort((a, b) => a - b);
  return {
    tasks: outcomes.length,
    'source trees (files)': Object.entries(trees).map(([name, count]) => `${name} ${count}`).join(', '),
    'token budget': DEFAULT_CONTEXT_TOKENS,
    'recall (file named in map)': percent(found),
    'target >= 90%': (100 * found) / outcomes.length >= 90 ? 'met' : 'NOT MET',
    'baseline recall (path-word map it replaced)': percent(baselineFound),
    'files named per map (median)': [...outcomes.map((outcome) => outcome.listed)].sort((a, b) => a - b)[Math.floor(outcomes.length / 2)] ?? 0,
    'cold build ms (median, per task)': Number((times[Math.floor(times.length / 2)] ?? 0).toFixed(0)),
    'cold build ms (max)': Number((times[times.length - 1] ?? 0).toFixed(0)),
    missed: outcomes.filter((outcome) => !outcome.found).map((outcome) => `${outcome.tree}:${outcome.file}`).join(', ') || '(none)',
  };
}

if (require.main === module) void runRecall({ log: true }).then(({ outcomes }) => console.log(`${outcomes.filter((o) => o.found).length}/${outcomes.length} found; baseline ${outcomes.filter((o) => o.baselineFound).length}`));
