/**
 * Edits written as plain text, for models without tool use (small local models) or a model that answers
 * in prose anyway. Two forms are accepted:
 *
 * 1. SEARCH/REPLACE blocks (Aider's format); the path is the last path-like line before the block, and a
 *    later block without one reuses it. An empty SEARCH creates a new file.
 *
 *        src/a.ts
 *        ```ts
 *        <<<<<<< SEARCH
 *        const foo = 1;
 *        =======
 *        const bar = 1;
 *        >>>>>>> REPLACE
 *        ```
 *
 * 2. The original design's whole-file fence: a fence that opens with `lang:path/to/file` and holds the
 *    complete new content of that file.
 *
 *        ```ts:src/a.ts
 *        export const bar = 1;
 *        ```
 */

export type PlainTextEdit =
  | { readonly kind: 'replace'; readonly path: string; readonly search: string; readonly replace: string; readonly index: number }
  | { readonly kind: 'write'; readonly path: string; readonly content: string; readonly index: number };

export interface PlainTextParse {
  readonly edits: readonly PlainTextEdit[];
  /** Blocks that were started but could not be understood, described for the model. */
  readonly problems: readonly string[];
}

const SEARCH_MARK = /^\s*<{5,9}\s*SEARCH\s*$/;
const DIVIDER_MARK = /^\s*={5,9}\s*$/;
const REPLACE_MARK = /^\s*>{5,9}\s*REPLACE\s*$/;
const FENCE = /^\s*(`{3,}|~{3,})\s*(.*)$/;
const FENCE_WITH_PATH = /^([\w+#.-]*):(\S+)$/;

/** A line that names a file: `src/a.ts`, `**src/a.ts**`, `` `src/a.ts` ``, `File: src/a.ts`, `src/a.ts:`. */
function pathFromLine(line: string): string | undefined {
  const cleaned = line
    .trim()
    .replace(/^(#+\s*)?((file|path|filename)\s*:\s*)?/i, '')
    .replace(/^[*`'"]+|[*`'":]+$/g, '')
    .trim();
  if (cleaned.length > 300 || !/^[\w@.\-/]+$/.test(cleaned)) return undefined;
  // A directory separator or a file extension: prose like "Done." is neither.
  return /[\w-]\/[\w.-]/.test(cleaned) || /\.[A-Za-z0-9]{1,10}$/.test(cleaned) ? cleaned : undefined;
}

export function parsePlainTextEdits(text: string): PlainTextParse {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const edits: PlainTextEdit[] = [];
  const problems: string[] = [];
  let lastPath: string | undefined;
  let index = 0;

  while (index < lines.length) {
    const line = lines[index] ?? '';
    const fence = FENCE.exec(line);
    const fenceInfo = fence?.[2]?.trim() ?? '';
    const fenced = fence ? FENCE_WITH_PATH.exec(fenceInfo) : null;
    if (fence && fenced) {
      // A path-labelled fence: the whole new file, unless it wraps SEARCH/REPLACE blocks.
      const marker = fence[1] ?? '```';
      const filePath = fenced[2] ?? '';
      const close = lines.findIndex((candidate, at) => at > index && new RegExp(`^\\s*${marker[0] === '`' ? '`' : '~'}{${marker.length},}\\s*$`).test(candidate));
      if (close < 0) {
        problems.push(`The fence for ${filePath} is never closed, so the file was not written.`);
        break;
      }
      const body = lines.slice(index + 1, close);
      if (body.some((candidate) => SEARCH_MARK.test(candidate))) {
        lastPath = filePath;
        index += 1;
        continue; // the SEARCH/REPLACE blocks inside are read by the loop below; the closing fence is skipped
      }
      edits.push({ kind: 'write', path: filePath, content: body.length === 0 ? '' : `${body.join('\n')}\n`, index: edits.length });
      lastPath = filePath;
      index = close + 1;
      continue;
    }
    if (SEARCH_MARK.test(line)) {
      const divider = lines.findIndex((candidate, at) => at > index && DIVIDER_MARK.test(candidate));
      const end = divider < 0 ? -1 : lines.findIndex((candidate, at) => at > divider && REPLACE_MARK.test(candidate));
      if (divider < 0 || end < 0) {
        problems.push(`A SEARCH block starting at line ${index + 1} of your answer has no ${divider < 0 ? '=======' : '>>>>>>> REPLACE'} line.`);
        break;
      }
      if (lastPath === undefined) {
        problems.push(`The SEARCH block at line ${index + 1} of your answer does not say which file it edits; put the path on the line before it.`);
      } else {
        const search = lines.slice(index + 1, divider).join('\n');
        const replace = lines.slice(divider + 1, end).join('\n');
        edits.push({
          kind: 'replace',
          path: lastPath,
          search: search === '' ? '' : `${search}\n`,
          replace: replace === '' ? '' : `${replace}\n`,
          index: edits.length,
        });
      }
      index = end + 1;
      continue;
    }
    if (!fence) {
      const named = pathFromLine(line);
      if (named !== undefined) lastPath = named;
    }
    index += 1;
  }
  return { edits, problems };
}
