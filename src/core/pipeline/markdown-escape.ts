/**
 * Makes hostile text (prompts, model output, file names from a repository) inert in GitHub-flavoured
 * Markdown. Inside code, GitHub renders no HTML, links, images, @mentions or #references, so text goes
 * into code wherever the layout allows; what must stay plain is escaped character by character.
 */

/** The longest run of backticks in `text`. */
function longestBacktickRun(text: string): number {
  let longest = 0;
  for (const match of text.matchAll(/`+/g)) longest = Math.max(longest, match[0].length);
  return longest;
}

/** A fenced block whose fence is longer than any backtick run inside, so the text cannot close it. */
export function codeBlock(text: string): string {
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(text) + 1));
  return `${fence}text\n${text.replace(/\r\n?/g, '\n')}\n${fence}`;
}

/**
 * A code span for one table cell: newlines become spaces, `|` is escaped (GitHub splits table cells on
 * it even inside code), and the backtick fence is longer than any run inside.
 */
export function codeSpan(text: string): string {
  const flat = text.replace(/[\r\n]+/g, ' ').replace(/\|/g, '\\|');
  const fence = '`'.repeat(longestBacktickRun(flat) + 1);
  const padded = flat.startsWith('`') || flat.endsWith('`') ? ` ${flat} ` : flat;
  return `${fence}${padded}${fence}`;
}

/**
 * Plain text that renders as written: Markdown punctuation is backslash-escaped, `<`, `>` and `&` become
 * entities (no HTML, no comments that hide text), and `@` and `#` before a word get a zero-width space
 * so they neither notify anyone nor link an issue.
 */
export function plainText(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    // Parentheses and `!` only act after `[` or `]`, which are escaped; leaving them keeps names readable.
    .replace(/([\\`*_[\]|~])/g, '\\$1')
    .replace(/([@#])(?=[\p{L}\p{N}_-])/gu, '$1\u200b');
}
