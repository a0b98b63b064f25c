// What real models get wrong in old_str, as a corpus: every case is applied exactly (the file ends up as
// the model meant, in the file's own style) or refused, and none is ever written to the wrong place.
// The second half mutates regions of a real 3,000-line source file from node_modules the same ways.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { applyEditLadder } from '../../src/core/edits/edit-ladder';

const MODULE = [
  "import { readFile } from 'node:fs/promises';",
  '',
  'export class TaskQueue {',
  '  private readonly pending: Task[] = [];',
  '',
  '  constructor(private readonly limit: number) {}',
  '',
  '  push(task: Task): void {',
  '    if (this.pending.length >= this.limit) {',
  "      throw new Error('queue full');",
  '    }',
  '',
  '    this.pending.push(task);',
  '  }',
  '',
  '  async drain(): Promise<number> {',
  '    let done = 0;',
  '    while (this.pending.length > 0) {',
  '      const task = this.pending.shift();',
  '      if (task) await task.run();',
  '      done += 1;',
  '    }',
  '    return done;',
  '  }',
  '',
  '  describeTasks(): string[] {',
  '    return this.pending.map((task) => task.name);',
  '  }',
  '',
  '  describeRunning(): string[] {',
  '    return this.pending.map((task) => task.name);',
  '  }',
  '}',
  '',
].join('\n');

interface Case {
  readonly name: string;
  readonly file?: string;
  readonly old: string;
  readonly new: string;
  /** The whole file as the model meant it, or the reason it must be refused. */
  readonly expect: string | { refused: string };
}

const GO_FILE = 'package queue\n\nfunc (q *Queue) Push(task Task) error {\n\tif len(q.pending) >= q.limit {\n\t\treturn ErrFull\n\t}\n\tq.pending = append(q.pending, task)\n\treturn nil\n}\n';
const PY_FILE = 'class Queue:\n    def push(self, task):\n        if len(self.pending) >= self.limit:\n            raise QueueFull()\n        self.pending.append(task)\n';
const CRLF_MODULE = MODULE.replace(/\n/g, '\r\n');

const CASES: readonly Case[] = [
  {
    name: 'dropped blank line inside the anchor',
    old: '    if (this.pending.length >= this.limit) {\n      throw new Error(\'queue full\');\n    }\n    this.pending.push(task);',
    new: '    if (this.pending.length >= this.limit) {\n      throw new Error(\'queue full\');\n    }\n    this.pending.push(task);\n    this.onPush?.(task);',
    expect: MODULE.replace('    this.pending.push(task);\n', '    this.pending.push(task);\n    this.onPush?.(task);\n'),
  },
  {
    name: 'blank line added to the anchor',
    old: '  async drain(): Promise<number> {\n\n    let done = 0;',
    new: '  async drain(): Promise<number> {\n\n    let done = 0;\n    const started = Date.now();',
    expect: MODULE.replace('    let done = 0;\n', '    let done = 0;\n    const started = Date.now();\n'),
  },
  {
    name: 'elided middle (`// ...`) is refused, not guessed',
    old: '  async drain(): Promise<number> {\n    // ...\n    return done;\n  }',
    new: '  async drain(): Promise<number> {\n    // ...\n    return done * 2;\n  }',
    expect: { refused: 'not_found' },
  },
  {
    name: 'elided middle (`...`) is refused, not guessed',
    old: '  push(task: Task): void {\n    ...\n    this.pending.push(task);\n  }',
    new: '  push(task: Task): void {\n    ...\n    this.pending.unshift(task);\n  }',
    expect: { refused: 'not_found' },
  },
  {
    name: 'wrong indentation depth: the block quoted flush left, new lines get the file depth',
    old: 'while (this.pending.length > 0) {\n  const task = this.pending.shift();\n  if (task) await task.run();\n  done += 1;\n}',
    new: 'while (this.pending.length > 0) {\n  const task = this.pending.shift();\n  if (!task) break;\n  await task.run();\n  done += 1;\n}',
    expect: MODULE.replace('      if (task) await task.run();\n', '      if (!task) break;\n      await task.run();\n'),
  },
  {
    name: 'indentation width: 4-space quote of a 2-space file',
    old: '    push(task: Task): void {\n        if (this.pending.length >= this.limit) {\n            throw new Error(\'queue full\');\n        }',
    new: '    push(task: Task): void {\n        if (this.pending.length >= this.limit) {\n            this.dropped += 1;\n            throw new Error(\'queue full\');\n        }',
    expect: MODULE.replace("      throw new Error('queue full');\n", "      this.dropped += 1;\n      throw new Error('queue full');\n"),
  },
  {
    name: 'CRLF file, LF quote re-indented: endings stay CRLF',
    file: CRLF_MODULE,
    old: 'let done = 0;\nwhile (this.pending.length > 0) {',
    new: 'let done = 0;\nlet failed = 0;\nwhile (this.pending.length > 0) {',
    expect: CRLF_MODULE.replace('    let done = 0;\r\n', '    let done = 0;\r\n    let failed = 0;\r\n'),
  },
  {
    name: 'tab-indented Go, quoted with spaces: the new line is tab-indented',
    file: GO_FILE,
    old: '    if len(q.pending) >= q.limit {\n        return ErrFull\n    }',
    new: '    if len(q.pending) >= q.limit {\n        q.dropped++\n        return ErrFull\n    }',
    expect: GO_FILE.replace('\t\treturn ErrFull\n', '\t\tq.dropped++\n\t\treturn ErrFull\n'),
  },
  {
    name: 'Python with 4 spaces, quoted with 2',
    file: PY_FILE,
    old: '  def push(self, task):\n    if len(self.pending) >= self.limit:\n      raise QueueFull()',
    new: '  def push(self, task):\n    if len(self.pending) >= self.limit:\n      self.dropped += 1\n      raise QueueFull()',
    expect: PY_FILE.replace('            raise QueueFull()\n', '            self.dropped += 1\n            raise QueueFull()\n'),
  },
  {
    name: 'near-duplicate blocks: the shared body alone is ambiguous',
    old: '    return this.pending.map((task) => task.name);\n  }',
    new: '    return this.pending.map((task) => task.id);\n  }',
    expect: { refused: 'ambiguous' },
  },
  {
    name: 'near-duplicate blocks with a typo: refused, never written to either',
    old: '    return this.pendng.map((task) => task.name);\n  }\n',
    new: '    return this.pending.map((task) => task.id);\n  }\n',
    expect: { refused: 'not_found' },
  },
  {
    name: 'near-duplicate blocks told apart by their first line',
    old: '  describeRunning(): string[] {\n    return this.pending.map((task) => task.name);',
    new: '  describeRunning(): string[] {\n    return this.pending.filter((task) => task.running).map((task) => task.name);',
    expect: MODULE.replace('  describeRunning(): string[] {\n    return this.pending.map((task) => task.name);', '  describeRunning(): string[] {\n    return this.pending.filter((task) => task.running).map((task) => task.name);'),
  },
  {
    name: 'a typo inside a longer anchor is tolerated and never written',
    old: '    while (this.pending.length > 0) {\n      const task = this.pending.shift();\n      if (task) await tsk.run();\n      done += 1;\n    }',
    new: '    while (this.pending.length > 0) {\n      const task = this.pending.shift();\n      if (task) await tsk.run();\n      done += 2;\n    }',
    expect: MODULE.replace('      done += 1;\n', '      done += 2;\n'),
  },
  {
    name: 'a different number is not a typo',
    old: '      done += 2;\n    }\n    return done;',
    new: '      done += 3;\n    }\n    return done;',
    expect: { refused: 'not_found' },
  },
  {
    name: 'a different string literal is not a typo',
    old: '    if (this.pending.length >= this.limit) {\n      throw new Error(\'queue is full\');\n    }',
    new: '    if (this.pending.length >= this.limit) {\n      throw new QueueFull();\n    }',
    expect: { refused: 'not_found' },
  },
  {
    name: 'two lines swapped in the quote: refused',
    old: '      const task = this.pending.shift();\n      done += 1;\n      if (task) await task.run();',
    new: '      const task = this.pending.pop();\n      done += 1;\n      if (task) await task.run();',
    expect: { refused: 'not_found' },
  },
  {
    name: 'invented line kept by new_str is not written',
    old: '    let done = 0;\n    const started = Date.now();\n    while (this.pending.length > 0) {\n      const task = this.pending.shift();',
    new: '    let done = 0;\n    const started = Date.now();\n    while (this.pending.length > 0 && done < this.limit) {\n      const task = this.pending.shift();',
    expect: MODULE.replace('    while (this.pending.length > 0) {\n', '    while (this.pending.length > 0 && done < this.limit) {\n'),
  },
  {
    name: 'line numbers pasted from read_file',
    old: '16\t  async drain(): Promise<number> {\n17\t    let done = 0;',
    new: '16\t  async drain(): Promise<number> {\n17\t    let done = 0; // counted',
    expect: MODULE.replace('    let done = 0;\n', '    let done = 0; // counted\n'),
  },
  {
    name: 'line numbers pasted from an edit error',
    old: '16 |   async drain(): Promise<number> {\n17 |     let done = 0;',
    new: '  async drain(): Promise<number> {\n    let done = 0; // counted',
    expect: MODULE.replace('    let done = 0;\n', '    let done = 0; // counted\n'),
  },
  {
    name: 'trailing spaces and collapsed inner spacing',
    old: '  constructor(private readonly limit: number){}   \n',
    new: '  constructor(private readonly limit: number, private readonly name = "queue") {}\n',
    expect: MODULE.replace('  constructor(private readonly limit: number) {}\n', '  constructor(private readonly limit: number, private readonly name = "queue") {}\n'),
  },
  {
    name: 'missing final newline stays missing',
    file: MODULE.trimEnd(),
    old: '    return this.pending.map((task) => task.name);\n  }\n}',
    new: '    return this.pending.map((task) => task.label);\n  }\n}',
    expect: MODULE.trimEnd().replace(/task\.name\);\n {2}\}\n\}$/, 'task.label);\n  }\n}'),
  },
];

describe('edit corpus: what models get wrong', () => {
  for (const item of CASES) {
    test(item.name, () => {
      const outcome = applyEditLadder(item.file ?? MODULE, item.old, item.new);
      if (typeof item.expect === 'string') {
        assert.ok(outcome.ok, outcome.ok ? '' : `${outcome.reason}: ${outcome.message}`);
        assert.equal(outcome.content, item.expect);
      } else {
        assert.equal(outcome.ok, false, outcome.ok ? `applied (${outcome.strategy}):\n${outcome.content}` : '');
        assert.equal(!outcome.ok && outcome.reason, item.expect.refused, outcome.ok ? '' : outcome.message);
      }
    });
  }
});

// ---- The same mistakes on a real file ----

const REAL = readFileSync(path.resolve(__dirname, '..', '..', 'node_modules', '@anthropic-ai', 'sdk', 'src', 'client.ts'), 'utf8').replace(/\r\n/g, '\n');

/** Deterministic pseudo-random numbers, so a failure can be reproduced. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

type Mutation = (region: string[]) => string[];
const MUTATIONS: Readonly<Record<string, { mutate: Mutation; file?: (text: string) => string }>> = {
  'indented two more spaces': { mutate: (region) => region.map((line) => (line === '' ? line : `  ${line}`)) },
  'blank lines dropped': { mutate: (region) => region.filter((line) => line.trim() !== '') },
  'read_file line numbers': { mutate: (region) => region.map((line, index) => `${index + 1000}\t${line}`) },
  'CRLF file, LF quote': { mutate: (region) => region, file: (text) => text.replace(/\n/g, '\r\n') },
  'tab file, space quote': { mutate: (region) => region, file: (text) => text.replace(/^(?: {2})+/gm, (indent) => '\t'.repeat(indent.length / 2)) },
};

describe('edit corpus on a real 3,000-line file', () => {
  for (const [name, { mutate, file: transform }] of Object.entries(MUTATIONS)) {
    test(`${name}: every edit is applied exactly or refused`, () => {
      const lines = REAL.split('\n');
      const next = random(name.length * 7919);
      const fileText = transform ? transform(REAL) : REAL;
      const fileLines = fileText.split(/\n/);
      let applied = 0;
      const cases = 40;
      for (let round = 0; round < cases; round += 1) {
        const length = 3 + Math.floor(next() * 20);
        const start = Math.floor(next() * (lines.length - length - 1));
        const region = lines.slice(start, start + length);
        const targets = region.map((line, index) => (line.trim() === '' ? -1 : index)).filter((index) => index >= 0);
        if (targets.length < 2) continue;
        const target = targets[Math.floor(next() * targets.length)] ?? 0;
        const changed = region.map((line, index) => (index === target ? `${line} /* edited */` : line));
        const old = mutate(region).join('\n');
        const mutatedNew = mutate(changed).join('\n');
        const expected = [...fileLines];
        expected[start + target] = `${(fileLines[start + target] ?? '').replace(/\r$/, '')} /* edited */${fileLines[start + target]?.endsWith('\r') ? '\r' : ''}`;
        const outcome = applyEditLadder(fileText, old, mutatedNew);
        if (outcome.ok) {
          applied += 1;
          assert.equal(outcome.content, expected.join('\n'), `case ${round} (lines ${start + 1}-${start + length}) was applied differently than meant`);
        } else {
          assert.ok(['ambiguous', 'not_found'].includes(outcome.reason), `${outcome.reason}: ${outcome.message}`);
          // Refused only because the quote is not unique in the file (repeated boilerplate).
          assert.equal(outcome.reason, 'ambiguous', `case ${round} (lines ${start + 1}-${start + length}) refused: ${outcome.message}`);
        }
      }
      assert.ok(applied >= 30, `only ${applied} of the edits applied`);
    });
  }
});
