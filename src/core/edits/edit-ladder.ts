import { containsRedactionMarker, REDACTED } from '../security/redact';
import { isElision, stripLineNumbers, stripPrefixWhereFound } from './anchor-cleanup';
import { detectIndentStyle, IndentMapper, indentOf, type IndentPair } from './indentation';
import { applyToRegion, type RegionMatch } from './line-diff';
import { findLineSequence, type FuzzyAlignment, fuzzyCandidates, type LineIndex, LineTable } from './line-match';
import { joinText, positionOf, replaceLines, snippetLines, splitText, type TextLines } from './text-lines';

/**
 * Applies one `old_str -> new_str` edit to a file's text, trying in order:
 *   1. exact: old_str occurs once (line endings aside);
 *   2. whitespace: old_str's lines occur once with the same tokens, indentation and spacing aside, then
 *      also with blank lines ignored on both sides (models drop or add them);
 *   3. fuzzy: one region matches every line of old_str but for typos of a character or two in a longer
 *      identifier (`item` for `items`) and lines the file lacks; at least two thirds of the non-blank
 *      lines must match token for token, the first and last must match, and the region may hold no
 *      non-blank line old_str lacks. A different string literal, number or identifier never matches.
 * Before the line tiers, line-number prefixes pasted from read_file or an error message are stripped.
 * Tiers 2 and 3 apply the old_str -> new_str difference to the region rather than pasting new_str: lines
 * new_str keeps are written as the file has them, new lines take the file's indentation style, and a
 * line of old_str the file lacks is never written. Line endings (per line) and the final newline are kept.
 * Every tier is linear or near-linear in the file size (see line-match.ts), so none needs cancelling:
 * bench/edit-ladder.ts measures the worst case.
 * A failure says why and carries the file's actual lines near the best candidate, numbered.
 */

const NEARBY_CONTEXT = 3;
const MAX_NEARBY_LINES = 40;
const MAX_LISTED = 5;

export type EditStrategy = 'exact' | 'whitespace' | 'fuzzy';

export interface EditApplied {
  readonly ok: true;
  readonly content: string;
  readonly strategy: EditStrategy;
  /** 1 for exact and whitespace matches; for a fuzzy one, the share of old_str's lines matched exactly. */
  readonly similarity: number;
  /** The text that was actually replaced, as it was in the file. */
  readonly matched: string;
  /** 1-based line where the match starts. */
  readonly line: number;
}

export interface EditRejected {
  readonly ok: false;
  readonly reason: 'empty_old' | 'not_found' | 'ambiguous' | 'would_empty_file' | 'no_change' | 'redacted_text' | 'unmatched_line';
  readonly message: string;
  /** Numbered lines of the file near the best candidate (empty when there is none). */
  readonly nearby: string;
}

export type EditOutcome = EditApplied | EditRejected;

export function numberedLines(lines: readonly string[], start: number, end: number): string {
  const from = Math.max(0, start);
  const to = Math.min(lines.length, end);
  const width = String(to).length;
  const out: string[] = [];
  for (let index = from; index < to; index += 1) out.push(`${String(index + 1).padStart(width)} | ${lines[index] ?? ''}`);
  return out.join('\n');
}

function nearbyAround(text: TextLines, start: number, length: number): string {
  const from = start - NEARBY_CONTEXT;
  const to = Math.min(start + length + NEARBY_CONTEXT, from + MAX_NEARBY_LINES);
  return numberedLines(text.lines.slice(0, text.realCount), from, to);
}

function rejected(reason: EditRejected['reason'], message: string, nearby = ''): EditRejected {
  return { ok: false, reason, message, nearby };
}

function finishEdit(before: string, after: string, outcome: Omit<EditApplied, 'ok' | 'content'>): EditOutcome {
  if (after === before) return rejected('no_change', 'new_str is the same as the text it would replace; nothing changes.');
  if (after.trim() === '' && before.trim() !== '') {
    return rejected('would_empty_file', 'This edit would leave the file empty; a file is never emptied by an edit. Delete the file instead if that is the intent.');
  }
  return { ok: true, content: after, ...outcome };
}

function occurrences(text: string, search: string, limit: number): number[] {
  const found: number[] = [];
  for (let index = text.indexOf(search); index >= 0 && found.length < limit; index = text.indexOf(search, index + 1)) found.push(index);
  return found;
}

function quote(line: string): string {
  const trimmed = line.trim();
  return `\`${trimmed.length > 100 ? `${trimmed.slice(0, 97)}...` : trimmed}\``;
}

/** Tier 1, on the LF form of the file, so an LF old_str matches a CRLF file and the endings survive. */
function exactTier(content: string, text: TextLines, oldStr: string, newStr: string): EditOutcome | undefined {
  const lf = text.lines.join('\n');
  const old = oldStr.replace(/\r\n/g, '\n');
  const found = occurrences(lf, old, 6);
  if (found.length > 1) {
    const lines = found.slice(0, MAX_LISTED).map((offset) => positionOf(text.lines, offset).line + 1);
    return rejected(
      'ambiguous',
      `old_str occurs ${found.length > MAX_LISTED ? 'more than 5' : found.length} times (lines ${lines.join(', ')}${found.length > MAX_LISTED ? ', …' : ''}); include more surrounding lines so it matches once.`,
      nearbyAround(text, (lines[0] ?? 1) - 1, old.split('\n').length),
    );
  }
  const offset = found[0];
  if (offset === undefined) return undefined;
  const from = positionOf(text.lines, offset);
  const to = positionOf(text.lines, offset + old.length);
  const head = (text.lines[from.line] ?? '').slice(0, from.column);
  const tail = (text.lines[to.line] ?? '').slice(to.column);
  const replacement = `${head}${newStr.replace(/\r\n/g, '\n')}${tail}`.split('\n');
  const after = joinText(replaceLines(text, from.line, to.line + 1, replacement));
  return finishEdit(content, after, { strategy: 'exact', similarity: 1, matched: oldStr, line: from.line + 1 });
}

function applyRegion(content: string, text: TextLines, match: RegionMatch, oldLines: readonly string[], newLines: readonly string[], strategy: EditStrategy, similarity: number): EditOutcome {
  const pairs: IndentPair[] = [];
  match.fileOf.forEach((fileIndex, oldIndex) => {
    const oldLine = oldLines[oldIndex] ?? '';
    if (fileIndex >= 0 && oldLine.trim() !== '') pairs.push({ snippet: indentOf(oldLine), file: indentOf(text.lines[fileIndex] ?? '') });
  });
  const fileStyle = detectIndentStyle(text.lines.slice(0, text.realCount));
  const mapper = new IndentMapper(pairs, [...oldLines, ...newLines], fileStyle);
  const edit = applyToRegion(text.lines, match, oldLines, newLines, mapper);
  const matched = text.lines.slice(match.start, match.end).join('\n');
  if (!edit.ok) {
    return rejected('unmatched_line', `old_str resembles lines ${match.start + 1}-${match.end} of the file, but ${edit.message}. Read those lines again and quote them as they are.`, nearbyAround(text, match.start, match.end - match.start));
  }
  const after = joinText(replaceLines(text, match.start, match.end, edit.lines));
  return finishEdit(content, after, { strategy, similarity, matched, line: match.start + 1 });
}

/**
 * A line of old_str the region lacks but the file has close by was moved, not invented: the model's
 * picture of the order is wrong, so the edit is not applied.
 */
function misplaced(candidate: FuzzyAlignment, file: LineIndex, old: LineIndex): boolean {
  if (candidate.missing.length === 0) return false;
  const reach = candidate.end - candidate.start + 2;
  const missing = new Set(candidate.missing.map((index) => old.ids[index] ?? 0));
  for (let line = Math.max(0, candidate.start - reach); line < Math.min(file.ids.length, candidate.end + reach); line += 1) if (missing.has(file.ids[line] ?? 0)) return true;
  return false;
}

function acceptable(candidate: FuzzyAlignment, file: LineIndex, old: LineIndex, from: number, to: number, nonBlank: number): boolean {
  return (
    !misplaced(candidate, file, old) &&
    candidate.extra.length === 0 &&
    (candidate.fileOf[from] ?? -1) >= 0 &&
    (candidate.fileOf[to - 1] ?? -1) >= 0 &&
    candidate.same >= 2 &&
    3 * candidate.same >= 2 * nonBlank &&
    !old.blank(from)
  );
}

function explainMiss(candidate: FuzzyAlignment, text: TextLines, oldLines: readonly string[], from: number, to: number): string {
  const reasons: string[] = [];
  if (candidate.missing.length > 0) reasons.push(`old_str's ${candidate.missing.slice(0, 3).map((index) => quote(oldLines[index] ?? '')).join(', ')} ${candidate.missing.length === 1 ? 'is' : 'are'} not there`);
  if (candidate.extra.length > 0) reasons.push(`the file has ${candidate.extra.slice(0, 3).map((index) => `line ${index + 1} ${quote(text.lines[index] ?? '')}`).join(', ')} where old_str has nothing or something else`);
  if ((candidate.fileOf[from] ?? -1) < 0 || (candidate.fileOf[to - 1] ?? -1) < 0) reasons.push("old_str's first or last line does not match");
  return reasons.length > 0 ? ` The closest lines are ${candidate.start + 1}-${candidate.end}, but ${reasons.join('; ')}.` : ` The closest lines are ${candidate.start + 1}-${candidate.end}.`;
}

export function applyEditLadder(content: string, oldStr: string, newStr: string): EditOutcome {
  if (oldStr === '') return rejected('empty_old', 'old_str is empty; quote the exact text to replace (use create_file for a new file).');
  if ((containsRedactionMarker(oldStr) || containsRedactionMarker(newStr)) && !containsRedactionMarker(content)) {
    return rejected(
      'redacted_text',
      `${containsRedactionMarker(oldStr) ? 'old_str' : 'new_str'} contains ${REDACTED}, the marker that replaces secrets in what you are shown; the file has other text there. Read the file again and choose an old_str and new_str that leave the redacted part out (edit the lines around it).`,
    );
  }
  const text = splitText(content);
  const exact = exactTier(content, text, oldStr, newStr);
  if (exact) return exact;

  let oldLines = snippetLines(oldStr);
  let newLines = snippetLines(newStr);
  const numbered = stripLineNumbers(oldLines);
  if (numbered) {
    oldLines = numbered.lines;
    newLines = stripPrefixWhereFound(newLines, numbered.prefix);
  }
  let from = 0;
  let to = oldLines.length;
  while (from < to && (oldLines[from] ?? '').trim() === '') from += 1;
  while (to > from && (oldLines[to - 1] ?? '').trim() === '') to -= 1;
  if (from === to) return rejected('not_found', 'old_str was not found in the file; it holds only blank lines. Quote the lines to change.', numberedLines(text.lines, 0, 20));

  const table = new LineTable();
  const file = table.index(text.lines, text.realCount);
  const old = table.index(oldLines);
  const span = to - from;

  // 2. Same tokens, line for line; then with blank lines ignored on both sides.
  for (const skipBlank of [false, true]) {
    const matches = findLineSequence(file, old, from, to, skipBlank);
    if (matches.length === 1) return applyRegion(content, text, matches[0] as RegionMatch, oldLines, newLines, 'whitespace', 1);
    if (matches.length > 1) {
      const starts = matches.slice(0, MAX_LISTED).map((match) => match.start + 1);
      return rejected(
        'ambiguous',
        `old_str matches ${matches.length > MAX_LISTED ? 'more than 5' : matches.length} places when whitespace${skipBlank ? ' and blank lines are' : ' is'} ignored (lines ${starts.join(', ')}); include more surrounding lines so it matches once.`,
        nearbyAround(text, (starts[0] ?? 1) - 1, span),
      );
    }
  }

  // 3. Fuzzy, for snippets of two or more non-blank lines: a one-line near miss is too easily the wrong line.
  let nonBlank = 0;
  for (let index = from; index < to; index += 1) if (!old.blank(index)) nonBlank += 1;
  const elided = oldLines.slice(from, to).some(isElision);
  const candidates = nonBlank >= 2 ? fuzzyCandidates(file, old, from, to) : [];
  const accepted = candidates.filter((candidate) => acceptable(candidate, file, old, from, to, nonBlank));
  const best = accepted[0];
  if (best && !elided) {
    const rival = accepted.find((candidate) => candidate !== best && (candidate.end <= best.start || candidate.start >= best.end));
    if (rival) {
      return rejected(
        'ambiguous',
        `old_str is not in the file exactly; it resembles lines ${best.start + 1}-${best.end} and lines ${rival.start + 1}-${rival.end} alike, so neither was changed. Quote the exact text of the one you mean, with a line that tells them apart.`,
        nearbyAround(text, best.start, best.end - best.start),
      );
    }
    return applyRegion(content, text, best, oldLines, newLines, 'fuzzy', Math.round((best.same / nonBlank) * 1000) / 1000);
  }

  const closest = candidates[0];
  const hint = closest ? explainMiss(closest, text, oldLines, from, to) : '';
  const why = elided
    ? ' old_str skips lines with an elision (`...`); edits need every line quoted as it is. Quote the lines in full, or make a smaller edit around the part that changes.'
    : nonBlank < 2 && closest === undefined
      ? ' A one-line old_str must match exactly or ignoring whitespace.'
      : '';
  return rejected(
    'not_found',
    `old_str was not found in the file.${why}${hint} Copy old_str exactly from the lines below (without line numbers), or read the file again.`,
    closest ? nearbyAround(text, closest.start, closest.end - closest.start) : numberedLines(text.lines.slice(0, text.realCount), 0, 20),
  );
}
