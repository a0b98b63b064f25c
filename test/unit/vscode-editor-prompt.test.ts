import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findTodo, selectionPrompt, todoPrompt } from '../../src/vscode/editor/editor-prompt';

test('finds TODO and FIXME comments in the common comment syntaxes', () => {
  assert.deepEqual(findTodo('  // TODO: add retries'), { tag: 'TODO', text: 'add retries' });
  assert.deepEqual(findTodo('x = 1  # fixme(alice) - handle None'), { tag: 'FIXME', text: 'handle None' });
  assert.deepEqual(findTodo('/* TODO validate input */'), { tag: 'TODO', text: 'validate input' });
  assert.deepEqual(findTodo('<!-- TODO: alt text -->'), { tag: 'TODO', text: 'alt text' });
  assert.deepEqual(findTodo(' * TODO'), { tag: 'TODO', text: '' });
});

test('ignores TODO outside comments and as part of a word', () => {
  assert.equal(findTodo('const TODO_LIST = []'), undefined);
  assert.equal(findTodo('const todos = loadTodos()'), undefined);
  assert.equal(findTodo(`// TODO ${'x'.repeat(3000)}`), undefined, 'an over-long line is not scanned');
});

test('the drafts name the file, the lines and the comment', () => {
  assert.equal(todoPrompt({ path: 'src/app.ts', startLine: 12, endLine: 12 }, { tag: 'TODO', text: 'add retries' }), 'In src/app.ts line 12, resolve the TODO comment: add retries\nThen remove the TODO comment.');
  const draft = selectionPrompt({ path: 'src/app.ts', startLine: 3, endLine: 5 }, 'a\nb\nc');
  assert.match(draft, /^In src\/app\.ts lines 3-5:\n```\na\nb\nc\n```\n/);
  assert.match(selectionPrompt({ path: 'README.md', startLine: 1, endLine: 1 }, 'has ``` fence'), /~~~~\nhas ``` fence\n~~~~/);
});
