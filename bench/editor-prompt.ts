// Worst cases of the editor's TODO/FIXME scan (src/vscode/editor/editor-prompt.ts), which runs on every
// line a code-action request covers: lines at the scan limit full of comment openers and near-miss tags,
// which would show any super-linear backtracking in the pattern.
import { performance } from 'node:perf_hooks';
import { MAX_SCANNED_LINE, findTodo } from '../src/vscode/editor/editor-prompt';
import { median } from './stats';

function timeUs(line: string, rounds: number): number {
  const samples: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const started = performance.now();
    findTodo(line);
    samples.push((performance.now() - started) * 1000);
  }
  return median(samples);
}

export async function benchEditorPrompt(): Promise<Record<string, number | string>> {
  const fit = (unit: string) => unit.repeat(Math.floor(MAX_SCANNED_LINE / unit.length)).slice(0, MAX_SCANNED_LINE);
  const cases: Record<string, string> = {
    'openers only (// // // …)': fit('// '),
    'near-miss tags (// TOD // TOD …)': fit('// TOD '),
    'openers then spaces, no tag': `//${' '.repeat(MAX_SCANNED_LINE - 2)}`,
    'tag with a long comment': `// TODO ${'x'.repeat(MAX_SCANNED_LINE - 8)}`,
    'plain code, no opener': fit('const value = compute(a, b) + 1; '.replace(/;/g, ',')),
  };
  const figures: Record<string, number | string> = { 'line length (chars)': MAX_SCANNED_LINE };
  for (const [label, line] of Object.entries(cases)) figures[`${label} median µs`] = Number(timeUs(line, 201).toFixed(1));
  return figures;
}
