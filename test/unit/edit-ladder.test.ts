import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyEditLadder, FUZZY_THRESHOLD } from '../../src/core/edits/edit-ladder';

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

describe('edit ladder', () => {
  test('exact match replaces the one occurrence and reports its line', () => {
    const outcome = applied(applyEditLadder(SOURCE, '  return items.length;', '  return items.filter(Boolean).length;'));
    assert.equal(outcome.strategy, 'exact');
    assert.equal(outcome.line, 10);
    assert.ok(outcome.content.includes('  return items.filter(Boolean).length;\n}'));
    assert.equal(outcome.content.split('\n').length, SOURCE.split('\n').length);
  });

  test('an exact match found twice is ambiguous and changes nothing', () => {
    const outcome = applyEditLadder(SOURCE, 'export function', 'function');
    assert.equal(outcome.ok, false);
    assert.equal(!outcome.ok && outcome.reason, 'ambiguous');
    assert.match(!outcome.ok ? outcome.message : '', /occurs 2 times \(lines 1, 9\)/);
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
    assert.equal(outcome.strategy, 'whitespace');
    assert.ok(outcome.content.includes('  let sum = 1;\r\n  for (const item of items) {\r\n'));
    assert.ok(!/[^\r]\n/.test(outcome.content), 'no bare LF was introduced');
  });

  test('fuzzy: a near-miss that matches one place is accepted and its similarity reported', () => {
    // The model misremembers a name and an operator; everything else is right.
    const old = '  let total = 0;\n  for (const item of items) {\n    sum += item.price * item.quantity;\n  }\n  return sum;';
    const outcome = applied(applyEditLadder(SOURCE, old, '  return items.reduce((sum, item) => sum + item.price * item.quantity, 0);'));
    assert.equal(outcome.strategy, 'fuzzy');
    assert.ok(outcome.similarity >= FUZZY_THRESHOLD && outcome.similarity < 1, String(outcome.similarity));
    assert.equal(outcome.line, 2);
    assert.equal(outcome.content.split('\n').slice(0, 3).join('\n'), 'export function total(items: Item[]): number {\n  return items.reduce((sum, item) => sum + item.price * item.quantity, 0);\n}');
    assert.match(outcome.matched, /^ {2}let sum = 0;/);
  });

  test('fuzzy tolerates one line missing from old_str', () => {
    const old = '  let sum = 0;\n  for (const item of items) {\n  }\n  return sum;';
    const outcome = applied(applyEditLadder(SOURCE, old, '  return 0;'));
    assert.equal(outcome.strategy, 'fuzzy');
    assert.ok(outcome.content.startsWith('export function total(items: Item[]): number {\n  return 0;\n}\n'));
  });

  test('fuzzy: a near-miss that resembles two places equally is rejected as ambiguous', () => {
    const twins = ['function a() {', '  const value = load("a");', '  return value;', '}', '', 'function b() {', '  const value = load("b");', '  return value;', '}', ''].join('\n');
    const outcome = applyEditLadder(twins, '  const value = load("c");\n  return value;', '  return load("c");');
    assert.equal(outcome.ok, false);
    assert.equal(!outcome.ok && outcome.reason, 'ambiguous');
    assert.match(!outcome.ok ? outcome.message : '', /lines 2-3 \(similarity 0\.9\d\) and lines 7-8/);
  });

  test('not found: the failure carries the real nearby lines, numbered', () => {
    const outcome = applyEditLadder(SOURCE, '  for (const entry of entries) {\n    total += entry.cost;\n  }', 'x');
    assert.equal(outcome.ok, false);
    assert.equal(!outcome.ok && outcome.reason, 'not_found');
    const nearby = !outcome.ok ? outcome.nearby : '';
    assert.match(nearby, /^3 \| {3}for \(const item of items\) \{$/m);
    assert.match(nearby, /^4 \| {5}sum \+= item\.price \* item\.quantity;$/m);
  });

  test('a one-line snippet is never fuzzy-matched: too easily the wrong line', () => {
    const outcome = applyEditLadder(SOURCE, '  return items.size;', '  return 0;');
    assert.equal(outcome.ok, false);
    assert.match(!outcome.ok ? outcome.message : '', /one-line snippet must match exactly/);
  });

  test('a file is never emptied by an edit, and an empty old_str is refused', () => {
    const whole = applyEditLadder('only line\n', 'only line\n', '');
    assert.equal(!whole.ok && whole.reason, 'would_empty_file');
    const empty = applyEditLadder(SOURCE, '', 'x');
    assert.equal(!empty.ok && empty.reason, 'empty_old');
  });
});
