import type { RunBudget } from '../budget/run-budget';
import type { ToolCall } from '../model/model-client';

/**
 * What the loop tells the model between turns, apart from tool results. The system prompt is not the
 * place for these: they change every turn, and the system prompt is the cached prefix.
 */

/** Appended to each user message: what is left of the run's budget. */
export function budgetNote(budget: RunBudget): string {
  return budget.describeLeft();
}

function partialPath(call: ToolCall): string | undefined {
  const match = /"(?:path|from)"\s*:\s*"((?:[^"\\]|\\.){1,300})"/.exec(call.malformedJson ?? '');
  return match?.[1];
}

/**
 * The result for a tool call whose arguments were cut off at the output limit: it was not run, why, and a
 * way forward that fits in one reply. Sending the same call again would be cut off in the same place.
 */
export function cutOffCallResult(call: ToolCall, outputLimit: number): string {
  const target = partialPath(call);
  const where = target ? ` for ${target}` : '';
  const limit = `${outputLimit.toLocaleString('en-US')} output tokens`;
  const head = `Not run: your reply reached the output limit (${limit}) while it was still writing the arguments of ${call.name}${where}, so the call arrived incomplete and nothing was changed.`;
  if (call.name === 'create_file' || call.name === 'write_file') {
    return `${head} Do not send the whole file again in one call; it will be cut off the same way. Write it in parts: call ${call.name} with the first part only (at most a few hundred lines), then add the rest over the next turns with edit_file, each time replacing the file's current last line with that same line followed by the next part.`;
  }
  return `${head} Do not repeat the call as it was. Split the work into smaller calls: edit a few lines per edit_file call (keep old_str and new_str short), and send at most one large call per reply.`;
}

/** The reply was cut off in its prose (no tool call was cut). */
export function cutOffTextNote(outputLimit: number): string {
  return `Your previous reply reached the output limit (${outputLimit.toLocaleString('en-US')} output tokens) and was cut off. Continue from where it stopped, in smaller steps: short explanations, and large content split over several tool calls.`;
}
