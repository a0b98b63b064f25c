// The command tool's output handling: the cap keeps both ends and says what it cut; live output goes out
// as whole lines (so a token split across chunks is still scrubbed), throttled, bounded per event.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HeadTailOutput, ThrottledLines } from '../../src/core/agent/tools/command-output';
import { shortenText } from '../../src/core/agent/tools/tool-text';

describe('HeadTailOutput', () => {
  test('short output passes through whole', () => {
    const output = new HeadTailOutput(10, 10);
    output.push('hello\n');
    assert.equal(output.text(), 'hello\n');
    assert.equal(output.truncated, false);
  });

  test('long output keeps the first and the last characters, with a marker counting the cut', () => {
    const output = new HeadTailOutput(12, 12);
    const lines = Array.from({ length: 1000 }, (_, index) => `line ${index}`);
    for (const line of lines) output.push(`${line}\n`);
    const text = output.text();
    assert.ok(text.startsWith('line 0\nline \n…'), text);
    assert.ok(text.endsWith('line 999\n'), text);
    assert.match(text, /\n… \[[\d,]+ characters \([\d,]+ lines\) cut here; the start and the end are kept\] …\n/);
    const total = lines.join('\n').length + 1;
    const cut = Number(/\[([\d,]+) characters/.exec(text)?.[1]?.replace(/,/g, ''));
    assert.equal(cut, total - 24, 'exactly what is not shown is counted');
    assert.equal(output.truncated, true);
  });

  test('one huge chunk is cut the same way', () => {
    const output = new HeadTailOutput(5, 5);
    output.push(`HEAD!${'x'.repeat(10_000)}TAIL!`);
    assert.match(output.text(), /^HEAD!\n… \[10,000 characters cut here; the start and the end are kept\] …\nTAIL!$/);
  });
});

describe('ThrottledLines', () => {
  test('sends whole lines only; the partial line waits for its end or the final flush', () => {
    const sent: string[] = [];
    const live = new ThrottledLines((lines) => sent.push(lines), 60_000, 1_000);
    live.push('tok');
    live.push('en-part\nnext li');
    live.flush();
    live.dispose();
    assert.deepEqual(sent, ['token-part\nnext li']);
  });

  test('a chunk per event is bounded, keeping its end', () => {
    const sent: string[] = [];
    const live = new ThrottledLines((lines) => sent.push(lines), 60_000, 10);
    live.push(`${'a'.repeat(30)}END\n`);
    live.flush();
    live.dispose();
    assert.equal(sent.length, 1);
    assert.equal(sent[0], `… ${'a'.repeat(7)}END`);
  });
});

describe('shortenText', () => {
  test('head, middle and one-line modes say what they cut', () => {
    assert.equal(shortenText('abcdef', 10), 'abcdef');
    assert.equal(shortenText('abcdefghij', 4), 'abcd\n… (6 more characters)');
    assert.equal(shortenText('a  b\n c   d e f g', 8, 'line'), 'a b c...');
    assert.match(shortenText(`${'s'.repeat(50)}${'e'.repeat(50)}`, 30, 'middle'), /^s{10}\n… \[70 characters cut here; the start and the end are kept\] …\ne{20}$/);
  });
});
