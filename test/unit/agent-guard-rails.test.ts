// Every write the agent's tools attempt is checked before it is staged: the model hears at once about a
// refused path, and nothing refused ever reaches the change set.

import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { WorkspaceTools } from '../../src/core/agent/tools/workspace-tools';
import { recordingContext, testConfig, testWorkspace } from '../integration/agent-support';

async function outsideDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tb-outside-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(path.join(dir, 'secret.txt'), 'outside the clone\n');
  return dir;
}

async function tools(t: TestContext) {
  const outside = await outsideDir(t);
  const ws = await testWorkspace(
    t,
    { 'src/a.ts': 'export const a = 1;\nexport const b = 2;\n', 'README.md': '# r\n' },
    { 'escape': outside, 'src/link.ts': 'a.ts', 'escape-file.txt': path.join(outside, 'secret.txt'), 'gitlink': '.git' },
  );
  await mkdir(path.join(ws.root, '.git', 'hooks'), { recursive: true });
  const run = recordingContext({ workspace: ws, prompt: 'p', config: testConfig() });
  let id = 0;
  const runner = new WorkspaceTools(run.context);
  return {
    ws,
    run,
    call: (name: string, input: Record<string, unknown>) => runner.execute({ id: `call_${++id}`, name, input }),
  };
}

describe('guard rails on every write', () => {
  const refused: ReadonlyArray<readonly [string, string, Record<string, unknown>, RegExp]> = [
    ['parent directory', 'edit_file', { path: '../outside.ts', old_str: 'a', new_str: 'b' }, /"\.\." is not allowed/],
    ['parent directory inside a path', 'create_file', { path: 'src/../../x.ts', content: 'x' }, /"\.\." is not allowed/],
    ['absolute path', 'create_file', { path: '/etc/cron.d/evil', content: 'x' }, /absolute paths are not allowed/],
    ['NUL byte', 'create_file', { path: 'src/a\u0000.ts', content: 'x' }, /NUL byte/],
    ['backslashes', 'create_file', { path: 'src\\evil.ts', content: 'x' }, /forward slashes/],
    ['.git/', 'create_file', { path: '.git/hooks/pre-commit', content: '#!/bin/sh' }, /protected/],
    ['.git/ in another case', 'create_file', { path: '.GIT/config', content: 'x' }, /protected/],
    ['.github/workflows/', 'create_file', { path: '.github/workflows/ci.yml', content: 'on: push' }, /protected/],
    ['.vscode/', 'create_file', { path: '.vscode/settings.json', content: '{}' }, /protected/],
    ['a symlinked directory that leads outside the clone', 'create_file', { path: 'escape/new.ts', content: 'x' }, /points outside the repository/],
    ['a symlinked file (even one inside the clone)', 'edit_file', { path: 'src/link.ts', old_str: 'a = 1', new_str: 'a = 9' }, /symbolic link/],
    ['a symlinked file that leads outside', 'edit_file', { path: 'escape-file.txt', old_str: 'outside', new_str: 'x' }, /symbolic link/],
    ['a symlink that redirects into .git/', 'create_file', { path: 'gitlink/hooks/post-checkout', content: 'x' }, /protected directory/],
    ['renaming onto a protected path', 'rename_file', { from: 'src/a.ts', to: '.github/workflows/a.yml' }, /protected/],
    ['deleting a protected path', 'delete_file', { path: '.vscode/launch.json' }, /protected/],
    ['a credential file', 'create_file', { path: 'config/.env.local', content: 'X=1' }, /commonly holds credentials/],
  ];
  for (const [what, tool, input, reason] of refused) {
    test(`refuses ${what}`, async (t) => {
      const { ws, run, call } = await tools(t);
      const outcome = await call(tool, input);
      assert.equal(outcome.result.isError, true);
      assert.match(outcome.result.content, reason);
      assert.equal(outcome.mutated, false);
      assert.deepEqual(ws.workspace.changes.list(), []);
      assert.match(run.of('tool')[0]?.message ?? '', /refused/);
    });
  }

  test('reads are confined too: no parent directory, no symlink out of the clone', async (t) => {
    const { call } = await tools(t);
    assert.match((await call('read_file', { path: '../x' })).result.content, /"\.\." is not allowed/);
    assert.match((await call('read_file', { path: 'escape-file.txt' })).result.content, /points outside the repository/);
  });

  test('untracked files in the work tree (ignored or generated) are neither read nor edited', async (t) => {
    const { ws, call } = await tools(t);
    await mkdir(path.join(ws.root, 'dist'), { recursive: true });
    await writeFile(path.join(ws.root, 'dist', 'bundle.js'), 'generated\n');
    assert.match((await call('read_file', { path: 'dist/bundle.js' })).result.content, /not a file of the repository \(it does not exist, or it is ignored by \.gitignore or generated\)/);
    assert.match((await call('edit_file', { path: 'dist/bundle.js', old_str: 'generated', new_str: 'x' })).result.content, /not a file of the repository/);
    assert.match((await call('search', { query: 'generated' })).result.content, /^No matches\.$/);
    assert.deepEqual(ws.workspace.changes.list(), []);
  });

  test('the check is on the path, after and whatever the fuzzy match: a near-miss on a symlink is still refused', async (t) => {
    const { call } = await tools(t);
    const outcome = await call('edit_file', { path: 'src/link.ts', old_str: 'export const a = 1\nexport const b = 2', new_str: 'x' });
    assert.match(outcome.result.content, /symbolic link/);
  });

  test('a normal edit goes through, and a fuzzy one reports its similarity in the stream', async (t) => {
    const { ws, run, call } = await tools(t);
    const exact = await call('edit_file', { path: 'src/a.ts', old_str: 'export const a = 1;', new_str: 'export const a = 10;' });
    assert.equal(exact.result.content, 'Edited src/a.ts at line 1 (exact match).');
    await call('create_file', { path: 'src/total.ts', content: 'export function total(items: number[]) {\n  let sum = 0;\n  for (const value of items) sum += value;\n  return sum;\n}\n' });
    // A one-character typo (`item` for `items`) inside a longer anchor: fuzzy, and the typo is not written.
    const fuzzy = await call('edit_file', { path: 'src/total.ts', old_str: '  let sum = 0;\n  for (const value of item) sum += value;\n  return sum;\n}', new_str: '  let sum = 0;\n  for (const value of item) sum += value;\n  return sum * 2;\n}' });
    assert.match(fuzzy.result.content, /fuzzy match, similarity 0\.75/);
    assert.match(run.of('tool').at(-1)?.message ?? '', /^Tool: Edit src\/total\.ts \(fuzzy match, similarity 0\.75\)$/);
    assert.equal(ws.workspace.changes.list()[0]?.after, 'export const a = 10;\nexport const b = 2;\n');
    assert.equal(await ws.workspace.read('src/total.ts'), 'export function total(items: number[]) {\n  let sum = 0;\n  for (const value of items) sum += value;\n  return sum * 2;\n}\n');
  });

  test('malformed and unknown calls are reported as such, so the loop can re-ask once', async (t) => {
    const { call } = await tools(t);
    const truncated = await call('edit_file', { path: 'src/a.ts' });
    assert.equal(truncated.malformed, true);
    assert.match(truncated.result.content, /invalid arguments for edit_file: old_str/);
    const unknown = await call('run_shell', { command: 'cat .env' });
    assert.equal(unknown.malformed, true);
    assert.match(unknown.result.content, /unknown tool "run_shell"/);
  });
});
