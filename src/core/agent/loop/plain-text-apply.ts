import type { PlainTextEdit, PlainTextParse } from '../../edits/plain-text-edits';
import type { ToolOutcome, WorkspaceTools } from '../tools/workspace-tools';

export interface PlainTextReport {
  readonly applied: number;
  /** One entry per edit that failed, with the reason and the file's nearby lines. */
  readonly failures: readonly string[];
  readonly mutated: boolean;
}

function describe(edit: PlainTextEdit): string {
  return edit.kind === 'write' ? `the whole-file block for ${edit.path}` : `SEARCH/REPLACE block ${edit.index + 1} (${edit.path})`;
}

/**
 * Applies a plain-text answer's edits through the same tools (and so the same guards and events) as tool
 * calls. Edits that apply stay applied; only the failures go back to the model.
 */
export async function applyPlainTextEdits(parsed: PlainTextParse, tools: WorkspaceTools): Promise<PlainTextReport> {
  const failures: string[] = [...parsed.problems];
  let applied = 0;
  let mutated = false;
  for (const edit of parsed.edits) {
    const id = `plain_${edit.index + 1}`;
    let outcome: ToolOutcome;
    if (edit.kind === 'write') outcome = await tools.writeWholeFile({ id, name: 'write_file', input: {} }, edit.path, edit.content);
    else if (edit.search === '') outcome = await tools.execute({ id, name: 'create_file', input: { path: edit.path, content: edit.replace } });
    else outcome = await tools.execute({ id, name: 'edit_file', input: { path: edit.path, old_str: edit.search, new_str: edit.replace } });
    if (outcome.result.isError) failures.push(`${describe(edit)}: ${outcome.result.content.replace(/^Error: /, '')}`);
    else applied += 1;
    mutated ||= outcome.mutated;
  }
  return { applied, failures, mutated };
}

/** What goes back to the model after a partly failed plain-text answer: the failures only. */
export function reaskFailedEdits(report: PlainTextReport): string {
  return [
    `${report.applied} edit(s) applied. ${report.failures.length} did not; resend ONLY these, corrected (do not repeat the applied ones):`,
    ...report.failures.map((failure, index) => `${index + 1}. ${failure}`),
  ].join('\n\n');
}

/** The prose of a plain-text answer, without its edit blocks: the change summary. */
export function proseOf(text: string): string {
  const prose = text
    .replace(/<{5,9}\s*SEARCH[\s\S]*?>{5,9}\s*REPLACE/g, '')
    .replace(/(```|~~~)[\s\S]*?\1/g, '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !/^[\w@.\-/]+\.[A-Za-z0-9]{1,10}:?$/.test(line))
    .join(' ')
    .trim();
  return prose.length > 600 ? `${prose.slice(0, 597)}...` : prose;
}
