import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pageRank } from '../../src/core/context/page-rank';
import { selectContext } from '../../src/core/context/select-context';
import { clearMemoryCache } from '../../src/core/context/tag-index-cache';
import { sourceTreeRepo, type SourceTreeRepo } from '../support/source-tree-repo';

/** The parse budget is a wall-clock limit; these tests are about what is parsed, not how fast. */
const NO_TIME_LIMIT = 600_000;

describe('personalised PageRank', () => {
  test('rank flows from the prompt-matched file to what it uses, and on to what that uses', () => {
    // 0 -> 1 -> 2; 3 is unrelated. Restart only at 0.
    const rank = pageRank({ nodeCount: 4, from: [0, 1], to: [1, 2], weight: [1, 1] }, [1, 0, 0, 0]);
    assert.ok((rank[0] ?? 0) > (rank[1] ?? 0) && (rank[1] ?? 0) > (rank[2] ?? 0) && (rank[2] ?? 0) > 0);
    assert.equal(rank[3], 0);
    assert.ok(Math.abs([...rank].reduce((sum, value) => sum + value, 0) - 1) < 1e-9);
  });
});

/**
 * 800 files; the prompt's words appear only in checkout.ts, and the code that needs to change is in a file
 * whose path and names share no word with the prompt, but which checkout.ts calls. Ranking by path words
 * cannot find it; ranking by references does.
 */
function shop(): Record<string, string> {
  const files: Record<string, string> = {
    'src/web/checkout.ts': "import { settleLedger } from '../core/ledger';\n\nexport async function checkoutOrder(order: Order) {\n  return settleLedger(order.lines);\n}\n",
    'src/core/ledger.ts': "export function settleLedger(lines: Line[]): number {\n  return lines.reduce((sum, line) => sum + line.amount, 0);\n}\n",
  };
  for (let index = 0; index < 800; index += 1) {
    files[`src/features/feature${index % 20}/order-part-${index}.ts`] = `export function orderPart${index}(value: number) {\n  return value + ${index};\n}\n`;
  }
  return files;
}

describe('ranking by references between files', () => {
  test('the file the prompt-matched file depends on is in the map, near the top', async () => {
    const files = shop();
    const map = await selectContext({ files: Object.keys(files), prompt: 'Checkout charges the wrong order total', read: async (file) => files[file] ?? null, budgetTokens: 256, parseBudgetMs: NO_TIME_LIMIT });
    assert.equal(map.listedFiles[0], 'src/web/checkout.ts');
    const position = map.listedFiles.indexOf('src/core/ledger.ts');
    assert.ok(position >= 0 && position <= 2, `ledger.ts at ${position} of ${map.listedFiles.join(', ')}`);
    assert.match(map.text, /src\/core\/ledger\.ts\n {2}export function settleLedger\(lines: Line\[\]\): number/);
  });

  test('names the prompt mentions pull their definer up even when no path matches', async () => {
    const files = shop();
    const map = await selectContext({ files: Object.keys(files), prompt: 'settleLedger must round to cents', read: async (file) => files[file] ?? null, budgetTokens: 256, parseBudgetMs: NO_TIME_LIMIT });
    assert.equal(map.listedFiles[0], 'src/core/ledger.ts');
  });
});

describe('on a real source tree (pino, as installed)', () => {
  let repo: SourceTreeRepo;
  before(async () => {
    repo = await sourceTreeRepo('pino');
  });
  after(async () => {
    await repo.cleanup();
  });
  const read = (file: string) => readFile(path.join(repo.root, file), 'utf8').catch(() => null);

  test('finds the file behind a behaviour the prompt describes without naming it', async () => {
    // The path-word map this replaced did not list lib/proto.js for this prompt at 1,024 tokens.
    const map = await selectContext({ files: repo.files, prompt: 'Child loggers should inherit the parent serializers and merge their bindings', read, commitSha: repo.commit, parseBudgetMs: NO_TIME_LIMIT });
    const position = map.listedFiles.indexOf('lib/proto.js');
    assert.ok(position >= 0 && position < 10, `lib/proto.js at ${position}`);
    assert.ok(map.tokens <= 1024);
    // Binary files are never parsed; the PNGs are still in the file count.
    assert.ok(repo.files.some((file) => file.endsWith('.png')));
    assert.ok(map.taggedFiles > 100 && map.taggedFiles < repo.files.length);
  });
});

describe('tags cached by commit SHA', () => {
  let cacheDirectory: string;
  before(async () => {
    cacheDirectory = await mkdtemp(path.join(tmpdir(), 'tb-map-cache-'));
  });
  after(async () => {
    await rm(cacheDirectory, { recursive: true, force: true });
  });

  test('a second run on the same commit reads no file, from memory and then from disk', async () => {
    clearMemoryCache();
    const files = shop();
    let reads = 0;
    const read = async (file: string) => {
      reads += 1;
      return files[file] ?? null;
    };
    const commitSha = 'a'.repeat(40);
    const input = { files: Object.keys(files), prompt: 'Checkout charges the wrong order total', read, commitSha, cacheDirectory, parseBudgetMs: NO_TIME_LIMIT };
    const first = await selectContext(input);
    assert.equal(first.cache, 'none');
    assert.equal(reads, 802);
    assert.equal(first.complete, true);
    assert.deepEqual(await readdir(cacheDirectory), [`repo-map-${commitSha}.json`]);

    const second = await selectContext({ ...input, prompt: 'settleLedger must round to cents' });
    assert.equal(second.cache, 'memory');
    assert.equal(reads, 802, 'no file read again');
    assert.equal(second.listedFiles[0], 'src/core/ledger.ts');

    clearMemoryCache();
    const third = await selectContext(input);
    assert.equal(third.cache, 'disk');
    assert.equal(reads, 802, 'no file read again');
    assert.deepEqual(third.listedFiles, first.listedFiles);
    assert.equal(third.text, first.text);

    // Another commit is another tree: parsed afresh.
    const other = await selectContext({ ...input, commitSha: 'b'.repeat(40) });
    assert.equal(other.cache, 'none');
    assert.equal(reads, 1604);
  });

  test('without a commit SHA nothing is cached, and a malformed one is ignored', async () => {
    clearMemoryCache();
    const files = shop();
    let reads = 0;
    const read = async (file: string) => {
      reads += 1;
      return files[file] ?? null;
    };
    await selectContext({ files: Object.keys(files), prompt: 'checkout', read, commitSha: '../../etc/passwd', cacheDirectory, parseBudgetMs: NO_TIME_LIMIT });
    await selectContext({ files: Object.keys(files), prompt: 'checkout', read, parseBudgetMs: NO_TIME_LIMIT });
    assert.equal(reads, 1604);
  });

  test('the disk cache keeps the 16 most recent commits', async () => {
    const directory = await mkdtemp(path.join(tmpdir(), 'tb-map-evict-'));
    try {
      const files: Record<string, string> = { 'a.ts': 'export function a() {}\n' };
      for (let commit = 0; commit < 18; commit += 1) {
        await selectContext({ files: Object.keys(files), prompt: 'a', read: async (file) => files[file] ?? null, commitSha: commit.toString(16).padStart(40, '0'), cacheDirectory: directory, parseBudgetMs: NO_TIME_LIMIT });
      }
      const kept = await readdir(directory);
      assert.equal(kept.length, 16);
      assert.ok(kept.includes(`repo-map-${(17).toString(16).padStart(40, '0')}.json`));
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  test('a corrupt cache file is ignored and rewritten', async () => {
    clearMemoryCache();
    const commitSha = 'c'.repeat(40);
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path.join(cacheDirectory, `repo-map-${commitSha}.json`), '{"format":1,"commit":"cccc', 'utf8');
    const files = shop();
    const map = await selectContext({ files: Object.keys(files), prompt: 'checkout', read: async (file) => files[file] ?? null, commitSha, cacheDirectory, parseBudgetMs: NO_TIME_LIMIT });
    assert.equal(map.cache, 'none');
    clearMemoryCache();
    const again = await selectContext({ files: Object.keys(files), prompt: 'checkout', read: async () => null, commitSha, cacheDirectory });
    assert.equal(again.cache, 'disk');
  });
});

describe('what the map does not parse', () => {
  test('minified, generated and vendored files give no symbols, binaries are listed but never parsed', async () => {
    const files: Record<string, string> = {
      'src/app.ts': "import { renderWidget } from './widget';\nexport function startApp() { renderWidget(); }\n",
      'src/widget.ts': 'export function renderWidget() {}\n',
      'dist/bundle.js': `function minifiedThing(){${'a();'.repeat(2000)}}\n`,
      'src/schema.generated.ts': 'export function generatedThing() {}\n',
      'src/api.ts': '// Code generated by protoc. DO NOT EDIT.\nexport function protocThing() {}\n',
      'vendor/lib/left-pad.js': 'function vendoredThing() {}\n',
      'assets/logo.png': '\u0089PNG\u0000\u0000',
    };
    const map = await selectContext({ files: Object.keys(files), prompt: 'start the app', read: async (file) => files[file] ?? null, parseBudgetMs: NO_TIME_LIMIT });
    assert.doesNotMatch(map.text, /minifiedThing|generatedThing|protocThing|vendoredThing/);
    assert.match(map.text, /src\/app\.ts\n {2}export function startApp\(\)/);
    assert.match(map.text, /src\/widget\.ts\n {2}export function renderWidget\(\)/);
    assert.ok(map.listedFiles.includes('assets/logo.png'));
  });
});
