// The tools a careful engineer expects, each through the real WorkspaceTools dispatcher over a real
// Workspace: multi-edit, replace_all, whole-file overwrite keeping the file's conventions, search with
// context and files-only, a depth-limited tree, the staged diff, and finish's PR title.

import assert from 'node:assert/strict';
import { chmod, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { WorkspaceTools } from '../../src/core/agent/tools/workspace-tools';
import { diffLines, unifiedDiff } from '../../src/core/agent/tools/unified-diff';
import { StagedCheckout } from '../../src/core/agent/tools/staged-checkout';
import { commitSubject } from '../../src/core/pipeline/pull-request-text';
import { recordingContext, testConfig, testWorkspace, type FileTree } from '../integration/agent-support';

const FILES: FileTree = {
  'src/a.ts': 'export const a = 1;\nexport const b = 2;\nexport const c = a + b;\n',
  'src/util/strings.ts': "export const greet = (name: string) => 'hello ' + name;\nexport const shout = (s: string) => s.toUpperCase();\n",
  'src/util/deep/nested/x.ts': 'export const x = 1;\n',
  'win.txt': 'one\r\ntwo\r\nthree\r\n',
  'bom.txt': '\ufefffirst\nsecond\n',
  'README.md': '# r\n\nUse greet() to greet.\n',
  'run.sh': '#!/bin/sh\necho hi\n',
};

async function setUp(t: TestContext, files: FileTree = FILES) {
  const ws = await testWorkspace(t, files);
  const run = recordingContext({ workspace: ws, prompt: 'p', config: testConfig() });
  const tools = new WorkspaceTools(run.context, ['s3cr3t-known-value']);
  let id = 0;
  return {
    ws,
    run,
    tools,
    call: (name: string, input: Record<string, unknown>) => tools.execute({ id: `call_${++id}`, name, input }),
    staged: async (file: string) => ws.workspace.read(file),
  };
}

describe('multi_edit and replace_all', () => {
  test('several edits to one file apply in order, each on the result of the last', async (t) => {
    const { call, staged, run } = await setUp(t);
    const outcome = await call('multi_edit', {
      path: 'src/a.ts',
      edits: [
        { old_str: 'export const a = 1;', new_str: 'export const a = 10;' },
        { old_str: 'export const a = 10;\nexport const b = 2;', new_str: 'export const a = 10;\nexport const b = 20;' },
      ],
    });
    assert.equal(outcome.result.isError, false, outcome.result.content);
    assert.equal(outcome.mutated, true);
    assert.equal(await staged('src/a.ts'), 'export const a = 10;\nexport const b = 20;\nexport const c = a + b;\n');
    assert.match(outcome.result.content, /with 2 edit\(s\)/);
    assert.equal(run.of('tool').at(-1)?.message, 'Tool: Edit src/a.ts (2 edits)');
  });

  test('if one edit fails, none is applied, and the reply says which one and shows the real lines', async (t) => {
    const { call, staged, ws } = await setUp(t);
    const outcome = await call('multi_edit', {
      path: 'src/a.ts',
      edits: [
        { old_str: 'export const a = 1;', new_str: 'export const a = 10;' },
        { old_str: 'export const zzz = 99;', new_str: 'nothing' },
      ],
    });
    assert.equal(outcome.result.isError, true);
    assert.match(outcome.result.content, /edit 2 of 2 \(so none of the 2 edits\) of src\/a\.ts not applied/);
    assert.equal(await staged('src/a.ts'), FILES['src/a.ts']);
    assert.equal(ws.workspace.changes.size, 0);
  });

  test('replace_all replaces every exact occurrence; without it a repeated old_str is ambiguous', async (t) => {
    const { call, staged } = await setUp(t);
    const ambiguous = await call('edit_file', { path: 'src/util/strings.ts', old_str: 'string', new_str: 'String' });
    assert.equal(ambiguous.result.isError, true);
    const all = await call('edit_file', { path: 'src/util/strings.ts', old_str: '(name: string)', new_str: '(name: String)', replace_all: true });
    assert.equal(all.result.isError, false);
    const everywhere = await call('edit_file', { path: 'src/util/strings.ts', old_str: 'string)', new_str: 'text)', replace_all: true });
    assert.match(everywhere.result.content, /replaced all 1 occurrence/);
    const twice = await call('multi_edit', { path: 'src/a.ts', edits: [{ old_str: 'export const', new_str: 'export let', replace_all: true }] });
    assert.equal(twice.result.isError, false);
    assert.equal(await staged('src/a.ts'), 'export let a = 1;\nexport let b = 2;\nexport let c = a + b;\n');
  });

  test('replace_all with no exact occurrence is refused with the nearby lines', async (t) => {
    const { call } = await setUp(t);
    const outcome = await call('edit_file', { path: 'src/a.ts', old_str: 'export const q = 7;', new_str: 'x', replace_all: true });
    assert.equal(outcome.result.isError, true);
    assert.match(outcome.result.content, /not applied/);
  });
});

describe('write_file overwrites a whole file and keeps its conventions', () => {
  test('CRLF stays CRLF, the final newline stays, a byte-order mark stays', async (t) => {
    const { call, staged } = await setUp(t);
    assert.equal((await call('write_file', { path: 'win.txt', content: 'uno\ndos\ntres' })).result.isError, false);
    assert.equal(await staged('win.txt'), 'uno\r\ndos\r\ntres\r\n');
    await call('write_file', { path: 'bom.txt', content: 'premier\nsecond' });
    assert.equal(await staged('bom.txt'), '\ufeffpremier\nsecond\n');
  });

  test('creates a missing file, refuses to empty one, and says when nothing changed', async (t) => {
    const { call, staged } = await setUp(t);
    const created = await call('write_file', { path: 'docs/new.md', content: '# new\n' });
    assert.equal(created.result.content, 'Created docs/new.md.');
    assert.equal(await staged('docs/new.md'), '# new\n');
    const emptied = await call('write_file', { path: 'README.md', content: '  \n' });
    assert.equal(emptied.result.isError, true);
    assert.match(emptied.result.content, /never emptied/);
    assert.equal((await call('write_file', { path: 'README.md', content: FILES['README.md'] ?? '' })).result.content, 'README.md is unchanged.');
  });

  test('the path guard applies to whole-file writes too', async (t) => {
    const { call } = await setUp(t);
    const outcome = await call('write_file', { path: '.github/workflows/ci.yml', content: 'on: push\n' });
    assert.equal(outcome.result.isError, true);
    assert.match(outcome.result.content, /protected/);
  });

  test('an executable file keeps its mode in the checkout a command sees, and the checkout is restored byte for byte', async (t) => {
    const { ws, call } = await setUp(t);
    await chmod(path.join(ws.root, 'run.sh'), 0o755);
    await call('write_file', { path: 'run.sh', content: '#!/bin/sh\necho changed\n' });
    const checkout = new StagedCheckout(ws.sandbox, ws.workspace);
    const seen = await checkout.around(new AbortController().signal, async () => {
      return { mode: (await stat(path.join(ws.root, 'run.sh'))).mode & 0o777, content: await readFile(path.join(ws.root, 'run.sh'), 'utf8') };
    });
    assert.deepEqual(seen.result, { mode: 0o755, content: '#!/bin/sh\necho changed\n' });
    assert.equal(await readFile(path.join(ws.root, 'run.sh'), 'utf8'), FILES['run.sh']);
    assert.equal((await stat(path.join(ws.root, 'run.sh'))).mode & 0o777, 0o755);
  });
});

describe('search', () => {
  test('context lines: ripgrep layout, nearby matches merged, groups separated by --', async (t) => {
    const { call } = await setUp(t);
    const outcome = await call('search', { query: 'export const', path: 'src/a.ts', context_lines: 1 });
    assert.equal(outcome.result.content, 'src/a.ts:1: export const a = 1;\nsrc/a.ts:2: export const b = 2;\nsrc/a.ts:3: export const c = a + b;');
    const spaced = await setUp(t, { 'f.txt': ['alpha', 'one', 'two', 'three', 'four', 'five', 'alpha', 'six'].join('\n') + '\n' });
    const grouped = await spaced.call('search', { query: 'alpha', context_lines: 1 });
    assert.equal(grouped.result.content, ['f.txt:1: alpha', 'f.txt-2- one', '--', 'f.txt-6- five', 'f.txt:7: alpha', 'f.txt-8- six'].join('\n'));
  });

  test('a regex that repeats a repeating group is refused before it can backtrack for minutes', async (t) => {
    const { call } = await setUp(t);
    const outcome = await call('search', { query: '(a+)+$', regex: true });
    assert.equal(outcome.result.isError, true);
    assert.match(outcome.result.content, /exponential time/);
    assert.equal((await call('search', { query: 'const (a|b) =', regex: true })).result.isError, false);
  });

  test('files_only lists the matching files with their counts', async (t) => {
    const { call, run } = await setUp(t);
    const outcome = await call('search', { query: 'greet', files_only: true });
    assert.equal(outcome.result.content, 'README.md (1 match)\nsrc/util/strings.ts (1 match)');
    assert.equal(run.of('tool').at(-1)?.message, 'Tool: Search "greet" (files only)');
  });
});

describe('tree', () => {
  test('directories with file counts, then files, down to the depth limit', async (t) => {
    const { call } = await setUp(t);
    const one = await call('tree', { depth: 1 });
    assert.equal(one.result.content, ['./ (7 files, depth 1)', 'src/ (3 files)', 'bom.txt', 'README.md', 'run.sh', 'win.txt'].join('\n'));
    const deep = await call('tree', { path: 'src', depth: 2 });
    assert.equal(deep.result.content, ['src/ (3 files, depth 2)', 'util/ (2 files)', '  deep/ (1 file)', '  strings.ts', 'a.ts'].join('\n'));
    const refused = await call('tree', { path: 'nope' });
    assert.equal(refused.result.isError, true);
  });
});

describe('view_diff', () => {
  test('the staged change as a unified diff against the base', async (t) => {
    const { call } = await setUp(t);
    assert.equal((await call('view_diff', {})).result.content, 'No changes are staged yet.');
    await call('edit_file', { path: 'src/a.ts', old_str: 'export const b = 2;', new_str: 'export const b = 3;' });
    await call('create_file', { path: 'NOTES.md', content: 'note' });
    await call('delete_file', { path: 'run.sh' });
    const diff = (await call('view_diff', {})).result.content;
    assert.equal(
      diff,
      [
        '3 file(s) changed: NOTES.md (added), run.sh (deleted), src/a.ts (modified)',
        '',
        '--- /dev/null',
        '+++ b/NOTES.md',
        '@@ -0,0 +1,1 @@',
        '+note',
        '\\ No newline at end of file',
        '--- a/run.sh',
        '+++ /dev/null',
        '@@ -1,2 +0,0 @@',
        '-#!/bin/sh',
        '-echo hi',
        '--- a/src/a.ts',
        '+++ b/src/a.ts',
        '@@ -1,3 +1,3 @@',
        ' export const a = 1;',
        '-export const b = 2;',
        '+export const b = 3;',
        ' export const c = a + b;',
      ].join('\n'),
    );
    assert.match((await call('view_diff', { path: 'src' })).result.content, /^1 file\(s\) changed: src\/a\.ts/);
  });

  test('line operations rebuild both sides, for random edits', () => {
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 200; round += 1) {
      const a = Array.from({ length: random(30) }, () => `line ${random(8)}`);
      const b = a.filter(() => random(4) !== 0).flatMap((line) => (random(5) === 0 ? [line, `new ${random(8)}`] : [line]));
      const ops = diffLines(a, b);
      assert.deepEqual(ops.filter((op) => op.kind !== '+').map((op) => a[op.index]), a);
      assert.deepEqual(ops.filter((op) => op.kind !== '-').map((op) => (op.kind === '+' ? b[op.index] : a[op.index])), b);
    }
  });

  test('hunks far apart are separate, with three lines of context each', () => {
    const before = Array.from({ length: 30 }, (_, index) => `l${index + 1}`).join('\n') + '\n';
    const after = before.replace('l2\n', 'L2\n').replace('l28\n', 'L28\n');
    const hunks = unifiedDiff('f', before, after).split('\n').filter((line) => line.startsWith('@@'));
    assert.deepEqual(hunks, ['@@ -1,5 +1,5 @@', '@@ -25,6 +25,6 @@']);
  });
});

describe('finish with a pull request title', () => {
  test('the title comes back cleaned to one line; the PR title uses it, or falls back to the prompt', async (t) => {
    const { call } = await setUp(t);
    const outcome = await call('finish', { summary: 'Did it; the key s3cr3t-known-value stays out.', title: '## Fix greeting\nand more' });
    assert.equal(outcome.finishedTitle, 'Fix greeting and more');
    assert.equal(outcome.finishedWith, 'Did it; the key [REDACTED] stays out.');
    const plain = await call('finish', { summary: 'ok' });
    assert.equal(plain.finishedTitle, undefined);
    assert.equal(commitSubject('make greet() polite', 'Make greet() polite'), 'Make greet() polite');
    assert.equal(commitSubject('make greet() polite'), 'Tiny Backspace: make greet() polite');
    assert.equal(commitSubject('p', 'x'.repeat(100)).length, 72);
  });
});

describe('the tool list for a run', () => {
  test('run_command is offered only where the sandbox isolates commands', async (t) => {
    const { tools } = await setUp(t);
    assert.equal(tools.commands.offered, false);
    assert.ok(!tools.specs.some((spec) => spec.name === 'run_command'));
    const refused = await tools.execute({ id: 'x', name: 'run_command', input: { command: 'id' } });
    assert.equal(refused.result.isError, true);
    assert.match(refused.result.content, /not available: this machine has no isolated sandbox/);
  });
});
