// Context selection (the repository map) on a generated 10,000-file repository: the first (cold) build,
// which parses within its time budget, then the median of later builds on the same commit (tags cached,
// as a second prompt on the same repository gets), and the tokens produced against the budget. Tokens are
// estimated as characters/4, as the product does.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DEFAULT_CONTEXT_TOKENS, DEFAULT_PARSE_BUDGET_MS, selectContext, type RepoMap } from '../src/core/context/select-context';
import { clearMemoryCache } from '../src/core/context/tag-index-cache';
import { Workspace } from '../src/core/workspace/workspace';
import { median } from './stats';

const FILE_COUNT = 10_000;
const ROUNDS = 9;
const COMMIT = 'b0ba0000000000000000000000000000000000c5';
const PROMPT = 'Add input validation to the signup handler and return a 400 for an invalid email';

const AREAS = ['auth', 'billing', 'cart', 'catalog', 'orders', 'search', 'users', 'notifications', 'reports', 'admin'];
const KINDS = ['handler', 'service', 'repository', 'model', 'util', 'controller', 'validator', 'mapper'];

function sourceFile(area: string, kind: string, index: number): string {
  const name = `${area}${kind[0]?.toUpperCase()}${kind.slice(1)}${index}`;
  return [
    `import { db } from '../../db';`,
    '',
    `export interface ${name}Input {`,
    '  id: string;',
    '  payload: Record<string, unknown>;',
    '}',
    '',
    `export async function ${name}(input: ${name}Input): Promise<void> {`,
    `  await db.write('${area}', input.id, input.payload);`,
    '}',
    '',
    `export class ${name}Cache {`,
    '  private readonly entries = new Map<string, unknown>();',
    '  get(key: string): unknown {',
    '    return this.entries.get(key);',
    '  }',
    '}',
    '',
  ].join('\n');
}

/** A plausible monorepo: packages of areas, source, tests and docs, plus a few files the prompt is about. */
async function generateRepository(root: string): Promise<string[]> {
  const files: Array<[string, string]> = [
    ['README.md', '# Shop monorepo\n\n## Setup\n\n## Packages\n'],
    ['package.json', '{"name": "shop", "private": true}\n'],
    ['.env', 'SECRET=not-for-models\n'],
    ['packages/api/src/auth/signup-handler.ts', "export async function signupHandler(req: Request): Promise<Response> {\n  return new Response('ok');\n}\n"],
  ];
  let index = 0;
  while (files.length < FILE_COUNT) {
    const area = AREAS[index % AREAS.length] ?? 'misc';
    const kind = KINDS[Math.floor(index / AREAS.length) % KINDS.length] ?? 'util';
    const pkg = `packages/pkg-${Math.floor(index / 400)}`;
    if (index % 10 === 9) files.push([`${pkg}/docs/${area}-${index}.md`, `# ${area} ${index}\n\n## Overview\n\nText.\n`]);
    else if (index % 5 === 4) files.push([`${pkg}/test/${area}/${kind}-${index}.test.ts`, `import { test } from 'node:test';\ntest('${area} ${index}', () => {});\n`]);
    else files.push([`${pkg}/src/${area}/${kind}-${index}.ts`, sourceFile(area, kind, index)]);
    index += 1;
  }
  const directories = new Set(files.map(([file]) => path.dirname(path.join(root, file))));
  await Promise.all([...directories].map((directory) => mkdir(directory, { recursive: true })));
  for (let start = 0; start < files.length; start += 500) {
    await Promise.all(files.slice(start, start + 500).map(([file, content]) => writeFile(path.join(root, file), content)));
  }
  return files.map(([file]) => file).sort();
}

export async function benchContextSelection(): Promise<Record<string, number | string>> {
  const root = await mkdtemp(path.join(tmpdir(), 'tb-bench-context-'));
  try {
    const files = await generateRepository(root);
    const timings: number[] = [];
    let map: RepoMap | undefined;
    clearMemoryCache();
    for (let round = 0; round < ROUNDS; round += 1) {
      // A fresh Workspace per round, as each run builds its own; the tag cache is keyed by commit.
      const workspace = new Workspace(root, files);
      const started = performance.now();
      map = await selectContext({ files: workspace.files(), prompt: PROMPT, read: (file) => workspace.read(file), budgetTokens: DEFAULT_CONTEXT_TOKENS, commitSha: COMMIT });
      timings.push(performance.now() - started);
    }
    clearMemoryCache();
    if (!map) throw new Error('no rounds ran');
    const medianMs = median(timings.slice(1));
    return {
      files: files.length,
      rounds: ROUNDS,
      'first (cold) run ms': Number((timings[0] ?? 0).toFixed(1)),
      'parse budget ms': DEFAULT_PARSE_BUDGET_MS,
      'median warm ms (same commit)': Number(medianMs.toFixed(1)),
      'max ms': Number(Math.max(...timings).toFixed(1)),
      'under 1 s (median, warm)': medianMs < 1000 ? 'yes' : 'NO',
      'files parsed (after all rounds)': map.taggedFiles,
      'tokens produced (chars/4)': map.tokens,
      'token budget': map.budgetTokens,
      'inside budget': map.tokens <= map.budgetTokens ? 'yes' : 'NO',
      'files named in map': map.listedFiles.length,
      'files with symbols': map.filesWithSymbols.length,
      'top file': map.filesWithSymbols[0] ?? map.listedFiles[0] ?? '(none)',
      'credential files withheld': map.secretFilesWithheld,
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
