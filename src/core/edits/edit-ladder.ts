import { lineSimilarity, normalizeLine, similarityUpperBound } from './line-similarity';

/**
 * Applies one `old_str -> new_str` edit to a file's text, trying in order:
 *   1. exact match (must be unique);
 *   2. whitespace-tolerant match, line by line (indentation, trailing spaces, CRLF); must be unique;
 *   3. anchored fuzzy match: windows that start or end near the first/last line of `old_str`, scored by
 *      per-line similarity, allowing one inserted or missing line; accepted only when exactly one
 *      window reaches the threshold, and the similarity is reported.
 * A failure says why and carries the file's actual lines near the best candidate, numbered, so the model
 * can correct its `old_str`.
 */

export const FUZZY_THRESHOLD = 0.85;
const ANCHOR_THRESHOLD = 0.5;
const MAX_ANCHORS = 60;
const NEARBY_CONTEXT = 3;
const MAX_NEARBY_LINES = 40;

export type EditStrategy = 'exact' | 'whitespace' | 'fuzzy';

export interface EditApplied {
  readonly ok: true;
  readonly content: string;
  readonly strategy: EditStrategy;
  /** 1 for exact and whitespace matches; the window's score for a fuzzy one. */
  readonly similarity: number;
  /** The text that was actually replaced, as it was in the file. */
  readonly matched: string;
  /** 1-based line where the match starts. */
  readonly line: number;
}

export interface EditRejected {
  readonly ok: false;
  readonly reason: 'empty_old' | 'not_found' | 'ambiguous' | 'would_empty_file' | 'no_change';
  readonly message: string;
  /** Numbered lines of the file near the best candidate (empty when there is none). */
  readonly nearby: string;
}

export type EditOutcome = EditApplied | EditRejected;

interface Lines {
  readonly lines: string[];
  readonly eol: string;
  readonly trailingNewline: boolean;
}

function splitLines(text: string): Lines {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const trailingNewline = text.endsWith('\n');
  const body = trailingNewline ? text.replace(/\r?\n$/, '') : text;
  return { lines: body.split(/\r?\n/), eol, trailingNewline };
}

function joinLines(lines: readonly string[], eol: string, trailingNewline: boolean): string {
  return lines.join(eol) + (trailingNewline && lines.length > 0 ? eol : '');
}

function indentation(line: string): string {
  return /^[ \t]*/.exec(line)?.[0] ?? '';
}

function firstNonBlank(lines: readonly string[]): string | undefined {
  return lines.find((line) => line.trim() !== '');
}

/** Shifts `newLines` by the indentation the file has that `oldLines` lacks (or vice versa). */
function reindent(newLines: readonly string[], oldLines: readonly string[], fileLines: readonly string[]): string[] {
  const oldIndent = indentation(firstNonBlank(oldLines) ?? '');
  const fileIndent = indentation(firstNonBlank(fileLines) ?? '');
  if (oldIndent === fileIndent) return [...newLines];
  if (fileIndent.startsWith(oldIndent)) {
    const extra = fileIndent.slice(oldIndent.length);
    return newLines.map((line) => (line.trim() === '' ? line : extra + line));
  }
  if (oldIndent.startsWith(fileIndent)) {
    const surplus = oldIndent.length - fileIndent.length;
    return newLines.map((line) => (indentation(line).length >= surplus ? line.slice(surplus) : line.trimStart()));
  }
  return [...newLines];
}

export function numberedLines(lines: readonly string[], start: number, end: number): string {
  const from = Math.max(0, start);
  const to = Math.min(lines.length, end);
  const width = String(to).length;
  const out: string[] = [];
  for (let index = from; index < to; index += 1) out.push(`${String(index + 1).padStart(width)} | ${lines[index] ?? ''}`);
  return out.join('\n');
}

function nearbyAround(lines: readonly string[], start: number, length: number): string {
  const from = start - NEARBY_CONTEXT;
  const to = Math.min(start + length + NEARBY_CONTEXT, from + MAX_NEARBY_LINES);
  return numberedLines(lines, from, to);
}

function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let index = text.indexOf('\n'); index >= 0 && index < offset; index = text.indexOf('\n', index + 1)) line += 1;
  return line;
}

function occurrences(text: string, search: string): number[] {
  const found: number[] = [];
  for (let index = text.indexOf(search); index >= 0; index = text.indexOf(search, index + 1)) found.push(index);
  return found;
}

function finishEdit(before: string, after: string, outcome: Omit<EditApplied, 'ok' | 'content'>): EditOutcome {
  if (after === before) return { ok: false, reason: 'no_change', message: 'new_str is the same as the text it would replace; nothing changes.', nearby: '' };
  if (after.trim() === '' && before.trim() !== '') {
    return {
      ok: false,
      reason: 'would_empty_file',
      message: 'This edit would leave the file empty; a file is never emptied by an edit. Delete the file instead if that is the intent.',
      nearby: '',
    };
  }
  return { ok: true, content: after, ...outcome };
}

interface Window {
  readonly start: number;
  readonly length: number;
  readonly similarity: number;
}

/**
 * Scores windows at `start` of length L, L+1 (one extra file line) and L-1 (one missing line). A window's
 * similarity is 2 * (sum of matched line similarities) / (lines in old_str + lines in the window), as in
 * difflib's ratio, so an unmatched line costs the same on either side.
 */
function scoreWindows(file: readonly string[], old: readonly string[], start: number): Window[] {
  const L = old.length;
  const sim = (fileIndex: number, oldIndex: number): number => {
    const a = file[fileIndex];
    const b = old[oldIndex];
    if (a === undefined || b === undefined) return 0;
    return similarityUpperBound(a, b) < 0.5 ? 0 : lineSimilarity(a, b);
  };
  const windows: Window[] = [];
  const diagonal = (offset: number, from: number, to: number): number => {
    let sum = 0;
    for (let k = from; k < to; k += 1) sum += sim(start + k + offset, k);
    return sum;
  };
  if (start + L <= file.length) windows.push({ start, length: L, similarity: diagonal(0, 0, L) / L });
  if (L >= 2 && start + L + 1 <= file.length) {
    // The file has one extra line at position j of the window.
    let best = 0;
    for (let j = 1; j < L; j += 1) best = Math.max(best, diagonal(0, 0, j) + diagonal(1, j, L));
    windows.push({ start, length: L + 1, similarity: (2 * best) / (2 * L + 1) });
  }
  if (L >= 3 && start + L - 1 <= file.length) {
    // The file lacks old line j.
    let best = 0;
    for (let j = 1; j < L - 1; j += 1) best = Math.max(best, diagonal(0, 0, j) + diagonal(-1, j + 1, L));
    windows.push({ start, length: L - 1, similarity: (2 * best) / (2 * L - 1) });
  }
  return windows;
}

function anchorStarts(file: readonly string[], old: readonly string[]): number[] {
  const first = old[0] ?? '';
  const last = old[old.length - 1] ?? '';
  const scored: Array<{ start: number; score: number }> = [];
  for (let index = 0; index < file.length; index += 1) {
    const line = file[index] ?? '';
    if (similarityUpperBound(line, first) >= ANCHOR_THRESHOLD) {
      const score = lineSimilarity(line, first);
      if (score >= ANCHOR_THRESHOLD) scored.push({ start: index, score });
    }
    if (similarityUpperBound(line, last) >= ANCHOR_THRESHOLD) {
      const score = lineSimilarity(line, last);
      if (score >= ANCHOR_THRESHOLD) for (const delta of [0, 1, -1]) scored.push({ start: index - (old.length - 1) + delta, score });
    }
  }
  const starts = new Map<number, number>();
  for (const { start, score } of scored) if (start >= 0) starts.set(start, Math.max(starts.get(start) ?? 0, score));
  return [...starts.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, MAX_ANCHORS)
    .map(([start]) => start);
}

function overlaps(a: Window, b: Window): boolean {
  return a.start < b.start + b.length && b.start < a.start + a.length;
}

export function applyEditLadder(content: string, oldStr: string, newStr: string): EditOutcome {
  if (oldStr === '') {
    return { ok: false, reason: 'empty_old', message: 'old_str is empty; quote the exact text to replace (use create_file for a new file).', nearby: '' };
  }
  const fileLines = splitLines(content);

  // 1. Exact.
  const exact = occurrences(content, oldStr);
  if (exact.length === 1) {
    const index = exact[0] ?? 0;
    const after = content.slice(0, index) + newStr + content.slice(index + oldStr.length);
    return finishEdit(content, after, { strategy: 'exact', similarity: 1, matched: oldStr, line: lineOfOffset(content, index) });
  }
  if (exact.length > 1) {
    const lines = exact.slice(0, 5).map((offset) => lineOfOffset(content, offset));
    const first = lines[0] ?? 1;
    return {
      ok: false,
      reason: 'ambiguous',
      message: `old_str occurs ${exact.length} times (lines ${lines.join(', ')}${exact.length > 5 ? ', …' : ''}); include more surrounding lines so it matches once.`,
      nearby: nearbyAround(fileLines.lines, first - 1, oldStr.split('\n').length),
    };
  }

  const oldLines = splitLines(oldStr).lines;
  const newParts = splitLines(newStr);
  const newLines = newStr === '' ? [] : newParts.lines;
  const normalizedFile = fileLines.lines.map(normalizeLine);
  const normalizedOld = oldLines.map(normalizeLine);
  const replaceLines = (start: number, length: number): string => {
    const replaced = fileLines.lines.slice(start, start + length);
    const updated = [...fileLines.lines.slice(0, start), ...reindent(newLines, oldLines, replaced), ...fileLines.lines.slice(start + length)];
    return joinLines(updated, fileLines.eol, fileLines.trailingNewline);
  };

  // 2. Whitespace-tolerant, whole lines.
  const L = normalizedOld.length;
  const whitespaceMatches: number[] = [];
  for (let start = 0; start + L <= normalizedFile.length; start += 1) {
    let same = true;
    for (let k = 0; k < L && same; k += 1) same = normalizedFile[start + k] === normalizedOld[k];
    if (same) whitespaceMatches.push(start);
  }
  if (whitespaceMatches.length === 1) {
    const start = whitespaceMatches[0] ?? 0;
    const matched = fileLines.lines.slice(start, start + L).join('\n');
    return finishEdit(content, replaceLines(start, L), { strategy: 'whitespace', similarity: 1, matched, line: start + 1 });
  }
  if (whitespaceMatches.length > 1) {
    const starts = whitespaceMatches.slice(0, 5).map((start) => start + 1);
    return {
      ok: false,
      reason: 'ambiguous',
      message: `old_str matches ${whitespaceMatches.length} places when whitespace is ignored (lines ${starts.join(', ')}); include more surrounding lines.`,
      nearby: nearbyAround(fileLines.lines, (starts[0] ?? 1) - 1, L),
    };
  }

  // 3. Anchored fuzzy, only for multi-line snippets: a one-line fuzzy match is too easily the wrong line.
  const windows = anchorStarts(normalizedFile, normalizedOld).flatMap((start) => scoreWindows(normalizedFile, normalizedOld, start));
  windows.sort((a, b) => b.similarity - a.similarity || a.start - b.start);
  const best = windows[0];
  const substantive = normalizedOld.filter((line) => line !== '').length >= 2;
  if (best && substantive && best.similarity >= FUZZY_THRESHOLD) {
    const rivals = windows.filter((window) => window.similarity >= FUZZY_THRESHOLD && !overlaps(window, best));
    if (rivals.length > 0) {
      const rival = rivals[0] as Window;
      return {
        ok: false,
        reason: 'ambiguous',
        message: `old_str is not in the file exactly; it resembles lines ${best.start + 1}-${best.start + best.length} (similarity ${best.similarity.toFixed(2)}) and lines ${rival.start + 1}-${rival.start + rival.length} (similarity ${rival.similarity.toFixed(2)}) equally well, so neither was changed. Quote the exact text of the one you mean.`,
        nearby: nearbyAround(fileLines.lines, best.start, best.length),
      };
    }
    const matched = fileLines.lines.slice(best.start, best.start + best.length).join('\n');
    return finishEdit(content, replaceLines(best.start, best.length), {
      strategy: 'fuzzy',
      similarity: Math.round(best.similarity * 1000) / 1000,
      matched,
      line: best.start + 1,
    });
  }

  const hint = best ? ` The closest lines are ${best.start + 1}-${best.start + best.length} (similarity ${best.similarity.toFixed(2)}, below the ${FUZZY_THRESHOLD} needed${substantive ? '' : ' and a one-line snippet must match exactly or ignoring whitespace'}).` : '';
  return {
    ok: false,
    reason: 'not_found',
    message: `old_str was not found in the file.${hint} Copy old_str exactly from the lines below, or read the file again.`,
    nearby: best ? nearbyAround(fileLines.lines, best.start, best.length) : numberedLines(fileLines.lines, 0, Math.min(fileLines.lines.length, 20)),
  };
}
