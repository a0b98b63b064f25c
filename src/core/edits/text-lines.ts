/**
 * A file's text as lines plus each line's own terminator, so an edit can keep CRLF, LF, mixed endings and
 * the presence or absence of a final newline exactly as they were. `lines.join('\n')` is the LF form the
 * ladder matches against; `joinText` puts every terminator back.
 */
export interface TextLines {
  readonly lines: string[];
  /** Terminator of each line: '\n', '\r\n', or '' for the last line. */
  readonly eols: string[];
  /** The terminator most lines use: the one given to lines an edit adds. */
  readonly dominantEol: string;
  /** Lines that can be matched: all but the empty phantom after a final newline. */
  readonly realCount: number;
}

export function splitText(text: string): TextLines {
  const lines: string[] = [];
  const eols: string[] = [];
  let crlf = 0;
  let lf = 0;
  let start = 0;
  for (;;) {
    const newline = text.indexOf('\n', start);
    if (newline < 0) {
      lines.push(text.slice(start));
      eols.push('');
      break;
    }
    const cr = newline > start && text.charCodeAt(newline - 1) === 13;
    lines.push(text.slice(start, cr ? newline - 1 : newline));
    eols.push(cr ? '\r\n' : '\n');
    if (cr) crlf += 1;
    else lf += 1;
    start = newline + 1;
  }
  const phantom = lines.length > 1 && lines[lines.length - 1] === '';
  return { lines, eols, dominantEol: crlf > lf ? '\r\n' : '\n', realCount: phantom ? lines.length - 1 : lines.length };
}

export function joinText(text: TextLines): string {
  let out = '';
  for (let index = 0; index < text.lines.length; index += 1) out += (text.lines[index] ?? '') + (text.eols[index] ?? '');
  return out;
}

/** The lines of a snippet (old_str/new_str) in LF form, without the phantom after a final newline. */
export function snippetLines(snippet: string): string[] {
  if (snippet === '') return [];
  const lines = snippet.replace(/\r\n/g, '\n').split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * Replaces lines [start, end) with `replacement`. Replacement lines take the terminators of the lines they
 * replace, in order; the last one keeps the terminator of the last replaced line (so a missing final
 * newline stays missing); extra lines get the file's dominant terminator.
 */
export function replaceLines(text: TextLines, start: number, end: number, replacement: readonly string[]): TextLines {
  const oldEols = text.eols.slice(start, end);
  const lastEol = oldEols[oldEols.length - 1] ?? text.dominantEol;
  const eols = replacement.map((_line, index) => (index === replacement.length - 1 ? lastEol : index < oldEols.length - 1 ? (oldEols[index] ?? text.dominantEol) : text.dominantEol));
  const lines = [...text.lines.slice(0, start), ...replacement, ...text.lines.slice(end)];
  const allEols = [...text.eols.slice(0, start), ...eols, ...text.eols.slice(end)];
  if (replacement.length === 0 && end === text.lines.length && start > 0) allEols[start - 1] = lastEol; // deleted the tail: the new last line ends as the old one did
  const phantom = lines.length > 1 && lines[lines.length - 1] === '' && allEols[allEols.length - 1] === '';
  return { lines, eols: allEols, dominantEol: text.dominantEol, realCount: phantom ? lines.length - 1 : lines.length };
}

/** 0-based line and column of an offset into `lines.join('\n')`. */
export function positionOf(lines: readonly string[], offset: number): { line: number; column: number } {
  let remaining = offset;
  for (let line = 0; line < lines.length; line += 1) {
    const length = (lines[line] ?? '').length;
    if (remaining <= length) return { line, column: remaining };
    remaining -= length + 1;
  }
  return { line: lines.length - 1, column: (lines[lines.length - 1] ?? '').length };
}
