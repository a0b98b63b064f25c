// The agent tools' worst cases on model input: the staged diff (LCS table at its cap, huge files with
// a change in the middle, huge files with nothing in common), search with context over a large
// repository (plain text, and a regex with backtracking), the tree over 100,000 paths, the command
// output cap on 100 MB of output, and the cost of the staged-checkout bookkeeping per command.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { AgentContext } from '../src/core/agent/agent';
import { HeadTailOutput } from '../src/core/agent/tools/command-output';
import { StagedCheckout } from '../src/core/agent/tools/staged-checkout';
import { buildTree, renderTree } from '../src/core/agent/tools/tree-tool';
import { MAX_TABLE_CELLS, unifiedDiff } from '../src/core/agent/tools/unified-diff';
import { WorkspaceTools } from '../src/core/agent/tools/workspace-tools';
import { DEFAULT_CONFIG } from '../src/core/config/engine-config';
import { LocalSandbox } from '../src/core/sandbox/local-sandbox';
import { Workspace } from '../src/core/workspace/workspace';
import { median } from './stats';

const ROUNDS = 5;

async function timed(run: () => unknown | Promise<unknown>, rounds = ROUNDS): Promise<number> {
  const times: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  return Math.round(median(times) * 10) / 10;
}

function lines(count: number, make: (index: number) => string): string {
  return Array.from({ length: count }, (_, index) => make(index)).join('\n') + '\n';
}

export async function benchAgentTools(): Promise<Record<string, number | string>> {
  const side = Math.floor(Math.sqrt(MAX_TABLE_CELLS)) - 1;
  const allDifferentA = lines(side, (index) => `a ${index}`);
  const allDifferentB = lines(side, (index) => `b ${index}`);
  const interleavedA = lines(side, (index) => (index % 2 === 0 ? `same ${index}` : `a ${index}`));
  const interleavedB = lines(side, (index) => (index % 2 === 0 ? `same ${index}` : `b ${index}`));
  const huge = lines(200_000, (index) => `const line${index} = ${index};`);
  const hugeEdited = huge.replace('const line100000 = 100000;', 'const line100000 = -1;');
  const hugeOther = lines(200_000, (index) => `let other${index} = ${index};`);

  const root = await mkdtemp(path.join(tmpdir(), 'tb-bench-tools-'));
  try {
    const files: string[] = [];
    for (let index = 0; index < 2_000; index += 1) {
      const file = `src/area${index % 40}/module${index}.ts`;
      files.push(file);
      await mkdir(path.join(root, path.dirname(file)), { recursive: true });
      // Long lines full of near-misses for the regex below.
      await writeFile(path.join(root, file), lines(100, (line) => `export const value${line} = 'abcabcabc'.repeat(${line}); // ${'abc '.repeat(60)}`));
    }
    const workspace = new Workspace(root, files);
    const context = {
      prompt: 'p',
      workspace,
      summary: { fileCount: files.length, totalBytes: 0, languages: [], manifests: [] },
      sandbox: new LocalSandbox(root),
      config: DEFAULT_CONFIG,
      signal: new AbortController().signal,
      logger: { debug() {}, info() {}, warn() {}, error() {}, performance() {}, thinking() {} },
      emit() {},
    } as unknown as AgentContext;
    const tools = new WorkspaceTools(context);
    const search = (input: Record<string, unknown>) => tools.execute({ id: 's', name: 'search', input });

    const paths = Array.from({ length: 100_000 }, (_, index) => `pkg${index % 50}/src/dir${index % 300}/sub${index % 7}/file${index}.ts`);
    const output = new HeadTailOutput(4_000, 12_000);
    const chunk = 'x'.repeat(64 * 1024 - 1) + '\n';
    const checkout = new StagedCheckout(context.sandbox, workspace);
    await workspace.changes.write('src/area0/module0.ts', 'export const changed = true;\n');

    return {
      [`diff, ${side}x${side} lines, nothing in common (LCS table at its cap), ms`]: await timed(() => unifiedDiff('f', allDifferentA, allDifferentB)),
      [`diff, ${side}x${side} lines, every other line changed, ms`]: await timed(() => unifiedDiff('f', interleavedA, interleavedB)),
      'diff, 200,000 lines, one line changed in the middle, ms': await timed(() => unifiedDiff('f', huge, hugeEdited)),
      'diff, 200,000 lines, nothing in common (table skipped), ms': await timed(() => unifiedDiff('f', huge, hugeOther)),
      'search 2,000 files x 100 lines, plain text, 2 context lines, ms': await timed(() => search({ query: 'value42 ', context_lines: 2 })),
      'search 2,000 files, regex a.*b.*c.*z (backtracking, no match), ms': await timed(() => search({ query: 'a.*b.*c.*z', regex: true }), 1),
      'search, nested-quantifier regex (a+)+$ refused, ms': await timed(() => search({ query: '(a+)+$', regex: true })),
      'tree of 100,000 paths, depth 3, ms': await timed(() => renderTree(buildTree(paths, ''), 3)),
      'command output cap, 100 MiB in 64 KiB chunks, ms': await timed(() => {
        const capped = new HeadTailOutput(4_000, 12_000);
        for (let index = 0; index < 1_600; index += 1) capped.push(chunk);
        return capped.text();
      }, 3),
      'command output cap, characters kept of 100 MiB': (() => {
        for (let index = 0; index < 1_600; index += 1) output.push(chunk);
        return output.text().length;
      })(),
      'staged checkout around one command, 2,000 tracked files, ms': await timed(() => checkout.around(context.signal, async () => undefined)),
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
