// The repository map on a generated 100,000-file repository: time to build the map cold (nothing
// cached), then warm (a second run on the same commit, tags cached in memory). Target: <= 3 s cold.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { DEFAULT_CONTEXT_TOKENS, selectContext, type RepoMap } from '../../src/core/context/select-context';
import { clearMemoryCache } from '../../src/core/context/tag-index-cache';

const FILE_COUNT = 100_000;
const PROMPT = 'Return a 400 from the signup handler when the email address is invalid';
/** Any 40-hex string: the generated tree is not a git repository, the cache only needs a key. */
const COMMIT = 'c0ffee0000000000000000000000000000000001';
const AREAS = ['auth', 'billing', 'cart', 'catalog', 'orders', 'search', 'users', 'notifications', 'reports', 'admin'];
const KINDS = ['handler', 'service', 'repository', 'model', 'util', 'controller', 'validator', 'mapper'];

function nameOf(index: number): string {
  const area = AREAS[index % AREAS.length] ?? 'misc';
  const kind = KINDS[Math.floor(index / AREAS.length) % KINDS.length] ?? 'util';
  return `${area}${kind[0]?.toUpperCase()}${kind.slice(1)}${index}`;
}

function pathOf(index: number): string {
  const area = AREAS[index % AREAS.length] ?? 'misc';
  const kind = KINDS[Math.floor(index / AREAS.length) % KINDS.length] ?? 'util';
  const pkg = `packages/pkg-${Math.floor(index / 1000)}`;
  if (index % 10 === 9) return `${pkg}/docs/${area}-${index}.md`;
  if (index % 5 === 4) return `${pkg}/test/${area}/${kind}-${index}.test.ts`;
  return `${pkg}/src/${area}/${kind}-${index}.ts`;
}

function sourceFile(index: number): string {
  // Each module uses two others, so the reference graph is connected the way real code is.
  const used = [(index * 7919 + 13) % FILE_COUNT, (index * 104729 + 7) % FILE_COUNT].filter((other) => other % 5 < 4 && other !== index);
  return [
    ...used.map((other) => `import { ${nameOf(other)} } from '../../../${pathOf(other).replace(/\.ts$/, '')}';`),
    '',
    `export interface ${nameOf(index)}Input {`,
    '  id: string;',
    '  payload: Record<string, unknown>;',
    '}',
    '',
    `export async function ${nameOf(index)}(input: ${nameOf(index)}Input): Promise<void> {`,
    ...used.map((other) => `  await ${nameOf(other)}({ id: input.id, payload: input.payload });`),
    '}',
    '',
  ].join('\n');
}

async function generate(root: string): Promise<string[]> {
  const files: Array<[string, string]> = [
    ['README.md', '# Shop monorepo\n\n## Setup\n'],
    ['package.json', '{"name": "shop", "private": true}\n'],
    ['packages/api/src/auth/signup-handler.ts', "import { authValidator3 } from '../../../pkg-0/src/auth/validator-3';\n\nexport async function signupHandler(req: Request): Promise<Response> {\n  return new Response('ok');\n}\n"],
  ];
  for (let index = 0; files.length < FILE_COUNT; index += 1) {
    const file = pathOf(index);
    files.push([file, file.endsWith('.md') ? `# ${nameOf(index)}\n\n## Overview\n` : file.endsWith('.test.ts') ? `import { test } from 'node:test';\ntest('${index}', () => {});\n` : sourceFile(index)]);
  }
  await Promise.all([...new Set(files.map(([file]) => path.dirname(path.join(root, file))))].map((directory) => mkdir(directory, { recursive: true })));
  for (let start = 0; start < files.length; start += 1000) await Promise.all(files.slice(start, start + 1000).map(([file, content]) => writeFile(path.join(root, file), content)));
  return files.map(([file]) => file).sort();
}

export async function benchRepoMapScale(): Promise<Record<string, number | string>> {
  const root = await mkdtemp(path.join(tmpdir(), 'tb-bench-repo-map-'));
  try {
    const generating = performance.now();
    const files = await generate(root);
    const generateMs = performance.now() - generating;
    const read = (file: string) => readFile(path.join(root, file), 'utf8').catch(() => null);
    const build = async (): Promise<{ map: RepoMap; ms: number; cpuMs: number }> => {
      const started = performance.now();
      const cpu = process.cpuUsage();
      const map = await selectContext({ files, prompt: PROMPT, read, budgetTokens: DEFAULT_CONTEXT_TOKENS, commitSha: COMMIT });
      const used = process.cpuUsage(cpu);
      return { map, ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000 };
    };
    clearMemoryCache();
    const cold = await build();
    const warm = await build();
    return {
      files: files.length,
      'generate ms (not part of the map)': Number(generateMs.toFixed(0)),
      'cold build ms': Number(cold.ms.toFixed(0)),
      'cold <= 3 s': cold.ms <= 3000 ? 'yes' : 'NO',
      'cold CPU ms (this process, all threads)': Number(cold.cpuMs.toFixed(0)),
      'machine load average (1 min) / CPUs': `${loadavg()[0]?.toFixed(1)} / ${cpus().length}`,
      'files tagged (cold)': cold.map.taggedFiles,
      'warm build ms (same commit, cached tags)': Number(warm.ms.toFixed(0)),
      'files tagged (warm, parsing carried on)': warm.map.taggedFiles,
      'tokens (chars/4) / budget': `${cold.map.tokens} / ${cold.map.budgetTokens}`,
      'files named in map': cold.map.listedFiles.length,
      'top file': cold.map.listedFiles[0] ?? '(none)',
    };
  } finally {
    clearMemoryCache();
    await rm(root, { recursive: true, force: true });
  }
}

if (require.main === module) void benchRepoMapScale().then((figures) => console.log(figures));
