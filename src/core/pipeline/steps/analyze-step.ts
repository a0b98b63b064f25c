import { withCheckTree } from '../../checks/check-trees';
import type { FileMode } from '../../workspace/change-set';
import * as path from 'node:path';
import { Workspace } from '../../workspace/workspace';
import type { RepositorySummary } from '../repository-summary';
import type { RunContext } from '../run-context';
import type { RunState } from '../run-state';
import { requireState } from './require-state';

const MANIFESTS = new Set([
  'package.json',
  'pyproject.toml',
  'setup.py',
  'requirements.txt',
  'go.mod',
  'Cargo.toml',
  'Makefile',
  'pom.xml',
  'build.gradle',
  'Gemfile',
  'composer.json',
]);

interface TreeEntry {
  readonly path: string;
  readonly size: number;
  readonly mode: FileMode;
  readonly blob: string;
}

const BLOB_MODES: ReadonlySet<string> = new Set(['100644', '100755', '120000']);

/** Parses one `git ls-tree -r -l -z` record: `<mode> <type> <sha> <size>\t<path>`. */
export function parseTreeRecord(record: string): TreeEntry | undefined {
  const tab = record.indexOf('\t');
  if (tab < 0) return undefined;
  const fields = record.slice(0, tab).split(/\s+/);
  if (fields[1] !== 'blob') return undefined;
  const mode = BLOB_MODES.has(fields[0] ?? '') ? (fields[0] as FileMode) : '100644';
  return { path: record.slice(tab + 1), size: Number(fields[3]) || 0, mode, blob: fields[2] ?? '' };
}

export function summarize(entries: readonly TreeEntry[]): RepositorySummary {
  const languages = new Map<string, number>();
  let totalBytes = 0;
  const manifests: string[] = [];
  for (const entry of entries) {
    totalBytes += entry.size;
    const name = entry.path.slice(entry.path.lastIndexOf('/') + 1);
    if (!entry.path.includes('/') && MANIFESTS.has(name)) manifests.push(name);
    const dot = name.lastIndexOf('.');
    if (dot > 0) {
      const extension = name.slice(dot + 1).toLowerCase();
      languages.set(extension, (languages.get(extension) ?? 0) + 1);
    }
  }
  return {
    fileCount: entries.length,
    totalBytes,
    languages: [...languages.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10),
    manifests: manifests.sort(),
  };
}

/** Step 4: what is in the clone (tracked files only, which honours .gitignore), and the baseline checks. */
export async function analyzeStep(context: RunContext, state: RunState): Promise<void> {
  const git = requireState(state.git, 'git');
  const gitDir = requireState(state.gitDir, 'gitDir');
  // Streamed: a 100,000-file listing is never one string, and never meets an output cap.
  const entries: TreeEntry[] = [];
  await git.records(['--git-dir', gitDir, 'ls-tree', '-r', '-l', '-z', '--full-tree', 'HEAD'], (record) => {
    const entry = parseTreeRecord(record);
    if (entry) entries.push(entry);
  }, { signal: context.signal });
  const commitSha = (await git.output(['--git-dir', gitDir, 'rev-parse', 'HEAD'], { signal: context.signal })).trim();
  const cacheRoot = context.deps.cacheRoot;
  state.summary = { ...summarize(entries), commitSha, ...(cacheRoot ? { repoMapCacheDirectory: path.join(cacheRoot, 'repo-map') } : {}) };
  state.workspace = new Workspace(requireState(state.workDir, 'workDir'), entries.map(({ path: filePath, mode, blob }) => ({ path: filePath, mode, blob })));
  const top = state.summary.languages
    .slice(0, 3)
    .map(([extension, count]) => `${extension} ${count}`)
    .join(', ');
  context.emit({
    kind: 'step_progress',
    type: 'info',
    step: 'analyze',
    message: `${state.summary.fileCount} files, ${Math.round(state.summary.totalBytes / 1024)} KiB${top ? ` (${top})` : ''}${
      state.summary.manifests.length ? `; manifests: ${state.summary.manifests.join(', ')}` : ''
    }`,
  });
  const validator = context.deps.validator;
  if (validator && state.sandbox && state.target) {
    const summary = state.summary;
    const target = state.target;
    const source = { git, gitDir, runDir: requireState(state.runDir, 'runDir'), sandbox: state.sandbox };
    // Its own signal: a run that fails elsewhere stops the baseline too (see stopBaseline in run-pipeline).
    const controller = new AbortController();
    const signal = AbortSignal.any([context.signal, controller.signal]);
    // On its own copy of the base tree, while the agent works: nothing it writes reaches the agent's view
    // (the pristine clone) or the commit (built from the change set).
    const baseline = withCheckTree(source, requireState(state.baseSha, 'baseSha'), 'base', signal, (sandbox) =>
      validator.baseline({ sandbox, summary, target, config: context.deps.config, signal, emit: (event) => context.emit(event) }),
    );
    // Awaited in validate_changes; until then a rejection must not count as unhandled.
    baseline.catch(() => undefined);
    state.baseline = baseline;
    state.stopBaseline = async () => {
      controller.abort(new Error('The run ended before the baseline checks finished.'));
      await baseline.catch(() => undefined);
    };
  }
}
