import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { filesInScope } from '../../src/core/workspace/glob';
import { parseOfflinePrompt } from '../../src/core/agent/offline/offline-grammar';

describe('offline agent grammar', () => {
  it('parses every instruction form', () => {
    const parsed = parseOfflinePrompt(
      [
        'replace "Hello" with "Howdy" in README.md',
        "replace 'a' with 'b'",
        'add file docs/notes.md with "# Notes\\nline two"',
        'append "done" to CHANGELOG.md',
        'delete old.txt',
        'rename src/a.ts to src/b.ts',
      ].join('\n'),
    );
    assert.deepEqual(parsed, {
      ok: true,
      instructions: [
        { op: 'replace', search: 'Hello', replacement: 'Howdy', scope: 'README.md' },
        { op: 'replace', search: 'a', replacement: 'b' },
        { op: 'add', path: 'docs/notes.md', content: '# Notes\nline two' },
        { op: 'append', text: 'done', path: 'CHANGELOG.md' },
        { op: 'delete', path: 'old.txt' },
        { op: 'rename', from: 'src/a.ts', to: 'src/b.ts' },
      ],
    });
  });

  it('splits on semicolons outside quotes only', () => {
    const parsed = parseOfflinePrompt('replace "a;b" with "c" in "src/**/*.ts"; delete x.txt');
    assert.equal(parsed.ok, true);
    assert.deepEqual(parsed.ok && parsed.instructions, [
      { op: 'replace', search: 'a;b', replacement: 'c', scope: 'src/**/*.ts' },
      { op: 'delete', path: 'x.txt' },
    ]);
  });

  it('accepts escaped quotes and case-insensitive keywords', () => {
    const parsed = parseOfflinePrompt('Replace "say \\"hi\\"" With "say hello" IN app.js');
    assert.deepEqual(parsed.ok && parsed.instructions[0], { op: 'replace', search: 'say "hi"', replacement: 'say hello', scope: 'app.js' });
  });

  it('refuses free-form prompts and names the part it could not read', () => {
    assert.deepEqual(parseOfflinePrompt('add input validation to the signup handler'), { ok: false, unparsed: 'add input validation to the signup handler' });
    const mixed = parseOfflinePrompt('delete a.txt; make it faster');
    assert.deepEqual(mixed, { ok: false, unparsed: 'make it faster' });
    assert.equal(parseOfflinePrompt('   ').ok, false);
  });
});

describe('glob scopes', () => {
  const files = ['README.md', 'src/a.ts', 'src/lib/b.ts', 'src/lib/c.js', 'test/a.ts'];
  it('matches ** across directories and * within one', () => {
    assert.deepEqual(filesInScope(files, 'src/**/*.ts'), ['src/a.ts', 'src/lib/b.ts']);
    assert.deepEqual(filesInScope(files, 'src/*.ts'), ['src/a.ts']);
    assert.deepEqual(filesInScope(files, '*.md'), ['README.md']);
    assert.deepEqual(filesInScope(files, '**/a.ts'), ['src/a.ts', 'test/a.ts']);
  });
  it('treats a plain path as a file or a directory', () => {
    assert.deepEqual(filesInScope(files, 'src/lib'), ['src/lib/b.ts', 'src/lib/c.js']);
    assert.deepEqual(filesInScope(files, './README.md'), ['README.md']);
    assert.deepEqual(filesInScope(files, 'src/li'), []);
  });
  it('treats regex characters in a glob literally', () => {
    assert.deepEqual(filesInScope(['a+b.c.md', 'axb.md'], '*+b.c.md'), ['a+b.c.md']);
    assert.deepEqual(filesInScope(['a.b.md', 'axb.md'], 'a.b*'), ['a.b.md']);
  });
});
