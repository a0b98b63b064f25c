// A scripted 40-turn tool conversation of the kind a frontier model has on a real repository: it lists
// and searches, reads many files (several in parallel), fails an edit and re-reads, edits, creates a file,
// and finishes. Used by the 40-turn integration tests and by bench/agent-conversation.ts. Usage figures
// are left to the stand-in, which derives them from each request (llm/prompt-cache.ts).

import type { ScriptedReply, ScriptedToolCall } from '../llm-script';

export const FORTY_TURN_PROMPT = 'Add a NOTES.md describing the error-handling modules, and mark the first source file with a header comment.';
export const TURNS = 40;

export interface FortyTurnPlan {
  readonly script: (request: unknown, index: number) => ScriptedReply;
  /** The file the conversation edits, and its expected new first line. */
  readonly editedPath: string;
  readonly headerLine: string;
}

export function fortyTurnConversation(tree: Readonly<Record<string, string>>): FortyTurnPlan {
  // Files of ordinary size (1-12 KB), as a model reads while exploring; the largest would dominate.
  const sources = Object.keys(tree)
    .filter((file) => /\.(ts|js|cjs|mjs)$/.test(file) && !file.endsWith('.d.ts'))
    .filter((file) => (tree[file]?.length ?? 0) >= 1_000 && (tree[file]?.length ?? 0) <= 12_000)
    .sort();
  if (sources.length < 80) throw new Error(`the tree has only ${sources.length} source files; the conversation reads about 80`);
  const editedPath = sources.find((file) => (tree[file] ?? '').split('\n')[0]!.trim().length > 3) ?? sources[0]!;
  const firstLine = (tree[editedPath] ?? '').split('\n')[0]!;
  const headerLine = '// Reviewed: error handling is documented in NOTES.md.';
  let next = 0;
  const readNext = (count: number): ScriptedToolCall[] => Array.from({ length: count }, () => ({ name: 'read_file', input: { path: sources[next++ % sources.length]! } }));

  const turns: ScriptedReply[] = [];
  turns.push({ kind: 'tool_calls', text: 'Let me look at the layout first.', calls: [{ name: 'list_files', input: {} }] });
  turns.push({ kind: 'tool_calls', calls: [{ name: 'search', input: { query: 'Error' } }, { name: 'search', input: { query: 'throw new' } }] });
  while (turns.length < TURNS - 5) {
    // Mostly parallel reads of two or three files, as models batch independent calls.
    turns.push({ kind: 'tool_calls', calls: readNext(turns.length % 3 === 0 ? 3 : 2) });
  }
  turns.push({ kind: 'tool_calls', calls: [{ name: 'edit_file', input: { path: editedPath, old_str: 'export const NOT_IN_THIS_FILE = 1;', new_str: firstLine } }] });
  turns.push({ kind: 'tool_calls', calls: [{ name: 'read_file', input: { path: editedPath, start_line: 1, end_line: 20 } }] });
  turns.push({ kind: 'tool_calls', calls: [{ name: 'edit_file', input: { path: editedPath, old_str: firstLine, new_str: `${headerLine}\n${firstLine}` } }] });
  turns.push({ kind: 'tool_calls', text: 'Now the notes.', calls: [{ name: 'create_file', input: { path: 'NOTES.md', content: '# Error handling\n\nErrors are raised as typed issues and collected before they are thrown.\n' } }] });
  turns.push({ kind: 'tool_calls', calls: [{ name: 'finish', input: { summary: 'Documented error handling in NOTES.md and marked the first source file.' } }] });
  if (turns.length !== TURNS) throw new Error(`scripted ${turns.length} turns, not ${TURNS}`);
  return {
    script: (_request, index) => turns[index] ?? { kind: 'tool_calls', calls: [{ name: 'finish', input: { summary: 'Done.' } }] },
    editedPath,
    headerLine,
  };
}
