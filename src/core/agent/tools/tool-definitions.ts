import { z } from 'zod';
import type { ToolName } from '../../../protocol/run-events';
import type { ToolSpec } from '../model/model-client';

/**
 * The agent's tools: list, read, search, edit by exact old/new text, create, delete, rename, finish.
 * Deliberately small (the SWE-agent/Claude Code shape). There is no shell tool: a command's output could
 * carry a credential file's content to the model, and the repository's checks run after the agent anyway.
 * Inputs are validated with these schemas, because a streamed tool call can arrive truncated.
 */

const repoPath = z.string().min(1).max(1024).describe('Path relative to the repository root, with forward slashes.');

export const TOOL_INPUTS = {
  list_files: z.object({
    path: z.string().max(1024).optional().describe('A directory or a glob such as src/**/*.{ts,tsx} or test/[ab]*.py; the whole repository when omitted.'),
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
    path: z.string().max(1024).optional().describe('Limit the search to a directory or glob.'),
  }),
  edit_file: z.object({
    path: repoPath,
    old_str: z.string().describe('The exact text to replace, copied from the file with enough lines to be unique.'),
    new_str: z.string().describe('The replacement text.'),
  }),
  create_file: z.object({ path: repoPath, content: z.string() }),
  delete_file: z.object({ path: repoPath }),
  rename_file: z.object({ from: repoPath, to: repoPath }),
  finish: z.object({ summary: z.string().min(1).max(4000).describe('What was changed and why, for the pull request.') }),
} as const;

export type ToolKey = keyof typeof TOOL_INPUTS;

export const TOOL_EVENT_NAMES: Readonly<Record<ToolKey, ToolName>> = {
  list_files: 'List',
  read_file: 'Read',
  search: 'Search',
  edit_file: 'Edit',
  create_file: 'Create',
  delete_file: 'Delete',
  rename_file: 'Rename',
  finish: 'Finish',
};

const DESCRIPTIONS: Readonly<Record<ToolKey, string>> = {
  list_files: 'List repository files (tracked files only; credential files are never shown).',
  read_file:
    'Read a file, or a range of its lines. Each line comes back prefixed with its number and a tab; that prefix is not part of the file.',
  search: 'Search file contents for text or a regular expression; returns path:line: text for each match.',
  edit_file:
    'Replace old_str with new_str in a file. old_str must match the file (exactly, or ignoring whitespace) in exactly one place; include surrounding lines to make it unique. Several edits to a file are several calls.',
  create_file: 'Create a new file with the given content. Fails if the file exists (use edit_file).',
  delete_file: 'Delete a file.',
  rename_file: 'Rename or move a file.',
  finish: 'Call once the change is complete, with a short summary of what changed and why.',
};

export function isToolKey(name: string): name is ToolKey {
  return Object.prototype.hasOwnProperty.call(TOOL_INPUTS, name);
}

function jsonSchemaOf(key: ToolKey): Record<string, unknown> {
  const { $schema: _ignored, ...schema } = z.toJSONSchema(TOOL_INPUTS[key]) as Record<string, unknown>;
  return schema;
}

export const TOOL_SPECS: readonly ToolSpec[] = (Object.keys(TOOL_INPUTS) as ToolKey[]).map((key) => ({
  name: key,
  description: DESCRIPTIONS[key],
  inputSchema: jsonSchemaOf(key),
}));
