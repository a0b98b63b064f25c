/**
 * A unified diff of one file, in git's layout, for the model to review its own change. Common leading
 * and trailing lines are trimmed first; the rest is matched by a longest-common-subsequence table when
 * it is small enough (MAX_TABLE_CELLS), otherwise shown as one replaced block. So the worst case is
 * bounded: O(n + m) plus at most MAX_TABLE_CELLS table cells (bench/agent-tools-bench.ts measures it).
 */

export const MAX_TABLE_CELLS = 4_000_000;
const CONTEXT = 3;
const NO_EOL = '\\ No newline at end of file';

type Op = { readonly kind: ' ' | '-' | '+'; readonly text: string; readonly noEol: boolean };

interface FileLines {
  readonly lines: string[];
  /** The last line has no newline after it. */
  readonly noEol: boolean;
}

function splitFile(text: string | null): FileLines {
  if (text === null || text === '') return { lines: [], noEol: false };
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') {
    lines.pop();
    return { lines, noEol: false };
  }
  return { lines, noEol: true };
}

/** Line operations turning `a` into `b`. */
export function diffLines(a: readonly string[], b: readonly string[]): Array<{ kind: ' ' | '-' | '+'; index: number }> {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start += 1;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA -= 1;
    endB -= 1;
  }
  const ops: Array<{ kind: ' ' | '-' | '+'; index: number }> = [];
  for (let index = 0; index < start; index += 1) ops.push({ kind: ' ', index });
  const n = endA - start;
  const m = endB - start;
  if (n > 0 && m > 0 && (n + 1) * (m + 1) <= MAX_TABLE_CELLS) {
    // table[i][j]: LCS length of a[start+i..endA) and b[start+j..endB).
    const width = m + 1;
    const table = new Uint32Array((n + 1) * width);
    for (let i = n - 1; i >= 0; i -= 1) {
      for (let j = m - 1; j >= 0; j -= 1) {
        table[i * width + j] = a[start + i] === b[start + j] ? (table[(i + 1) * width + j + 1] ?? 0) + 1 : Math.max(table[(i + 1) * width + j] ?? 0, table[i * width + j + 1] ?? 0);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n && j < m) {
      if (a[start + i] === b[start + j]) {
        ops.push({ kind: ' ', index: start + i });
        i += 1;
        j += 1;
      } else if ((table[(i + 1) * width + j] ?? 0) >= (table[i * width + j + 1] ?? 0)) ops.push({ kind: '-', index: start + i++ });
      else ops.push({ kind: '+', index: start + j++ });
    }
    while (i < n) ops.push({ kind: '-', index: start + i++ });
    while (j < m) ops.push({ kind: '+', index: start + j++ });
  } else {
    for (let i = start; i < endA; i += 1) ops.push({ kind: '-', index: i });
    for (let j = start; j < endB; j += 1) ops.push({ kind: '+', index: j });
  }
  for (let offset = 0; offset < a.length - endA; offset += 1) ops.push({ kind: ' ', index: endA + offset });
  return ops;
}

/** `--- a/path` / `+++ b/path` and `@@` hunks with three lines of context; '' when nothing differs. */
export function unifiedDiff(path: string, before: string | null, after: string | null): string {
  if (before === after) return '';
  const a = splitFile(before);
  const b = splitFile(after);
  // The final line without a newline differs from the same text with one: compare with a marker.
  const keyA = a.lines.map((line, index) => (a.noEol && index === a.lines.length - 1 ? `${line}\0` : line));
  const keyB = b.lines.map((line, index) => (b.noEol && index === b.lines.length - 1 ? `${line}\0` : line));
  const ops: Op[] = diffLines(keyA, keyB).map(({ kind, index }) => {
    const side = kind === '+' ? b : a;
    return { kind, text: side.lines[index] ?? '', noEol: side.noEol && index === side.lines.length - 1 };
  });
  const header = [`--- ${before === null ? '/dev/null' : `a/${path}`}`, `+++ ${after === null ? '/dev/null' : `b/${path}`}`];
  const out: string[] = [];
  let index = 0;
  while (index < ops.length) {
    while (index < ops.length && ops[index]?.kind === ' ') index += 1;
    if (index >= ops.length) break;
    const hunkStart = Math.max(0, index - CONTEXT);
    let hunkEnd = index;
    // Extend while the next change is within 2 * CONTEXT unchanged lines.
    for (let probe = index; probe < ops.length; probe += 1) {
      if (ops[probe]?.kind !== ' ') hunkEnd = probe;
      else if (probe - hunkEnd > 2 * CONTEXT) break;
    }
    const hunkStop = Math.min(ops.length, hunkEnd + CONTEXT + 1);
    let oldLine = 1;
    let newLine = 1;
    for (const op of ops.slice(0, hunkStart)) {
      if (op.kind !== '+') oldLine += 1;
      if (op.kind !== '-') newLine += 1;
    }
    const hunk = ops.slice(hunkStart, hunkStop);
    const oldCount = hunk.filter((op) => op.kind !== '+').length;
    const newCount = hunk.filter((op) => op.kind !== '-').length;
    out.push(`@@ -${oldCount === 0 ? oldLine - 1 : oldLine},${oldCount} +${newCount === 0 ? newLine - 1 : newLine},${newCount} @@`);
    for (const op of hunk) {
      out.push(`${op.kind}${op.text}`);
      if (op.noEol) out.push(NO_EOL);
    }
    index = hunkStop;
  }
  return [...header, ...out].join('\n');
}
