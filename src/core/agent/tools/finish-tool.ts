import type { ToolCall } from '../model/model-client';
import type { ToolEnv } from './tool-env';
import type { ToolInput } from './tool-definitions';
import { ok, type ToolOutcome } from './tool-outcome';
import { shortenText } from './tool-text';

const TITLE_CHARS = 72;

/** A model's title as one short line: no newlines or control characters, no Markdown heading marks. */
export function cleanTitle(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const line = raw.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/^[#>\s]+/, '').trim();
  return line === '' ? undefined : shortenText(line, TITLE_CHARS, 'line');
}

/** `finish`: ends the loop with the change summary and, when the model gives one, the PR title. */
export async function finishTool(env: ToolEnv, call: ToolCall, input: ToolInput<'finish'>): Promise<ToolOutcome> {
  const summary = env.scrub(input.summary);
  const title = cleanTitle(input.title === undefined ? undefined : env.scrub(input.title));
  env.event({ tool: 'Finish', message: `Tool: Finish${title ? ` "${title}"` : ''}`, output: summary });
  return ok(call, 'Finished.', { finishedWith: summary, ...(title ? { finishedTitle: title } : {}) });
}
