// Pure: finds TODO/FIXME comments and turns an editor location into a prompt draft. No `vscode` import,
// so it is unit-tested (test/unit/vscode-editor-prompt.test.ts) and benchmarked (bench/editor-prompt.ts).

/** Lines longer than this are minified or generated code: never scanned for a TODO. */
export const MAX_SCANNED_LINE = 2_000;
/** How much of a selection goes into the draft (the agent reads the file itself; this is orientation). */
export const MAX_SELECTION_EXCERPT = 2_000;

export interface TodoComment {
  readonly tag: 'TODO' | 'FIXME';
  /** The comment's text after the tag, trimmed; may be empty. */
  readonly text: string;
}

// A comment opener, then the tag as a whole word. Linear: no nested quantifiers, one bounded line.
const TODO_PATTERN = /(?:\/\/|#|\/\*|<!--|--|;|\*)\s*(TODO|FIXME)\b(.*)$/i;

export function findTodo(line: string): TodoComment | undefined {
  if (line.length > MAX_SCANNED_LINE) return undefined;
  const match = TODO_PATTERN.exec(line);
  if (!match) return undefined;
  const tag = (match[1] ?? '').toUpperCase() === 'FIXME' ? 'FIXME' : 'TODO';
  const text = (match[2] ?? '')
    .replace(/^\s*(?:\([^)]{0,80}\))?\s*[:\-–]?\s*/, '')
    .replace(/\s*(?:\*\/|-->)\s*$/, '')
    .trim();
  return { tag, text };
}

export interface EditorLocation {
  /** Path relative to the repository (or workspace) root, with forward slashes. */
  readonly path: string;
  /** 1-based, inclusive. */
  readonly startLine: number;
  readonly endLine: number;
}

export function todoPrompt(location: EditorLocation, todo: TodoComment): string {
  const what = todo.text !== '' ? `: ${todo.text}` : '';
  return `In ${location.path} line ${location.startLine}, resolve the ${todo.tag} comment${what}\nThen remove the ${todo.tag} comment.`;
}

export function selectionPrompt(location: EditorLocation, selectedText: string): string {
  const lines = location.startLine === location.endLine ? `line ${location.startLine}` : `lines ${location.startLine}-${location.endLine}`;
  const excerpt = selectedText.length > MAX_SELECTION_EXCERPT ? `${selectedText.slice(0, MAX_SELECTION_EXCERPT)}\n…` : selectedText;
  const fence = excerpt.includes('```') ? '~~~~' : '```';
  return `In ${location.path} ${lines}:\n${fence}\n${excerpt}\n${fence}\n\nChange this code so that `;
}
