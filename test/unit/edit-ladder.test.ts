import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyEditLadder } from '../../src/core/edits/edit-ladder';
import { REDACTED } from '../../src/core/security/redact';

const SOURCE = [
  'export function total(items: Item[]): number {',
  '  let sum = 0;',
  '  for (const item of items) {',
  '    sum += item.price * item.quantity;',
  '  }',
  '  return sum;',
  '}',
  '',
  'export function count(items: Item[]): number {',
  '  return items.length;',
  '}',
  '',
].join('\n');

function applied(outcome: ReturnType<typeof applyEditLadder>) {
  assert.ok(outcome.ok, outcome.ok ? '' : `${outcome.reason}: ${outcome.message}`);
  return outcome;
}

function refused(outcome: ReturnType<typeof applyEditLadder>, reason?: string) {
  assert.equal(outcome.ok, false, outcome.ok ? `applied (${outcome.strategy}):\n${outcome.content}` : '');
  if (outcome.ok) throw new Error('unreachable');
  if (reason) assert.equal(outcome.reason, reason, outcome.message);
  return outcome;
}

describe('edit ladder', () => {
  test('exact match replaces the one occurrence and reports its line', () => {
    const outcome = applied(applyEditLadder(SOURCE, '  return items.length;', '  return items.filter(Boolean).length;'));
    assert.equal(outcome.strategy, 'exact');
    assert.equal(outcome.line, 10);
    assert.ok(outcome.content.includes('  return items.filter(Boolean).length;\n}'));
    assert.equal(outcome.content.split('\n').length, SOURCE.split('\n').length);
  });

  test('an exact match found twice is ambiguous and changes nothing', () => {
    const outcome = refused(applyEditLadder(SOURCE, 'export function', 'function'), 'ambiguous');
    assert.match(outcome.message, /occurs 2 times \(lines 1, 9\)/);
  });

  test('whitespace-tolerant: different indentation and trailing spaces still match, and the new text takes the file indentation', () => {
    const old = 'for (const item of items) {   \n  sum += item.price * item.quantity;\n}';
    const replacement = 'for (const item of items) {\n  sum += item.price * item.quantity * (1 - item.discount);\n}';
    const outcome = applied(applyEditLadder(SOURCE, old, replacement));
    assert.equal(outcome.strategy, 'whitespace');
    assert.equal(outcome.similarity, 1);
    assert.ok(outcome.content.includes('  for (const item of items) {\n    sum += item.price * item.quantity * (1 - item.discount);\n  }\n  return sum;'));
  });

  test('whitespace-tolerant keeps CRLF line endings', () => {
    const crlf = SOURCE.replace(/\n/g, '\r\n');
    const outcome = applied(applyEditLadder(crlf, '  let sum = 0;\n  for (const item of items) {', '  let sum = 1;\n  for (const item of items) {'));
    assert.ok(outcome.content.includes('  let sum = 1;\r\n  for (const item of items) {\r\n'));
    assert.ok(!/[^\r]\n/.test(outcome.content), 'no bare LF was introduced');
  });

  test('CRLF: a multi-line exact edit (old_str copied with CRLF, new_str written with LF) keeps CRLF throughout', () => {
    const crlf = SOURCE.replace(/\n/g, '\r\n');
    const outcome = applied(applyEditLadder(crlf, '  let sum = 0;\r\n  for (const item of items) {\r\n', '  let sum = 0;\n  // every item counts\n  for (const item of items) {\n'));
    assert.equal(outcome.strategy, 'exact');
    assert.equal(outcome.content, crlf.replace('  let sum = 0;\r\n', '  let sum = 0;\r\n  // every item counts\r\n'));
    assert.ok(!/[^\r]\n/.test(outcome.content), 'no bare LF was introduced');
  });

  test('tabs: a space-indented old_str in a tab-indented file comes out tab-indented', () => {
    const tabbed = SOURCE.replace(/^( {2})+/gm, (indent) => '\t'.repeat(indent.length / 2));
    const old = '    for (const item of items) {\n        sum += item.price * item.quantity;\n    }';
    const replacement = '    for (const item of items) {\n        if (item.free) continue;\n        sum += item.price * item.quantity;\n    }';
    const outcome = applied(applyEditLadder(tabbed, old, replacement));
    assert.equal(outcome.content, tabbed.replace('\tfor (const item of items) {\n', '\tfor (const item of items) {\n\t\tif (item.free) continue;\n'));
  });

  test('the file keeps a missing final newline', () => {
    const noFinal = SOURCE.trimEnd();
    const outcome = applied(applyEditLadder(noFinal, '  return items.length;\n}\n', '  return items.length + 0;\n}\n'));
    assert.ok(outcome.content.endsWith('  return items.length + 0;\n}'), JSON.stringify(outcome.content.slice(-40)));
    const line = applied(applyEditLadder(noFinal, 'return items.length;\n}', 'return 1;\n}'));
    assert.ok(line.content.endsWith('  return 1;\n}'));
  });

  test('fuzzy: a typo of a character inside a longer anchor is tolerated, and the typo never reaches the file', () => {
    // `item` for `items` on one line; new_str keeps that line, so the file's own text is written.
    const old = '  let sum = 0;\n  for (const item of item) {\n    sum += item.price * item.quantity;\n  }\n  return sum;';
    const replacement = '  let sum = 0;\n  for (const item of item) {\n    sum += item.price * item.count;\n  }\n  return sum;';
    const outcome = applied(applyEditLadder(SOURCE, old, replacement));
    assert.equal(outcome.strategy, 'fuzzy');
    assert.equal(outcome.line, 2);
    assert.equal(outcome.content, SOURCE.replace('item.price * item.quantity', 'item.price * item.count'));
  });

  test('invented line: a line of old_str the file lacks is never written into the file', () => {
    // The model "remembers" `if (!item) continue;`, which the file never had, and keeps it in new_str.
    const old = '  for (const item of items) {\n    if (!item) continue;\n    sum += item.price * item.quantity;\n  }\n  return sum;';
    const replacement = '  for (const item of items) {\n    if (!item) continue;\n    sum += item.price * item.quantity * 2;\n  }\n  return sum;';
    const outcome = applied(applyEditLadder(SOURCE, old, replacement));
    assert.equal(outcome.strategy, 'fuzzy');
    assert.ok(!outcome.content.includes('if (!item) continue;'), outcome.content);
    assert.equal(outcome.content, SOURCE.replace('item.price * item.quantity;', 'item.price * item.quantity * 2;'));
  });

  test('invented line: an edit that changes a line the file lacks is refused, naming it', () => {
    const old = '  for (const item of items) {\n    if (!item) continue;\n    sum += item.price * item.quantity;\n  }\n  return sum;';
    const replacement = '  for (const item of items) {\n    if (!item) break;\n    sum += item.price * item.quantity;\n  }\n  return sum;';
    const outcome = refused(applyEditLadder(SOURCE, old, replacement), 'unmatched_line');
    assert.match(outcome.message, /`if \(!item\) continue;`\) is not in the file/);
  });

  test('a different string literal is never taken for the same text', () => {
    const file = 'function greet() {\n  console.log("hello");\n  return 1;\n}\n';
    refused(applyEditLadder(file, '  console.log("wrong");', '  console.log("bye");'));
    refused(applyEditLadder(file, 'function greet() {\n  console.log("wrong");\n  return 1;\n}', 'function greet() {\n  console.log("bye");\n  return 1;\n}'));
  });

  test('different identifiers and numbers are never taken for the same text', () => {
    refused(applyEditLadder(SOURCE, '  let total = 0;\n  for (const item of items) {\n    sum += item.price * item.quantity;\n  }\n  return sum;', '  return 0;'));
    const numbers = 'const limits = {\n  retries: 3,\n  timeoutMs: 5000,\n  backoff: 2,\n};\n';
    refused(applyEditLadder(numbers, 'const limits = {\n  retries: 4,\n  timeoutMs: 5000,\n  backoff: 2,\n};', 'const limits = {\n  retries: 5,\n  timeoutMs: 5000,\n  backoff: 2,\n};'));
  });

  test('numbered names are different names, not typos: handler2 is never taken for handler3', () => {
    const file = ['function handler2() {', '  const value = load();', '  return value;', '}', ''].join('\n');
    refused(applyEditLadder(file, 'function handler3() {\n  const value = load();\n  return value;\n}', 'function handler3() {\n  return load();\n}'));
  });

  test('a line the model dropped from the middle of its anchor is refused, not deleted or kept by guess', () => {
    const outcome = refused(applyEditLadder(SOURCE, '  let sum = 0;\n  for (const item of items) {\n  }\n  return sum;', '  return 0;'), 'not_found');
    assert.match(outcome.message, /line 4 `sum \+= item\.price \* item\.quantity;`/);
  });

  test('a near miss that resembles two places equally is refused', () => {
    const twins = ['function a(list) {', '  const values = load(list);', '  return values.length;', '}', '', 'function b(list) {', '  const values = load(list);', '  return values.length;', '}', ''].join('\n');
    const outcome = refused(applyEditLadder(twins, '  const value = load(list);\n  return values.length;\n}', '  return load(list).length;\n}'), 'ambiguous');
    assert.match(outcome.message, /lines 2-4 and lines 7-9/);
  });

  test('line-number prefixes pasted from read_file or from an error message are stripped', () => {
    const fromRead = applied(applyEditLadder(SOURCE, '9\texport function count(items: Item[]): number {\n10\t  return items.length;', '9\texport function count(items: Item[]): number {\n10\t  return items.length || 0;'));
    assert.equal(fromRead.content, SOURCE.replace('  return items.length;', '  return items.length || 0;'));
    const fromError = applied(applyEditLadder(SOURCE, ' 9 | export function count(items: Item[]): number {\n10 |   return items.length;', 'export function count(items: Item[]): number {\n  return items.length || 0;'));
    assert.equal(fromError.content, fromRead.content);
  });

  test('not found: the failure carries the real nearby lines, numbered', () => {
    const outcome = refused(applyEditLadder(SOURCE, '  for (const entry of entries) {\n    total += entry.cost;\n  }\n  return sum;', 'x'), 'not_found');
    assert.match(outcome.nearby, /^3 \| {3}for \(const item of items\) \{$/m);
    assert.match(outcome.nearby, /^4 \| {5}sum \+= item\.price \* item\.quantity;$/m);
  });

  test('a one-line snippet is never fuzzy-matched: too easily the wrong line', () => {
    const outcome = refused(applyEditLadder(SOURCE, '  return items.size;', '  return 0;'));
    assert.match(outcome.message, /one-line old_str must match exactly/);
  });

  test('an edit quoting the redaction marker is refused, telling the model to re-read the file', () => {
    const file = 'const key = "abc";\nexport const url = "https://example.com";\n';
    const outcome = refused(applyEditLadder(file, `const key = "${REDACTED}";`, 'const key = process.env.KEY;'), 'redacted_text');
    assert.match(outcome.message, /Read the file again/);
    refused(applyEditLadder(file, 'export const url = "https://example.com";', `export const url = "${REDACTED}";`), 'redacted_text');
  });

  test('a file is never emptied by an edit, and an empty old_str is refused', () => {
    const whole = applyEditLadder('only line\n', 'only line\n', '');
    assert.equal(!whole.ok && whole.reason, 'would_empty_file');
    const empty = applyEditLadder(SOURCE, '', 'x');
    assert.equal(!empty.ok && empty.reason, 'empty_old');
  });
});
