import type { RegionMatch } from './line-diff';
import { compareTokens, tokenize } from './line-similarity';

/**
 * Finding old_str's lines in the file, in linear time or close to it:
 *   - `findLineSequence`: every place where old_str's lines appear with the same tokens (whitespace and
 *     indentation ignored), optionally ignoring blank lines on both sides. Lines become integer ids and
 *     the search is Knuth-Morris-Pratt, O(file + old_str).
 *   - `fuzzyCandidates`: regions that share distinctive lines with old_str, found by voting on diagonals
 *     (file line - old line) from an index of line ids, then each aligned by a banded dynamic programme
 *     that allows typos of a character or two (see line-similarity), lines missing on either side and
 *     nothing else. Cost O(old_str x occurrences + candidates x old_str x band).
 */

export interface LineIndex {
  readonly ids: Int32Array;
  /** Blank lines (no tokens) get id 0. */
  readonly blank: (index: number) => boolean;
  readonly tokens: (index: number) => readonly string[];
  /** Id of the line's shape: its tokens with every identifier masked. A slip keeps the shape. */
  readonly shape: (index: number) => number;
}

/** A LineIndex of non-blank lines only, with where each id occurs (for voting). */
interface NonBlankIndex extends LineIndex {
  readonly positions: ReadonlyMap<number, readonly number[]>;
}

const WORD = /^[A-Za-z_$][\w$]*$/;

export class LineTable {
  private readonly idOf = new Map<string, number>();

  id(key: string): number {
    if (key === '') return 0;
    let id = this.idOf.get(key);
    if (id === undefined) {
      id = this.idOf.size + 1;
      this.idOf.set(key, id);
    }
    return id;
  }

  index(lines: readonly string[], count = lines.length): LineIndex {
    const ids = new Int32Array(count);
    const tokenCache: Array<readonly string[] | undefined> = new Array(count);
    for (let index = 0; index < count; index += 1) {
      const tokens = tokenize(lines[index] ?? '');
      tokenCache[index] = tokens;
      ids[index] = this.id(tokens.join('\u0001'));
    }
    // Shapes are needed only where the fuzzy tier compares two different lines: computed on first use.
    const shapes = new Int32Array(count);
    const shape = (index: number): number => {
      if (shapes[index] === 0) shapes[index] = this.id(`\u0002${(tokenCache[index] ?? []).map((token) => (WORD.test(token) ? '\u0003' : token)).join('\u0001')}`);
      return shapes[index] ?? 0;
    };
    return { ids, blank: (index) => ids[index] === 0, tokens: (index) => tokenCache[index] ?? [], shape };
  }
}

/** KMP over id sequences; returns start positions in `text` of each occurrence of `pattern`. */
function kmp(text: ArrayLike<number>, pattern: ArrayLike<number>, limit: number): number[] {
  const m = pattern.length;
  const failure = new Int32Array(m);
  for (let i = 1, k = 0; i < m; i += 1) {
    while (k > 0 && pattern[i] !== pattern[k]) k = failure[k - 1] ?? 0;
    if (pattern[i] === pattern[k]) k += 1;
    failure[i] = k;
  }
  const found: number[] = [];
  for (let i = 0, k = 0; i < text.length; i += 1) {
    while (k > 0 && text[i] !== pattern[k]) k = failure[k - 1] ?? 0;
    if (text[i] === pattern[k]) k += 1;
    if (k === m) {
      found.push(i - m + 1);
      if (found.length >= limit) break;
      k = failure[k - 1] ?? 0;
    }
  }
  return found;
}

/**
 * Places where old lines [from, to) appear token for token. With `skipBlank`, blank lines are dropped on
 * both sides first (the model added or dropped blank lines), and mapped back afterwards.
 */
export function findLineSequence(file: LineIndex, old: LineIndex, from: number, to: number, skipBlank: boolean, limit = 6): RegionMatch[] {
  const fileKept: number[] = [];
  const oldKept: number[] = [];
  for (let index = 0; index < file.ids.length; index += 1) if (!skipBlank || !file.blank(index)) fileKept.push(index);
  for (let index = from; index < to; index += 1) if (!skipBlank || !old.blank(index)) oldKept.push(index);
  if (oldKept.length === 0) return [];
  const text = fileKept.map((index) => file.ids[index] ?? 0);
  const pattern = oldKept.map((index) => old.ids[index] ?? 0);
  return kmp(text, pattern, limit).map((at) => {
    const fileOf = new Array<number>(old.ids.length).fill(-1);
    oldKept.forEach((oldIndex, k) => (fileOf[oldIndex] = fileKept[at + k] ?? -1));
    return { start: fileKept[at] ?? 0, end: (fileKept[at + oldKept.length - 1] ?? 0) + 1, fileOf };
  });
}

export interface FuzzyAlignment extends RegionMatch {
  readonly score: number;
  readonly same: number;
  readonly slips: number;
  /** Non-blank old lines with no counterpart in the file. */
  readonly missing: number[];
  /** Non-blank file lines inside the region that old_str does not have. */
  readonly extra: number[];
}

const MAX_OCCURRENCES = 512;
const MAX_CANDIDATES = 8;
const SAME = 10;
const SLIP = 4;
const GAP = -10;
const BLANK_GAP = -1;

/** Candidate starts (file line of old line `from`), best voted first; neighbours of a chosen one are skipped. */
function candidateDiagonals(file: NonBlankIndex, old: NonBlankIndex, from: number, to: number): number[] {
  const votes = new Map<number, number>();
  for (let index = from; index < to; index += 1) {
    const id = old.ids[index] ?? 0;
    if (id === 0) continue;
    const positions = file.positions.get(id);
    if (!positions || positions.length > MAX_OCCURRENCES) continue;
    for (const position of positions) {
      const diagonal = position - (index - from);
      votes.set(diagonal, (votes.get(diagonal) ?? 0) + 1);
    }
  }
  const ranked = [...votes.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const chosen: number[] = [];
  for (const [diagonal] of ranked) {
    if (chosen.some((other) => Math.abs(other - diagonal) <= 1)) continue;
    chosen.push(diagonal);
    if (chosen.length >= MAX_CANDIDATES) break;
  }
  return chosen;
}

/** Banded alignment of old lines [from, to) against the file around `diagonal`. */
function align(file: LineIndex, old: LineIndex, from: number, to: number, diagonal: number, band: number): FuzzyAlignment | undefined {
  const m = to - from;
  const width = 2 * band + 1;
  const n = file.ids.length;
  const fileIds = file.ids;
  const oldIds = old.ids;
  const NEG = -1e9;
  const score = new Float64Array((m + 1) * width).fill(NEG);
  const move = new Int8Array((m + 1) * width); // 1 match, 2 skip old, 3 skip file, 0 start
  const fileAt = (i: number, k: number): number => diagonal + i + k - band;
  // Row 0: the region may start anywhere in the band (skipping file lines first would only cost).
  for (let k = 0; k < width; k += 1) {
    const j = diagonal + k - band;
    if (j >= 0 && j <= n) score[k] = 0;
  }
  for (let i = 1; i <= m; i += 1) {
    const row = i * width;
    const above = row - width;
    const oldId = oldIds[from + i - 1] ?? 0;
    const oldGap = oldId === 0 ? BLANK_GAP : GAP;
    for (let k = 0; k < width; k += 1) {
      const j = diagonal + i + k - band;
      if (j < 0 || j > n) continue;
      let best = NEG;
      let step = 0;
      if (k > 0 && j >= 1) {
        const left = score[row + k - 1] ?? NEG;
        if (left > NEG) {
          best = left + (fileIds[j - 1] === 0 ? BLANK_GAP : GAP);
          step = 3;
        }
      }
      if (k + 1 < width) {
        const up = score[above + k + 1] ?? NEG;
        if (up > NEG && up + oldGap > best) {
          best = up + oldGap;
          step = 2;
        }
      }
      if (j >= 1) {
        const diagonalScore = score[above + k] ?? NEG;
        if (diagonalScore > NEG) {
          const fileId = fileIds[j - 1] ?? 0;
          const gain = fileId === oldId ? (fileId === 0 ? 1 : SAME) : fileId === 0 || oldId === 0 ? 0 : lineGain(file, old, j - 1, from + i - 1);
          if (gain > 0 && diagonalScore + gain > best) {
            best = diagonalScore + gain;
            step = 1;
          }
        }
      }
      score[row + k] = best;
      move[row + k] = step;
    }
  }
  let bestK = -1;
  // Ties go to the end nearest the candidate's own diagonal, so a twin block elsewhere in the band is
  // found by its own candidate rather than twice by this one.
  for (let k = 0; k < width; k += 1) {
    const value = score[m * width + k] ?? NEG;
    const bestValue = bestK < 0 ? NEG : (score[m * width + bestK] ?? NEG);
    if (bestK < 0 || value > bestValue || (value === bestValue && Math.abs(k - band) < Math.abs(bestK - band))) bestK = k;
  }
  if (bestK < 0 || (score[m * width + bestK] ?? NEG) <= NEG) return undefined;
  const fileOf = new Array<number>(old.ids.length).fill(-1);
  const missing: number[] = [];
  const extra: number[] = [];
  let same = 0;
  let slips = 0;
  let i = m;
  let k = bestK;
  while (i > 0 || move[i * width + k] === 3) {
    const step = move[i * width + k];
    const j = fileAt(i, k);
    if (step === 1) {
      const oldIndex = from + i - 1;
      fileOf[oldIndex] = j - 1;
      if (old.ids[oldIndex] === file.ids[j - 1]) same += old.blank(oldIndex) ? 0 : 1;
      else slips += 1;
      i -= 1;
    } else if (step === 2) {
      if (!old.blank(from + i - 1)) missing.push(from + i - 1);
      i -= 1;
      k += 1;
    } else if (step === 3) {
      if (!file.blank(j - 1)) extra.push(j - 1);
      k -= 1;
    } else break;
  }
  // File lines skipped before the first or after the last matched line are outside the region.
  const matchedFiles = fileOf.filter((value) => value >= 0);
  if (matchedFiles.length === 0) return undefined;
  const regionStart = Math.min(...matchedFiles);
  const regionEnd = Math.max(...matchedFiles) + 1;
  return {
    start: regionStart,
    end: regionEnd,
    fileOf,
    score: score[m * width + bestK] ?? 0,
    same,
    slips,
    missing: missing.reverse(),
    extra: extra.filter((line) => line >= regionStart && line < regionEnd).reverse(),
  };
}

function lineGain(file: LineIndex, old: LineIndex, fileIndex: number, oldIndex: number): number {
  const a = file.ids[fileIndex] ?? 0;
  const b = old.ids[oldIndex] ?? 0;
  if (a === b) return a === 0 ? 1 : SAME;
  if (a === 0 || b === 0) return 0;
  const left = file.tokens(fileIndex);
  const right = old.tokens(oldIndex);
  if (left.length === right.length ? file.shape(fileIndex) !== old.shape(oldIndex) : Math.abs(left.length - right.length) > 1) return 0;
  return compareTokens(file.tokens(fileIndex), old.tokens(oldIndex)) === 'slip' ? SLIP : 0;
}

/** The non-blank lines of [from, to) as their own index, with the way back to the original line numbers. */
function nonBlankView(index: LineIndex, from: number, to: number): { view: NonBlankIndex; original: number[] } {
  const original: number[] = [];
  for (let line = from; line < to; line += 1) if (!index.blank(line)) original.push(line);
  const ids = Int32Array.from(original, (line) => index.ids[line] ?? 0);
  const positions = new Map<number, number[]>();
  original.forEach((_line, at) => {
    const id = ids[at] ?? 0;
    const list = positions.get(id);
    if (list) list.push(at);
    else positions.set(id, [at]);
  });
  return { view: { ids, positions, blank: () => false, tokens: (at) => index.tokens(original[at] ?? -1), shape: (at) => index.shape(original[at] ?? -1) }, original };
}

/**
 * Blank lines never count for or against a fuzzy match (models drop and add them freely), so alignment
 * runs on the non-blank lines only and is mapped back; that also keeps the band narrow.
 */
export function fuzzyCandidates(file: LineIndex, old: LineIndex, from: number, to: number): FuzzyAlignment[] {
  const fileView = nonBlankView(file, 0, file.ids.length);
  const oldView = nonBlankView(old, from, to);
  const m = oldView.original.length;
  const band = Math.max(4, Math.min(8, Math.ceil(m / 12)));
  const found: FuzzyAlignment[] = [];
  const seen = new Set<string>();
  for (const diagonal of candidateDiagonals(fileView.view, oldView.view, 0, m)) {
    const alignment = align(fileView.view, oldView.view, 0, m, diagonal, band);
    if (!alignment || seen.has(`${alignment.start}:${alignment.end}`)) continue;
    seen.add(`${alignment.start}:${alignment.end}`);
    const fileOf = new Array<number>(old.ids.length).fill(-1);
    alignment.fileOf.forEach((at, oldAt) => {
      if (at >= 0) fileOf[oldView.original[oldAt] ?? 0] = fileView.original[at] ?? -1;
    });
    found.push({
      ...alignment,
      start: fileView.original[alignment.start] ?? 0,
      end: (fileView.original[alignment.end - 1] ?? 0) + 1,
      fileOf,
      missing: alignment.missing.map((at) => oldView.original[at] ?? 0),
      extra: alignment.extra.map((at) => fileView.original[at] ?? 0),
    });
  }
  return found.sort((a, b) => b.score - a.score || a.start - b.start);
}
