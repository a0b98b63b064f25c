import { z } from 'zod';
import type { ToolName } from '../../../protocol/run-events';
import type { ToolSpec } from '../model/model-client';

/**
 * The agent's tools, in the shape careful engineers expect from Claude Code, Codex or SWE-agent: look
 * around (list, tree, read, search), change (edit, multi-edit, create, overwrite, delete, rename), check
 * (view the staged diff, run a command in the sandbox) and finish with a summary and a PR title.
 * `run_command` is offered only when the run's sandbox is isolated (see `toolSpecsFor`).
 * Inputs are validated with these schemas, because a streamed tool call can arrive truncated.
 */

const repoPath = z.string().min(1).max(1024).describe('Path relative to the repository root, with forward slashes.');
const scope = z.string().max(1024).optional();

const editStep = z.object({
  old_str: z.string().describe('The exact text to replace, copied from the file with enough lines to be unique.'),
  new_str: z.string().describe('The replacement text.'),
  replace_all: z.boolean().optional().describe('Replace every exact occurrence of old_str instead of exactly one.'),
});

export const TOOL_INPUTS = {
  list_files: z.object({ path: scope.describe('A directory or a glob such as src/**/*.{ts,tsx} or test/[ab]*.py; the whole repository when omitted.') }),
  tree: z.object({
    path: scope.describe('The directory to show; the repository root when omitted.'),
    depth: z.number().int().min(1).max(12).optional().describe('How many directory levels to show (default 3).'),
  }),
  read_file: z.object({
    path: repoPath,
    start_line: z.number().int().min(1).optional().describe('First line to read (1-based).'),
    end_line: z.number().int().min(1).optional().describe('Last line to read (inclusive).'),
  }),
  search: z.object({
    query: z.string().min(1).max(500).describe('Text to find, or a regular expression when regex is true.'),
    regex: z.boolean().optional(),
    case_sensitive: z.boolean().optional(),
    path: scope.describe('Limit the search to a directory or glob.'),
    context_lines: z.number().int().min(0).max(10).optional().describe('Lines of context to show before and after each match (default 0).'),
    files_only: z.boolean().optional().describe('List only the paths of matching files, with their match counts.'),
  }),
  edit_file: z.object({ path: repoPath, ...editStep.shape }),
  multi_edit: z.object({
    path: repoPath,
    edits: z.array(editStep).min(1).max(50).describe('Edits applied in order, each to the result of the one before; all apply or none does.'),
  }),
  create_file: z.object({ path: repoPath, content: z.string() }),
  write_file: z.object({ path: repoPath, content: z.string().describe('The complete new content of the file.') }),
  delete_file: z.object({ path: repoPath }),
  rename_file: z.object({ from: repoPath, to: repoPath }),
  view_diff: z.object({ path: scope.describe('Limit the diff to a file, directory or glob.') }),
  run_command: z.object({
    command: z.string().min(1).max(10_000).describe('A bash command line, run with bash -lc in the repository checkout inside the sandbox.'),
    cwd: z.string().max(1024).optional().describe('Directory relative to the repository root to run in (default: the root).'),
    timeout_seconds: z.number().int().min(1).optional().describe('A shorter time limit for this command; the configured limit is the maximum.'),
  }),
  finish: z.object({
    summary: z.string().min(1).max(4000).describe('What was changed and why, for the pull request body; state any interpretation of an ambiguous request.'),
    title: z.string().min(1).max(200).optional().describe('The pull request title: one line, imperative mood, under 72 characters.'),
  }),
} as const;

export type ToolKey = keyof typeof TOOL_INPUTS;
export type ToolInput<K extends ToolKey> = z.infer<(typeof TOOL_INPUTS)[K]>;

export const TOOL_EVENT_NAMES: Readonly<Record<ToolKey, ToolName>> = {
  list_files: 'List',
  tree: 'List',
  read_file: 'Read',
  search: 'Search',
  edit_file: 'Edit',
  multi_edit: 'Edit',
  create_file: 'Create',
  write_file: 'Edit',
  delete_file: 'Delete',
  rename_file: 'Rename',
  view_diff: 'Read',
  run_command: 'Bash',
  finish: 'Finish',
};

/** How staged edits and command side effects relate; the model and the README say the same thing. */
export const COMMAND_WORKTREE_RULE =
  'Before each command your staged edits are written into the sandbox checkout, so the command sees exactly the change that will be committed. Files a command writes or changes (build output, caches, installed packages, a formatter rewriting a file) are never part of the change: the pull request holds only what you changed with the edit tools, and files of yours a command changed are put back after it. To keep a change a command made, make it with the edit tools.';

const DESCRIPTIONS: Readonly<Record<ToolKey, string>> = {
  list_files: 'List repository files (tracked files only; credential files are never shown).',
  tree: 'Show the directory tree (directories with file counts, then files) down to a depth limit.',
  read_file:
    'Read a file, or a range of its lines. Each line comes back prefixed with its number and a tab; that prefix is not part of the file.',
  search:
    'Search file contents for text or a regular expression; returns path:line: text for each match, with context_lines of context, or only the matching files with files_only.',
  edit_file:
    'Replace old_str with new_str in a file. old_str must match the file (exactly, or ignoring whitespace) in exactly one place; include surrounding lines to make it unique. With replace_all, every exact occurrence is replaced. Line endings and the final newline are kept.',
  multi_edit: 'Several edit_file edits to one file in one call, applied in order; if any fails, none is applied.',
  create_file: 'Create a new file with the given content. Fails if the file exists (use edit_file or write_file).',
  write_file:
    'Replace the whole content of a file (or create it). Prefer edit_file for small changes. The file keeps its line endings (CRLF stays CRLF), byte-order mark and final newline.',
  delete_file: 'Delete a file.',
  rename_file: 'Rename or move a file.',
  view_diff: 'Show the staged change as a unified diff against the base commit: review it before you finish.',
  run_command: `Run a command (tests, type checker, linter, a script that reproduces the problem) in the run's isolated sandbox, with no network and no credentials. Output is capped (start and end kept) and streamed to the user. ${COMMAND_WORKTREE_RULE}`,
  finish: 'Call once the change is complete (and checked), with a summary of what changed and why, and optionally a pull request title.',
};

export function isToolKey(name: string): name is ToolKey {
  return Object.prototype.hasOwnProperty.call(TOOL_INPUTS, name);
}

function jsonSchemaOf(key: ToolKey): Record<string, unknown> {
  const { $schema: _ignored, ...schema } = z.toJSONSchema(TOOL_INPUTS[key]) as Record<string, unknown>;
  return schema;
}

const ALL_SPECS: readonly ToolSpec[] = (Object.keys(TOOL_INPUTS) as ToolKey[]).map((key) => ({
  name: key,
  description: DESCRIPTIONS[key],
  inputSchema: jsonSchemaOf(key),
}));

/** The tools offered for one run: the command tool only where the sandbox isolates commands. */
export function toolSpecsFor(options: { readonly commands: boolean }): readonly ToolSpec[] {
  return options.commands ? ALL_SPECS : ALL_SPECS.filter((spec) => spec.name !== 'run_command');
}

/** Every tool but the command tool: what is safe to offer when nothing is known about the sandbox. */
export const TOOL_SPECS: readonly ToolSpec[] = toolSpecsFor({ commands: false });
