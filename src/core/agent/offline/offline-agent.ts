import { TinyBackspaceError } from '../../errors/tiny-backspace-error';
import { throwIfAborted } from '../../errors/cancelled-error';
import { isProtectedPath } from '../../workspace/path-guard';
import type { Agent, AgentContext, AgentResult } from '../agent';
import { toolEvent, type ToolFields } from '../agent-events';
import { shortenText } from '../tools/tool-text';
import { filesInScope } from '../../workspace/glob';
import { parseOfflinePrompt, type OfflineInstruction } from './offline-grammar';

const MAX_REPLACE_FILE_BYTES = 1024 * 1024;

export const OFFLINE_AGENT_NAME = 'offline';

const UNSUPPORTED_REMEDY =
  'The offline agent understands: replace "A" with "B" [in <path or glob>]; add file <path> with "<content>"; append "<text>" to <path>; delete <path>; rename <old> to <new>.';

/**
 * The deterministic agent: no model, no network, explicit mechanical instructions only. Anything else
 * fails clearly instead of guessing, so it never opens a junk pull request.
 */
export class OfflineAgent implements Agent {
  readonly name = OFFLINE_AGENT_NAME;

  /** `whyOffline` tells the user why no AI provider is answering (none configured, or all failed). */
  constructor(private readonly whyOffline = 'no AI provider is configured; set ANTHROPIC_API_KEY or OPENAI_API_KEY, or a local model') {}

  async run(context: AgentContext): Promise<AgentResult> {
    const parsed = parseOfflinePrompt(context.prompt);
    if (!parsed.ok) {
      throw new TinyBackspaceError('agent_unsupported_prompt', `The offline agent cannot do "${truncate(parsed.unparsed)}": ${this.whyOffline}.`, {
        remedy: UNSUPPORTED_REMEDY,
      });
    }
    context.emit({
      kind: 'thinking',
      type: 'thinking',
      topic: 'provider',
      step: 'agent',
      provider: this.name,
      message: `Offline agent: ${parsed.instructions.length} mechanical instruction(s).`,
    });
    const done: string[] = [];
    for (const instruction of parsed.instructions) {
      throwIfAborted(context.signal);
      done.push(await this.apply(instruction, context));
    }
    return { agent: this.name, summary: done.join('; '), usage: [] };
  }

  private async apply(instruction: OfflineInstruction, context: AgentContext): Promise<string> {
    const { workspace } = context;
    const tool = (draft: ToolFields): void => toolEvent(context, draft);

    switch (instruction.op) {
      case 'replace': {
        if (instruction.search === '') throw new TinyBackspaceError('edit_failed', 'Cannot replace an empty string.', { remedy: UNSUPPORTED_REMEDY });
        const scope = instruction.scope ? filesInScope(workspace.files(), instruction.scope) : workspace.files();
        tool({ tool: 'Search', message: `Tool: Search "${truncate(instruction.search)}"`, query: instruction.search, ...(instruction.scope ? { filepath: instruction.scope } : {}) });
        let files = 0;
        let occurrences = 0;
        for (const file of scope) {
          if (isProtectedPath(file)) continue;
          const content = await workspace.read(file);
          if (content === null || content.length > MAX_REPLACE_FILE_BYTES || content.includes('\0')) continue;
          const count = content.split(instruction.search).length - 1;
          if (count === 0) continue;
          await workspace.changes.write(file, content.split(instruction.search).join(instruction.replacement));
          tool({ tool: 'Edit', message: `Tool: Edit ${file}`, filepath: file, old_str: instruction.search, new_str: instruction.replacement });
          files += 1;
          occurrences += count;
        }
        if (files === 0) {
          throw new TinyBackspaceError('edit_failed', `Found no occurrence of "${truncate(instruction.search)}"${instruction.scope ? ` in ${instruction.scope}` : ''}.`, {
            remedy: 'Check the exact text (it is case-sensitive) and the path or glob.',
          });
        }
        return `replaced ${occurrences} occurrence(s) in ${files} file(s)`;
      }
      case 'add': {
        if ((await workspace.read(instruction.path)) !== null) {
          throw new TinyBackspaceError('edit_failed', `Cannot add ${instruction.path}: it already exists.`, { remedy: 'Use replace or append to change an existing file.' });
        }
        const content = instruction.content.endsWith('\n') ? instruction.content : `${instruction.content}\n`;
        await workspace.changes.write(instruction.path, content);
        tool({ tool: 'Create', message: `Tool: Create ${instruction.path}`, filepath: instruction.path, new_str: content });
        return `added ${instruction.path}`;
      }
      case 'append': {
        const current = await workspace.read(instruction.path);
        if (current === null) throw new TinyBackspaceError('edit_failed', `Cannot append to ${instruction.path}: no such file.`, { remedy: 'Use add file to create it.' });
        tool({ tool: 'Read', message: `Tool: Read ${instruction.path}`, filepath: instruction.path });
        const separator = current === '' || current.endsWith('\n') ? '' : '\n';
        const addition = instruction.text.endsWith('\n') ? instruction.text : `${instruction.text}\n`;
        await workspace.changes.write(instruction.path, `${current}${separator}${addition}`);
        tool({ tool: 'Edit', message: `Tool: Edit ${instruction.path}`, filepath: instruction.path, old_str: '', new_str: addition });
        return `appended to ${instruction.path}`;
      }
      case 'delete': {
        await workspace.changes.delete(instruction.path);
        tool({ tool: 'Delete', message: `Tool: Delete ${instruction.path}`, filepath: instruction.path });
        return `deleted ${instruction.path}`;
      }
      case 'rename': {
        await workspace.changes.rename(instruction.from, instruction.to);
        tool({ tool: 'Rename', message: `Tool: Rename ${instruction.from} -> ${instruction.to}`, filepath: instruction.from, new_path: instruction.to });
        return `renamed ${instruction.from} to ${instruction.to}`;
      }
    }
  }
}

function truncate(text: string): string {
  return shortenText(text, 80, 'line');
}
