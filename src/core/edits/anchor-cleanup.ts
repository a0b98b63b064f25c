/**
 * What models paste into old_str that the file never had.
 *   - Line-number prefixes, in exactly the forms this product prints: read_file's `12\t` and the edit
 *     errors' `12 | ` (see numberedLines). Stripped only when every non-blank line carries one and the
 *     numbers run consecutively, so a file that really starts lines with numbers is not mangled.
 *   - Elision lines (`...`, `// ... existing code ...`, `# ...`): the model skipped lines. They are never
 *     matched as text.
 */
const READ_PREFIX = /^(\d+)\t/;
const ERROR_PREFIX = /^\s*(\d+) \| ?/;

function stripWith(lines: readonly string[], prefix: RegExp): string[] | undefined {
  let expected: number | undefined;
  const out: string[] = [];
  for (const line of lines) {
    const found = prefix.exec(line);
    if (!found) {
      if (line.trim() !== '') return undefined;
      out.push(line);
      continue;
    }
    const number = Number(found[1]);
    if (expected !== undefined && number !== expected) return undefined;
    expected = number + 1;
    out.push(line.slice(found[0].length));
  }
  return expected === undefined ? undefined : out;
}

/** old_str's lines without line-number prefixes, or undefined when they have none. */
export function stripLineNumbers(lines: readonly string[]): { lines: string[]; prefix: RegExp } | undefined {
  for (const prefix of [READ_PREFIX, ERROR_PREFIX]) {
    const stripped = stripWith(lines, prefix);
    if (stripped) return { lines: stripped, prefix };
  }
  return undefined;
}

/** new_str copied from the same numbered listing: strip the prefix from the lines that carry it. */
export function stripPrefixWhereFound(lines: readonly string[], prefix: RegExp): string[] {
  return lines.map((line) => {
    const found = prefix.exec(line);
    return found ? line.slice(found[0].length) : line;
  });
}

const ELISION = /^\s*(?:(?:\/\/|#|--|;|\/\*|<!--|\{\/\*)\s*)?(?:\.\.\.|…)(?:\s*[\w ,.'()-]*?)?\s*(?:\.\.\.|…)?\s*(?:\*\/|-->|\*\/\})?\s*$/;

export function isElision(line: string): boolean {
  return ELISION.test(line) && !/^\s*\.\.\.[\w$]/.test(line);
}
