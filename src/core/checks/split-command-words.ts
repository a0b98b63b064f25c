/** Why a per-repository check command could not be read. */
export class CommandSyntaxError extends Error {
  override readonly name = 'CommandSyntaxError';
}

/**
 * Splits a command line into words the way a POSIX shell would for quoting only: whitespace separates
 * words; '…' is literal; "…" keeps spaces and honours \" \\ \$ \`; a backslash outside quotes escapes the
 * next character. Nothing else is interpreted: no variables, globs, pipes, `&&` or redirections. The words
 * run as argv inside the sandbox; someone who wants a shell writes `bash -c '…'` (still in the sandbox).
 */
export function splitCommandWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: "'" | '"' | undefined;
  for (let index = 0; index < line.length; index += 1) {
    const char = line[index] as string;
    if (quote === "'") {
      if (char === "'") quote = undefined;
      else word += char;
    } else if (quote === '"') {
      if (char === '"') quote = undefined;
      else if (char === '\\' && index + 1 < line.length && '"\\$`'.includes(line[index + 1] as string)) {
        word += line[index + 1];
        index += 1;
      } else word += char;
    } else if (char === "'" || char === '"') {
      quote = char;
      inWord = true;
    } else if (char === '\\') {
      if (index + 1 >= line.length) throw new CommandSyntaxError('the command ends with a lone backslash');
      word += line[index + 1];
      index += 1;
      inWord = true;
    } else if (/\s/.test(char)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += char;
      inWord = true;
    }
  }
  if (quote) throw new CommandSyntaxError(`a ${quote === '"' ? 'double' : 'single'} quote is not closed`);
  if (inWord) words.push(word);
  return words;
}
