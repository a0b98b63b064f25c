import { applyEditLadder } from '../../edits/edit-ladder';
import type { ToolCall } from '../model/model-client';
import type { ToolEnv } from './tool-env';
import type { ToolInput } from './tool-definitions';
import { failed, ok, ToolRefusal, type ToolOutcome } from './tool-outcome';

type EditStep = ToolInput<'edit_file'>;

interface StepApplied {
  readonly ok: true;
  readonly content: string;
  /** What the model hears about this step: where, and how it matched. */
  readonly note: string;
  /** The text that was replaced, as it was in the file (for the event). */
  readonly matched: string;
  /** How it matched when not exactly, e.g. `fuzzy match, similarity 0.91`; undefined for an exact match. */
  readonly inexact?: string;
}

interface StepFailed {
  readonly ok: false;
  readonly reason: string;
  readonly message: string;
  readonly nearby: string;
}

function occurrences(text: string, needle: string): number {
  let count = 0;
  for (let index = text.indexOf(needle); index >= 0; index = text.indexOf(needle, index + needle.length)) count += 1;
  return count;
}

/** One old_str -> new_str step: every exact occurrence with replace_all, else the edit ladder's one match. */
export function applyEditStep(current: string, step: Omit<EditStep, 'path'>): StepApplied | StepFailed {
  if (step.replace_all && step.old_str !== '') {
    const count = occurrences(current, step.old_str);
    if (count > 0) {
      if (step.old_str === step.new_str) return { ok: false, reason: 'no_change', message: 'old_str and new_str are the same; nothing would change.', nearby: '' };
      return { ok: true, content: current.split(step.old_str).join(step.new_str), note: `replaced all ${count} occurrence(s).`, matched: step.old_str };
    }
    // No exact occurrence: the ladder below explains why, with the file's nearby lines.
  }
  const outcome = applyEditLadder(current, step.old_str, step.new_str);
  if (!outcome.ok) return { ok: false, reason: outcome.reason, message: outcome.message, nearby: outcome.nearby };
  const how = outcome.strategy === 'exact' ? 'exact match' : outcome.strategy === 'whitespace' ? 'matched ignoring whitespace' : `fuzzy match, similarity ${outcome.similarity.toFixed(2)}`;
  const differed = outcome.strategy === 'exact' ? '' : ` The file's text differed from old_str; this is what was replaced:\n${outcome.matched}`;
  return { ok: true, content: outcome.content, note: `at line ${outcome.line} (${how}).${differed}`, matched: outcome.matched, ...(outcome.strategy === 'exact' ? {} : { inexact: how }) };
}

async function editableContent(env: ToolEnv, raw: string): Promise<{ filePath: string; current: string }> {
  const filePath = await env.writableTarget(raw);
  const current = env.workspace.files().includes(filePath) ? await env.workspace.read(filePath) : null;
  if (current === null) throw new ToolRefusal(`${filePath} is not a file of the repository; use create_file for a new file.`);
  if (current.includes('\0')) throw new ToolRefusal(`${filePath} is a binary file; it cannot be edited as text.`);
  return { filePath, current };
}

function refusedStep(env: ToolEnv, call: ToolCall, filePath: string, step: Omit<EditStep, 'path'>, failure: StepFailed, label: string): ToolOutcome {
  env.event({ tool: 'Edit', message: `Tool: Edit ${filePath} failed (${failure.reason.replace(/_/g, ' ')})`, filepath: filePath, old_str: step.old_str, new_str: step.new_str, output: failure.message });
  const nearby = failure.nearby === '' ? '' : `\nThe file's actual lines near there:\n${failure.nearby}`;
  return failed(call, env.scrub(`${label} of ${filePath} not applied: ${failure.message}${nearby}`));
}

/** `edit_file`: one replacement (or all exact occurrences with replace_all), staged in the change set. */
export async function editFile(env: ToolEnv, call: ToolCall, input: EditStep): Promise<ToolOutcome> {
  const { filePath, current } = await editableContent(env, input.path);
  const step = applyEditStep(current, input);
  if (!step.ok) return refusedStep(env, call, filePath, input, step, 'edit');
  await env.workspace.changes.write(filePath, step.content);
  env.event({ tool: 'Edit', message: `Tool: Edit ${filePath}${step.inexact ? ` (${step.inexact})` : ''}`, filepath: filePath, old_str: step.matched, new_str: input.new_str });
  return ok(call, env.scrub(`Edited ${filePath} ${step.note}`), { mutated: true });
}

/** `multi_edit`: several steps to one file, each on the result of the last; all apply or none does. */
export async function multiEdit(env: ToolEnv, call: ToolCall, input: ToolInput<'multi_edit'>): Promise<ToolOutcome> {
  const { filePath, current } = await editableContent(env, input.path);
  let content = current;
  const notes: string[] = [];
  for (const [index, edit] of input.edits.entries()) {
    const step = applyEditStep(content, edit);
    if (!step.ok) return refusedStep(env, call, filePath, edit, step, `edit ${index + 1} of ${input.edits.length} (so none of the ${input.edits.length} edits)`);
    content = step.content;
    notes.push(`${index + 1}. ${step.note}`);
  }
  await env.workspace.changes.write(filePath, content);
  env.event({ tool: 'Edit', message: `Tool: Edit ${filePath} (${input.edits.length} edits)`, filepath: filePath, old_str: current, new_str: content });
  return ok(call, env.scrub(`Edited ${filePath} with ${input.edits.length} edit(s):\n${notes.join('\n')}`), { mutated: true });
}
