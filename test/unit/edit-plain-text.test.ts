import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parsePlainTextEdits } from '../../src/core/edits/plain-text-edits';

describe('plain-text edit parsing', () => {
  test('SEARCH/REPLACE blocks, in fences or not, with the path on the line before; a later block reuses it', () => {
    const answer = [
      'I will rename the constant.',
      '',
      '**src/config.ts**',
      '```ts',
      '<<<<<<< SEARCH',
      'export const retries = 3;',
      '=======',
      'export const maxRetries = 3;',
      '>>>>>>> REPLACE',
      '```',
      '',
      '<<<<<<< SEARCH',
      'retries,',
      '=======',
      'maxRetries,',
      '>>>>>>> REPLACE',
      '',
      'src/new-file.ts',
      '<<<<<<< SEARCH',
      '=======',
      'export const created = true;',
      '>>>>>>> REPLACE',
      'Done.',
    ].join('\n');
    const { edits, problems } = parsePlainTextEdits(answer);
    assert.deepEqual(problems, []);
    assert.deepEqual(edits, [
      { kind: 'replace', path: 'src/config.ts', search: 'export const retries = 3;\n', replace: 'export const maxRetries = 3;\n', index: 0 },
      { kind: 'replace', path: 'src/config.ts', search: 'retries,\n', replace: 'maxRetries,\n', index: 1 },
      { kind: 'replace', path: 'src/new-file.ts', search: '', replace: 'export const created = true;\n', index: 2 },
    ]);
  });

  test("the original design's fence labelled lang:path holds the whole new file", () => {
    const answer = 'Here it is:\n```python:app/main.py\nimport os\n\nprint(os.getcwd())\n```\nand a second:\n~~~md:docs/README.md\n# Title\n~~~\n';
    assert.deepEqual(parsePlainTextEdits(answer).edits, [
      { kind: 'write', path: 'app/main.py', content: 'import os\n\nprint(os.getcwd())\n', index: 0 },
      { kind: 'write', path: 'docs/README.md', content: '# Title\n', index: 1 },
    ]);
  });

  test('a lang:path fence that wraps SEARCH/REPLACE blocks edits that file instead of replacing it', () => {
    const answer = '```ts:src/a.ts\n<<<<<<< SEARCH\nconst a = 1;\n=======\nconst a = 2;\n>>>>>>> REPLACE\n```\n';
    assert.deepEqual(parsePlainTextEdits(answer).edits, [{ kind: 'replace', path: 'src/a.ts', search: 'const a = 1;\n', replace: 'const a = 2;\n', index: 0 }]);
  });

  test('broken answers are reported, never half-applied', () => {
    assert.match(parsePlainTextEdits('src/a.ts\n<<<<<<< SEARCH\nx\n').problems[0] ?? '', /has no ======= line/);
    assert.match(parsePlainTextEdits('src/a.ts\n<<<<<<< SEARCH\nx\n=======\ny\n').problems[0] ?? '', /has no >>>>>>> REPLACE line/);
    assert.match(parsePlainTextEdits('<<<<<<< SEARCH\nx\n=======\ny\n>>>>>>> REPLACE\n').problems[0] ?? '', /does not say which file/);
    const unclosed = parsePlainTextEdits('```ts:src/a.ts\nconst a = 2;\n');
    assert.deepEqual(unclosed.edits, []);
    assert.match(unclosed.problems[0] ?? '', /never closed/);
  });

  test('prose and ordinary code fences are not edits', () => {
    const answer = 'Done. The fix is in place.\n```ts\nconst example = 1;\n```\n';
    assert.deepEqual(parsePlainTextEdits(answer), { edits: [], problems: [] });
  });
});
