/**
 * The one way agent text is shortened, for the model and for events alike. `head` keeps the start (a
 * file listing), `middle` keeps the start and the end (command output: the command line and the final
 * error both matter), `line` collapses whitespace first (a search query in a one-line message).
 * Every cut says how much was cut, so neither a model nor a reader mistakes a part for the whole.
 */
export type ShortenMode = 'head' | 'middle' | 'line';

export function shortenText(text: string, maxChars: number, mode: ShortenMode = 'head'): string {
  const source = mode === 'line' ? text.replace(/\s+/g, ' ').trim() : text;
  if (source.length <= maxChars) return source;
  if (mode === 'line') return `${source.slice(0, Math.max(0, maxChars - 3))}...`;
  if (mode === 'head') return `${source.slice(0, maxChars)}\n… (${source.length - maxChars} more characters)`;
  const headChars = Math.floor(maxChars / 3);
  const tailChars = maxChars - headChars;
  const cut = source.slice(headChars, source.length - tailChars);
  return `${source.slice(0, headChars)}${cutMarker(cut.length, countLines(cut))}${source.slice(source.length - tailChars)}`;
}

/** The marker that stands where text was cut out of the middle. */
export function cutMarker(chars: number, lines: number): string {
  return `\n… [${chars.toLocaleString('en-US')} characters${lines > 0 ? ` (${lines.toLocaleString('en-US')} lines)` : ''} cut here; the start and the end are kept] …\n`;
}

function countLines(text: string): number {
  let lines = 0;
  for (let index = text.indexOf('\n'); index >= 0; index = text.indexOf('\n', index + 1)) lines += 1;
  return lines;
}
