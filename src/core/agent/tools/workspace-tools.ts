import { isTinyBackspaceError } from '../../errors/tiny-backspace-error';
import type { AgentContext } from '../agent';
import type { ToolCall, ToolSpec } from '../model/model-client';
import { editFile, multiEdit } from './edit-file-tool';
import { deleteFile, renameFile } from './file-moves-tool';
import { finishTool } from './finish-tool';
import { listFiles } from './list-files-tool';
import { readFileTool } from './read-file-tool';
import { commandAvailability, runCommand, type CommandAvailability } from './run-command-tool';
import { searchTool } from './search-tool';
import { isToolKey, TOOL_EVENT_NAMES, TOOL_INPUTS, toolSpecsFor, type ToolInput, type ToolKey } from './tool-definitions';
import { ToolEnv } from './tool-env';
import { failed, ToolRefusal, type ToolOutcome } from './tool-outcome';
import { shortenText } from './tool-text';
import { showTree } from './tree-tool';
import { viewDiff } from './view-diff-tool';
import { createFile, writeFile } from './write-file-tool';

export type { ToolOutcome } from './tool-outcome';

type Handler<K extends ToolKey> = (env: ToolEnv, call: ToolCall, input: ToolInput<K>) => Promise<ToolOutcome>;

/** One file per tool; this table is the only place that knows them all. */
const HANDLERS: { readonly [K in ToolKey]: Handler<K> } = {
  list_files: listFiles,
  tree: showTree,
  read_file: readFileTool,
  search: searchTool,
  edit_file: editFile,
  multi_edit: multiEdit,
  create_file: createFile,
  write_file: writeFile,
  delete_file: deleteFile,
  rename_file: renameFile,
  view_diff: viewDiff,
  run_command: runCommand,
  finish: finishTool,
};

/**
 * Runs the model's tool calls against the workspace. Reads see staged edits; writes are staged in the
 * change set and reach disk only in the apply step. Every write is checked first against the path guard
 * (no `..`, absolute paths or NUL; .git/, .github/workflows/ and .vscode/ protected; no symlink escape), so
 * the model hears at once about a refused path. Credential files are neither read, searched nor written.
 * Commands run only in an isolated sandbox (run-command-tool.ts).
 */
export class WorkspaceTools {
  private readonly env: ToolEnv;
  /** Whether this run offers `run_command`, and if not, why (the system prompt says it). */
  readonly commands: CommandAvailability;

  constructor(
    context: AgentContext,
    /** Key and token values to scrub from anything sent back to the model. */
    knownSecrets: readonly string[] = [],
  ) {
    this.env = new ToolEnv(context, knownSecrets);
    this.commands = commandAvailability(context.sandbox);
  }

  /** The tools offered this run. */
  get specs(): readonly ToolSpec[] {
    return toolSpecsFor({ commands: this.commands.offered });
  }

  async execute(call: ToolCall): Promise<ToolOutcome> {
    const offered = this.specs.map((spec) => spec.name);
    if (!isToolKey(call.name) || !offered.includes(call.name)) {
      const why = call.name === 'run_command' && !this.commands.offered ? ` run_command is not available: ${this.commands.reason}` : '';
      return failed(call, `unknown tool "${shortenText(call.name, 60, 'line')}". Use one of: ${offered.join(', ')}.${why}`, true);
    }
    if (call.malformedJson !== undefined) {
      return failed(call, `the arguments of ${call.name} were not valid JSON (${describeRaw(call.malformedJson)}). Send the call again with a complete JSON object.`, true);
    }
    const parsed = TOOL_INPUTS[call.name].safeParse(call.input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return failed(call, `invalid arguments for ${call.name}: ${issue ? `${issue.path.join('.') || 'input'}: ${issue.message}` : 'wrong shape'}. Send the call again.`, true);
    }
    try {
      return await (HANDLERS[call.name] as Handler<ToolKey>)(this.env, call, parsed.data as ToolInput<ToolKey>);
    } catch (error) {
      return this.refused(call, error);
    }
  }

  /** A plain-text answer's whole-file fence: replaces (or creates) a file, never emptying one. */
  async writeWholeFile(call: ToolCall, rawPath: string, content: string): Promise<ToolOutcome> {
    try {
      return await writeFile(this.env, call, { path: rawPath, content });
    } catch (error) {
      return this.refused({ ...call, name: 'write_file', input: { path: rawPath } }, error);
    }
  }

  /** The model hears about a refusal and can correct it; cancellation and real crashes propagate. */
  private refused(call: ToolCall, error: unknown): ToolOutcome {
    if (isTinyBackspaceError(error) && error.code === 'cancelled') throw error;
    if (!(error instanceof ToolRefusal || isTinyBackspaceError(error) || isFileSystemError(error))) throw error;
    const message = this.env.scrub(isFileSystemError(error) ? `${error.code}: the file could not be read` : error.message);
    const tool = isToolKey(call.name) ? TOOL_EVENT_NAMES[call.name] : 'Edit';
    this.env.event({ tool, message: `Tool: ${tool} refused: ${message}`, ...pathField(call.input), output: message });
    return failed(call, message);
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
  const trimmed = shortenText(raw, 80, 'line');
  return trimmed === '' ? 'empty' : `received ${trimmed}`;
}
