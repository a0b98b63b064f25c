import type { ToolCall, ToolResult } from '../model/model-client';

export interface ToolOutcome {
  readonly result: ToolResult;
  /** The input could not be used (invalid JSON, wrong shape, unknown tool): counts toward re-asking. */
  readonly malformed: boolean;
  /** The workspace changed. */
  readonly mutated: boolean;
  /** Set by `finish`: the change summary for the pull request. */
  readonly finishedWith?: string;
  /** Set by `finish` when the model gave one: the pull request's title. */
  readonly finishedTitle?: string;
}

/** A refusal or failure the model should see and correct; never a crash of the run. */
export class ToolRefusal extends Error {}

export function ok(call: ToolCall, content: string, extra: Partial<Omit<ToolOutcome, 'result'>> = {}): ToolOutcome {
  return { result: { callId: call.id, content, isError: false }, malformed: false, mutated: false, ...extra };
}

export function failed(call: ToolCall, content: string, malformed = false): ToolOutcome {
  return { result: { callId: call.id, content: `Error: ${content}`, isError: true }, malformed, mutated: false };
}
