// The workspace layer's rules on their own: protected paths, modes and blobs carried through edits and
// renames, binary files never decoded, and no write through a committed symlink.

import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { isProtectedPath, writablePath } from '../../src/core/workspace/path-guard';
import { Workspace } from '../../src/core/workspace/workspace';

async function workspaceOf(t: TestContext, files: Record<string, string | Buffer>, tracked: ConstructorParameters<typeof Workspace>[1]) {
  const root = await mkdtemp(path.join(tmpdir(), 'tb-ws-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, name)), { recursive: true });
    await writeFile(path.join(root, name), content);
  }
  return { root, workspace: new Workspace(root, tracked) };
}

describe('protected paths', () => {
  for (const protectedPath of ['.github/CODEOWNERS', '.github/actions/setup/action.yml', '.github/workflows/ci.yml', '.GitHub/dependabot.yml', '.husky/pre-commit', '.devcontainer/devcontainer.json', '.vscode/tasks.json', '.git/config', 'vendor/lib/.git/hooks/post-checkout', 'a/.GIT/config', '.git']) {
    test(`refuses ${protectedPath}`, () => {
      assert.equal(isProtectedPath(protectedPath), true);
      assert.throws(() => writablePath(protectedPath), /\.git \(at any depth\), \.github\/, \.husky\/, \.devcontainer\/ and \.vscode\/ are protected/);
    });
  }
  for (const allowed of ['docs/.github-notes.md', 'src/github/client.ts', '.gitignore', '.gitattributes', 'src/.gitkeep', 'husky.md']) {
    test(`allows ${allowed}`, () => assert.equal(isProtectedPath(allowed), false));
  }
});

describe('the change set keeps bytes and modes', () => {
  test('an edit keeps 100755; a rename keeps mode and blob, and a binary file is never decoded', async (t) => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]);
    const { workspace } = await workspaceOf(t, { 'run.sh': '#!/bin/sh\necho hi\n', 'logo.png': png }, [
      { path: 'run.sh', mode: '100755', blob: 'a'.repeat(40) },
      { path: 'logo.png', mode: '100644', blob: 'b'.repeat(40) },
    ]);
    await workspace.changes.write('run.sh', '#!/bin/sh\necho hello\n');
    await workspace.changes.rename('logo.png', 'img/logo.png');
    const [moved, removed, edited] = workspace.changes.list();
    assert.deepEqual(edited, { path: 'run.sh', before: '#!/bin/sh\necho hi\n', after: '#!/bin/sh\necho hello\n', mode: '100755' });
    assert.deepEqual(moved, { path: 'img/logo.png', before: null, after: '[binary file, 6 bytes]', mode: '100644', blob: 'b'.repeat(40), binary: true });
    assert.deepEqual(removed, { path: 'logo.png', before: '[binary file, 6 bytes]', after: null, binary: true });
    await assert.rejects(workspace.changes.write('img/logo.png', 'text'), /it is a binary file/);
  });

  test('renaming an edited executable keeps 100755 and takes the edited text, not the old blob', async (t) => {
    const { workspace } = await workspaceOf(t, { 'a.sh': 'echo a\n' }, [{ path: 'a.sh', mode: '100755', blob: 'c'.repeat(40) }]);
    await workspace.changes.write('a.sh', 'echo b\n');
    await workspace.changes.rename('a.sh', 'bin/a.sh');
    const moved = workspace.changes.list().find((change) => change.path === 'bin/a.sh');
    assert.deepEqual(moved, { path: 'bin/a.sh', before: null, after: 'echo b\n', mode: '100755' });
  });

  test('writes through a committed directory symlink, or to a committed link, are refused', async (t) => {
    const { root, workspace } = await workspaceOf(t, { 'src/a.js': 'a\n' }, [
      { path: 'src/a.js', mode: '100644' },
      { path: 'lib', mode: '120000' },
      { path: 'a-link.js', mode: '120000' },
    ]);
    await symlink('src', path.join(root, 'lib'));
    await symlink('src/a.js', path.join(root, 'a-link.js'));
    await assert.rejects(workspace.changes.write('lib/new.js', 'x'), /"lib" is a symbolic link in the repository; write "src\/new\.js" instead/);
    await assert.rejects(workspace.changes.rename('src/a.js', 'lib/b.js'), /"lib" is a symbolic link in the repository; write "src\/b\.js" instead/);
    await assert.rejects(workspace.changes.write('a-link.js', 'x'), /symbolic link/);
    // Through the link the file is not one of the commit's, so it cannot be deleted under that name either.
    await assert.rejects(workspace.changes.delete('lib/a.js'), /no such file/);
    assert.equal(await workspace.read('lib/a.js'), null);
    assert.deepEqual(workspace.changes.list(), []);
  });
});
