import { indentOf, type IndentMapper } from './indentation';
import { lineKey } from './line-similarity';

/** One step of turning old_str's lines into new_str's. */
export type DiffOp = { readonly kind: 'keep'; readonly old: number; readonly new: number } | { readonly kind: 'delete'; readonly old: number } | { readonly kind: 'insert'; readonly new: number };

const MAX_DIFF_CELLS = 4_000_000;

/** Longest-common-subsequence diff on line keys, after trimming the common head and tail (linear there). */
export function diffLines(oldKeys: readonly string[], newKeys: readonly string[]): DiffOp[] {
  let head = 0;
  while (head < oldKeys.length && head < newKeys.length && oldKeys[head] === newKeys[head]) head += 1;
  let tail = 0;
  while (tail < oldKeys.length - head && tail < newKeys.length - head && oldKeys[oldKeys.length - 1 - tail] === newKeys[newKeys.length - 1 - tail]) tail += 1;
  const ops: DiffOp[] = [];
  for (let index = 0; index < head; index += 1) ops.push({ kind: 'keep', old: index, new: index });
  const m = oldKeys.length - head - tail;
  const n = newKeys.length - head - tail;
  if ((m + 1) * (n + 1) > MAX_DIFF_CELLS) {
    for (let index = 0; index < m; index += 1) ops.push({ kind: 'delete', old: head + index });
    for (let index = 0; index < n; index += 1) ops.push({ kind: 'insert', new: head + index });
  } else {
    // lengths[i][j]: LCS of old[head+i..] and new[head+j..]
    const width = n + 1;
    const lengths = new Uint32Array((m + 1) * width);
    for (let i = m - 1; i >= 0; i -= 1) {
      for (let j = n - 1; j >= 0; j -= 1) {
        lengths[i * width + j] = oldKeys[head + i] === newKeys[head + j] ? (lengths[(i + 1) * width + j + 1] ?? 0) + 1 : Math.max(lengths[(i + 1) * width + j] ?? 0, lengths[i * width + j + 1] ?? 0);
      }
    }
    let i = 0;
    let j = 0;
    while (i < m || j < n) {
      if (i < m && j < n && oldKeys[head + i] === newKeys[head + j]) {
        ops.push({ kind: 'keep', old: head + i, new: head + j });
        i += 1;
        j += 1;
      } else if (i < m && (j === n || (lengths[(i + 1) * width + j] ?? 0) >= (lengths[i * width + j + 1] ?? 0))) {
        // Deletions first: lines that replace a deleted line are then written where it was.
        ops.push({ kind: 'delete', old: head + i });
        i += 1;
      } else {
        ops.push({ kind: 'insert', new: head + j });
        j += 1;
      }
    }
  }
  for (let index = tail; index > 0; index -= 1) ops.push({ kind: 'keep', old: oldKeys.length - index, new: newKeys.length - index });
  return ops;
}

export interface RegionMatch {
  /** First file line of the region (0-based). */
  readonly start: number;
  /** One past its last line. */
  readonly end: number;
  /** For each old_str line, the file line it matched, or -1 (a blank line, or a line the file lacks). */
  readonly fileOf: readonly number[];
}

export type RegionEdit = { readonly ok: true; readonly lines: string[] } | { readonly ok: false; readonly message: string };

/**
 * Applies the old_str -> new_str difference to the matched region of the file. Lines new_str keeps are
 * written as the file has them (so a typo or an indentation slip in old_str never reaches the file);
 * file lines old_str did not mention (blank lines the model dropped) stay; new lines take the file's
 * indentation. A line of old_str that the file lacks may be kept by new_str (then it is simply not
 * written) but not changed or deleted: that edit would be a guess, so it is refused.
 */
export function applyToRegion(fileLines: readonly string[], match: RegionMatch, oldLines: readonly string[], newLines: readonly string[], indent: IndentMapper): RegionEdit {
  const ops = diffLines(oldLines.map(lineKey), newLines.map(lineKey));
  const out: string[] = [];
  let cursor = match.start;
  const reindented = (line: string): string => (line.trim() === '' ? '' : indent.map(indentOf(line)) + line.trimStart());
  for (const op of ops) {
    const fileIndex = op.kind === 'insert' ? -1 : (match.fileOf[op.old] ?? -1);
    if (fileIndex >= 0) {
      while (cursor < fileIndex) out.push(fileLines[cursor++] ?? '');
      cursor = fileIndex + 1;
    }
    if (op.kind === 'insert') {
      out.push(reindented(newLines[op.new] ?? ''));
      continue;
    }
    const oldLine = oldLines[op.old] ?? '';
    if (fileIndex < 0) {
      if (oldLine.trim() !== '' && op.kind === 'delete') {
        return { ok: false, message: `line ${op.old + 1} of old_str (\`${oldLine.trim().slice(0, 120)}\`) is not in the file, and new_str changes or removes it` };
      }
      continue; // kept but absent from the file (or a blank line): nothing to write
    }
    if (op.kind === 'delete') continue;
    const fileLine = fileLines[fileIndex] ?? '';
    const newLine = newLines[op.new] ?? '';
    if (newLine === oldLine) out.push(fileLine);
    else if (newLine.trim() === oldLine.trim()) out.push(fileLine.trim() === '' ? '' : indent.map(indentOf(newLine)) + fileLine.trimStart());
    else out.push(reindented(newLine));
  }
  while (cursor < match.end) out.push(fileLines[cursor++] ?? '');
  return { ok: true, lines: out };
}
