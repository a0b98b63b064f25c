import type { z } from 'zod';
import { SecretFileGuard } from '../../context/secret-file-guard';
import { SECRET_FILE_REFUSAL } from '../../context/secret-files';
import { isBinaryPath } from '../../context/rank-files';
import { applyEditLadder } from '../../edits/edit-ladder';
import { isTinyBackspaceError } from '../../errors/tiny-backspace-error';
import { redactSecrets } from '../../security/redact';
import { normalizeRepoPath, resolveWriteTarget, writablePath } from '../../workspace/path-guard';
import type { AgentContext } from '../agent';
import { toolEvent } from '../agent-events';
import type { ToolCall, ToolResult, ToolSpec } from '../model/model-client';
import { filesInScope, isGlob } from '../../workspace/glob';
import { isToolKey, TOOL_EVENT_NAMES, TOOL_INPUTS, TOOL_SPECS, type ToolKey } from './tool-definitions';

const READ_LINE_LIMIT = 400;
const READ_CHAR_LIMIT = 60_000;
const SEARCH_MATCH_LIMIT = 60;
const SEARCH_FILE_BYTES = 1024 * 1024;
const LIST_LIMIT = 300;

export interface ToolOutcome {
  readonly result: ToolResult;
  /** The input could not be used (invalid JSON, wrong shape, unknown tool): counts toward re-asking. */
  readonly malformed: boolean;
  /** The workspace changed. */
  readonly mutated: boolean;
  /** Set by `finish`. */
  readonly finishedWith?: string;
  /** The pull-request title given with `finish`, if any. */
  readonly finishedTitle?: string;
}

/** A refusal or failure the model should see and correct; never a crash of the run. */
class ToolRefusal extends Error {}

function ok(call: ToolCall, content: string, extra: Partial<ToolOutcome> = {}): ToolOutcome {
  return { result: { callId: call.id, content, isError: false }, malformed: false, mutated: false, ...extra };
}

function failed(call: ToolCall, content: string, malformed = false): ToolOutcome {
  return { result: { callId: call.id, content: `Error: ${content}`, isError: true }, malformed, mutated: false };
}

/**
 * Runs the model's tool calls against the workspace. Reads see staged edits; writes are staged in the
 * change set and reach disk only in the apply step. Every write is checked first against the path guard
 * (no `..`, absolute paths or NUL; .git, .github/, .husky/, .devcontainer/ and .vscode/ protected; no write through a symlink), so
 * the model hears at once about a refused path. Credential files are neither read, searched nor written.
 */
export class WorkspaceTools {
  /** Credential files by name and by where symlinks lead (issue 11). */
  private readonly secretFiles: SecretFileGuard;

  constructor(
    private readonly context: AgentContext,
    /** Key and token values to scrub from anything sent back to the model. */
    private readonly knownSecrets: readonly string[] = [],
  ) {
    this.secretFiles = new SecretFileGuard(context.workspace.root, context.signal);
  }

  /** The tools offered to the model in this run. */
  get specs(): readonly ToolSpec[] {
    return TOOL_SPECS;
  }

  async execute(call: ToolCall): Promise<ToolOutcome> {
    if (!isToolKey(call.name)) return failed(call, `unknown tool "${call.name}". Use one of: ${Object.keys(TOOL_INPUTS).join(', ')}.`, true);
    if (call.malformedJson !== undefined) {
      return failed(call, `the arguments of ${call.name} were not valid JSON (${describeRaw(call.malformedJson)}). Send the call again with a complete JSON object.`, true);
    }
    const parsed = TOOL_INPUTS[call.name].safeParse(call.input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return failed(call, `invalid arguments for ${call.name}: ${issue ? `${issue.path.join('.') || 'input'}: ${issue.message}` : 'wrong shape'}. Send the call again.`, true);
    }
    try {
      return await this.run(call, call.name, parsed.data);
    } catch (error) {
      if (isTinyBackspaceError(error) && error.code === 'cancelled') throw error;
      if (error instanceof ToolRefusal || isTinyBackspaceError(error) || isFileSystemError(error)) {
        const message = isFileSystemError(error) ? `${error.code}: the file could not be read` : error.message;
        toolEvent(this.context, { tool: TOOL_EVENT_NAMES[call.name], message: `Tool: ${TOOL_EVENT_NAMES[call.name]} refused: ${message}`, ...pathField(call.input), output: message });
        return failed(call, message);
      }
      throw error;
    }
  }

  private async run(call: ToolCall, key: ToolKey, input: unknown): Promise<ToolOutcome> {
    switch (key) {
      case 'list_files':
        return this.list(call, input as z.infer<(typeof TOOL_INPUTS)['list_files']>);
      case 'read_file':
        return this.read(call, input as z.infer<(typeof TOOL_INPUTS)['read_file']>);
      case 'search':
        return this.search(call, input as z.infer<(typeof TOOL_INPUTS)['search']>);
      case 'edit_file':
        return this.edit(call, input as z.infer<(typeof TOOL_INPUTS)['edit_file']>);
      case 'create_file':
        return this.create(call, input as z.infer<(typeof TOOL_INPUTS)['create_file']>);
      case 'delete_file':
        return this.remove(call, input as z.infer<(typeof TOOL_INPUTS)['delete_file']>);
      case 'rename_file':
        return this.rename(call, input as z.infer<(typeof TOOL_INPUTS)['rename_file']>);
      case 'finish': {
        const { summary } = input as z.infer<(typeof TOOL_INPUTS)['finish']>;
        toolEvent(this.context, { tool: 'Finish', message: 'Tool: Finish', output: summary });
        return ok(call, 'Finished.', { finishedWith: summary });
      }
    }
  }

  /** Files the agent may see: tracked files minus credential files. */
  private async visibleFiles(scope?: string): Promise<string[]> {
    const files = await this.secretFiles.visible(this.context.workspace.files());
    return scope && scope.trim() !== '' && scope.trim() !== '.' ? filesInScope(files, scope.trim()) : files;
  }

  private async list(call: ToolCall, input: { path?: string | undefined }): Promise<ToolOutcome> {
    const files = await this.visibleFiles(input.path);
    toolEvent(this.context, { tool: 'List', message: `Tool: List ${input.path ?? '.'}`, ...(input.path ? { filepath: input.path } : {}), output: `${files.length} file(s)` });
    if (files.length <= LIST_LIMIT) return ok(call, files.length === 0 ? 'No files match.' : files.join('\n'));
    // Too many to list: directories one level below the scope, with counts, then the first files.
    const prefix = input.path && !isGlob(input.path) ? `${input.path.replace(/^\.\/|\/+$/g, '')}/` : '';
    const groups = new Map<string, number>();
    for (const file of files) {
      const rest = file.slice(prefix.length);
      const slash = rest.indexOf('/');
      const group = slash < 0 ? rest : `${prefix}${rest.slice(0, slash)}/`;
      groups.set(group, (groups.get(group) ?? 0) + 1);
    }
    const lines = [...groups.entries()].slice(0, LIST_LIMIT).map(([group, count]) => (group.endsWith('/') ? `${group} (${count} files)` : `${prefix}${group}`));
    return ok(call, `${files.length} files; grouped by directory (list a directory to see its files):\n${lines.join('\n')}`);
  }

  private async readablePath(raw: string): Promise<string> {
    const normalized = normalizeRepoPath(raw);
    if (await this.secretFiles.isSecret(normalized)) throw new ToolRefusal(`${normalized}: ${SECRET_FILE_REFUSAL}.`);
    return normalized;
  }

  /**
   * Only tracked (or newly staged) files are read or edited: that honours .gitignore even for files a
   * sandboxed check generated in the work tree (build output, node_modules, caches).
   */
  private requireTracked(filePath: string): void {
    if (!this.context.workspace.files().includes(filePath)) {
      throw new ToolRefusal(`${filePath} is not a file of the repository (it does not exist, or it is ignored by .gitignore or generated). Use list_files or search to find the right path.`);
    }
  }

  private async read(call: ToolCall, input: { path: string; start_line?: number | undefined; end_line?: number | undefined }): Promise<ToolOutcome> {
    const filePath = await this.readablePath(input.path);
    this.requireTracked(filePath);
    const content = await this.context.workspace.read(filePath);
    if (content === null) throw new ToolRefusal(`${filePath} does not exist. Use list_files or search to find the right path.`);
    if (content.includes('\0')) throw new ToolRefusal(`${filePath} is a binary file.`);
    const lines = content.split('\n');
    if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
    const start = Math.min(Math.max(1, input.start_line ?? 1), Math.max(1, lines.length));
    let end = Math.min(lines.length, input.end_line ?? start + READ_LINE_LIMIT - 1, start + READ_LINE_LIMIT - 1);
    let body = '';
    for (let line = start; line <= end; line += 1) {
      const next = `${line}\t${lines[line - 1] ?? ''}\n`;
      if (body.length + next.length > READ_CHAR_LIMIT) {
        end = line - 1;
        break;
      }
      body += next;
    }
    const more = end < lines.length ? `\n(${filePath} has ${lines.length} lines; showing ${start}-${end}. Read further with start_line.)` : '';
    toolEvent(this.context, { tool: 'Read', message: `Tool: Read ${filePath}`, filepath: filePath, output: `lines ${start}-${end} of ${lines.length}` });
    return ok(call, this.scrub(body === '' ? '(empty file)' : body + more));
  }

  private async search(call: ToolCall, input: { query: string; regex?: boolean | undefined; case_sensitive?: boolean | undefined; path?: string | undefined }): Promise<ToolOutcome> {
    let matcher: (line: string) => boolean;
    if (input.regex) {
      let pattern: RegExp;
      try {
        pattern = new RegExp(input.query, input.case_sensitive ? '' : 'i');
      } catch (error) {
        throw new ToolRefusal(`invalid regular expression: ${(error as Error).message}`);
      }
      matcher = (line) => pattern.test(line);
    } else if (input.case_sensitive) matcher = (line) => line.includes(input.query);
    else {
      const needle = input.query.toLowerCase();
      matcher = (line) => line.toLowerCase().includes(needle);
    }
    const matches: string[] = [];
    let total = 0;
    for (const file of await this.visibleFiles(input.path)) {
      if (this.context.signal.aborted || isBinaryPath(file)) continue;
      const content = await this.context.workspace.read(file).catch(() => null);
      if (content === null || content.length > SEARCH_FILE_BYTES || content.includes('\0')) continue;
      const lines = content.split('\n');
      for (let index = 0; index < lines.length; index += 1) {
        const line = lines[index] ?? '';
        // Very long lines (minified code) are skipped: they are noise, and slow for a regex.
        if (line.length > 2_000 || !matcher(line)) continue;
        total += 1;
        if (matches.length < SEARCH_MATCH_LIMIT) matches.push(`${file}:${index + 1}: ${line.trim().slice(0, 200)}`);
      }
    }
    toolEvent(this.context, {
      tool: 'Search',
      message: `Tool: Search "${input.query.length > 60 ? `${input.query.slice(0, 57)}...` : input.query}"`,
      query: input.query,
      ...(input.path ? { filepath: input.path } : {}),
      output: `${total} match(es)`,
    });
    if (total === 0) return ok(call, 'No matches.');
    const more = total > matches.length ? `\n(${total - matches.length} more matches; narrow the search with path or a more specific query.)` : '';
    return ok(call, this.scrub(matches.join('\n') + more));
  }

  /** The write checks, before anything is staged: path rules, credential files, and symlinks on disk. */
  private async writableTarget(raw: string): Promise<string> {
    const normalized = writablePath(raw);
    await resolveWriteTarget(this.context.workspace.root, normalized);
    if (await this.secretFiles.isSecret(normalized)) throw new ToolRefusal(`${normalized}: ${SECRET_FILE_REFUSAL}.`);
    return normalized;
  }

  private async edit(call: ToolCall, input: { path: string; old_str: string; new_str: string }): Promise<ToolOutcome> {
    const filePath = await this.writableTarget(input.path);
    const current = this.context.workspace.files().includes(filePath) ? await this.context.workspace.read(filePath) : null;
    if (current === null) throw new ToolRefusal(`${filePath} is not a file of the repository; use create_file for a new file.`);
    const outcome = applyEditLadder(current, input.old_str, input.new_str);
    if (!outcome.ok) {
      toolEvent(this.context, {
        tool: 'Edit',
        message: `Tool: Edit ${filePath} failed (${outcome.reason.replace(/_/g, ' ')})`,
        filepath: filePath,
        old_str: input.old_str,
        new_str: input.new_str,
        output: outcome.message,
      });
      const nearby = outcome.nearby === '' ? '' : `\nThe file's actual lines near there:\n${outcome.nearby}`;
      return failed(call, this.scrub(`edit of ${filePath} not applied: ${outcome.message}${nearby}`));
    }
    await this.context.workspace.changes.write(filePath, outcome.content);
    const how = outcome.strategy === 'exact' ? 'exact match' : outcome.strategy === 'whitespace' ? 'matched ignoring whitespace' : `fuzzy match, similarity ${outcome.similarity.toFixed(2)}`;
    toolEvent(this.context, {
      tool: 'Edit',
      message: `Tool: Edit ${filePath}${outcome.strategy === 'exact' ? '' : ` (${how})`}`,
      filepath: filePath,
      old_str: outcome.matched,
      new_str: input.new_str,
    });
    const note = outcome.strategy === 'exact' ? '' : ` The file's text differed from old_str; this is what was replaced:\n${outcome.matched}`;
    return ok(call, this.scrub(`Edited ${filePath} at line ${outcome.line} (${how}).${note}`), { mutated: true });
  }

  /** A plain-text answer's whole-file fence: replaces (or creates) a file, never emptying one. */
  async writeWholeFile(call: ToolCall, rawPath: string, content: string): Promise<ToolOutcome> {
    try {
      const filePath = await this.writableTarget(rawPath);
      const current = await this.context.workspace.read(filePath);
      if (current === null) return await this.create(call, { path: filePath, content });
      if (content.trim() === '' && current.trim() !== '') throw new ToolRefusal(`the block for ${filePath} is empty; a file is never emptied. Delete it instead if that is the intent.`);
      if (content === current) return ok(call, `${filePath} is unchanged.`);
      await this.context.workspace.changes.write(filePath, content);
      toolEvent(this.context, { tool: 'Edit', message: `Tool: Edit ${filePath} (whole file)`, filepath: filePath, old_str: current, new_str: content });
      return ok(call, `Rewrote ${filePath}.`, { mutated: true });
    } catch (error) {
      if (error instanceof ToolRefusal || isTinyBackspaceError(error)) {
        toolEvent(this.context, { tool: 'Edit', message: `Tool: Edit refused: ${error.message}`, filepath: rawPath.slice(0, 300), output: error.message });
        return failed(call, error.message);
      }
      throw error;
    }
  }

  private async create(call: ToolCall, input: { path: string; content: string }): Promise<ToolOutcome> {
    const filePath = await this.writableTarget(input.path);
    if ((await this.context.workspace.read(filePath)) !== null) throw new ToolRefusal(`${filePath} already exists; change it with edit_file.`);
    await this.context.workspace.changes.write(filePath, input.content);
    toolEvent(this.context, { tool: 'Create', message: `Tool: Create ${filePath}`, filepath: filePath, new_str: input.content });
    return ok(call, `Created ${filePath}.`, { mutated: true });
  }

  private async remove(call: ToolCall, input: { path: string }): Promise<ToolOutcome> {
    const filePath = await this.writableTarget(input.path);
    await this.context.workspace.changes.delete(filePath);
    toolEvent(this.context, { tool: 'Delete', message: `Tool: Delete ${filePath}`, filepath: filePath });
    return ok(call, `Deleted ${filePath}.`, { mutated: true });
  }

  private async rename(call: ToolCall, input: { from: string; to: string }): Promise<ToolOutcome> {
    const from = await this.writableTarget(input.from);
    const to = await this.writableTarget(input.to);
    await this.context.workspace.changes.rename(from, to);
    toolEvent(this.context, { tool: 'Rename', message: `Tool: Rename ${from} -> ${to}`, filepath: from, new_path: to });
    return ok(call, `Renamed ${from} to ${to}.`, { mutated: true });
  }

  private scrub(text: string): string {
    return redactSecrets(text, this.knownSecrets);
  }
}

/** An fs error (EACCES, EISDIR, ...): the model should hear about it; it is not a crash of the run. */
function isFileSystemError(error: unknown): error is NodeJS.ErrnoException & { code: string } {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string' && /^E[A-Z]+$/.test((error as NodeJS.ErrnoException).code ?? '');
}

function pathField(input: unknown): { filepath?: string } {
  if (input && typeof input === 'object') {
    const record = input as Record<string, unknown>;
    const value = record.path ?? record.from;
    if (typeof value === 'string') return { filepath: value.replace(/[^\x20-\x7e]/g, '?').slice(0, 300) };
  }
  return {};
}

function describeRaw(raw: string): string {
  const trimmed = raw.replace(/\s+/g, ' ').trim();
  return trimmed === '' ? 'empty' : `received ${trimmed.length > 80 ? `${trimmed.slice(0, 77)}...` : trimmed}`;
}
