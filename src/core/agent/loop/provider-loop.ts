import { parsePlainTextEdits } from '../../edits/plain-text-edits';
import { STEP_PROGRESS } from '../../pipeline/run-context';
import type { AgentContext } from '../agent';
import { think } from '../agent-events';
import type { ResolvedTuning } from '../agent-tuning';
import type { RunBudget } from '../budget/run-budget';
import { ProviderFailedError } from '../failures/provider-failure';
import type { ConversationMessage, ModelClient, ToolResult } from '../model/model-client';
import { LoopDetector } from '../tools/loop-detector';
import type { WorkspaceTools } from '../tools/workspace-tools';
import { applyPlainTextEdits, proseOf, reaskFailedEdits } from './plain-text-apply';
import { requestTurn, type CompletedTurn } from './request-turn';

export interface ProviderLoopInput {
  readonly client: ModelClient;
  readonly context: AgentContext;
  readonly tuning: ResolvedTuning;
  readonly budget: RunBudget;
  readonly deadline: AbortSignal;
  readonly system: string;
  /** The user's prompt, scrubbed of known secrets. */
  readonly prompt: string;
  readonly tools: WorkspaceTools;
}

const NUDGE = 'No file has changed yet. Use the tools to make the change the user asked for, then call finish; or call finish explaining why no change is needed.';
const PLAIN_TEXT_NUDGE = 'No file has changed. Reply with SEARCH/REPLACE blocks or whole-file fences (```language:path/to/file) that make the change.';
const CUT_OFF = 'Your reply was cut off at the output limit. Continue with smaller steps: one tool call at a time.';

/** Agent progress runs from the agent step's start (32) to just before `apply` (75) as turns are used. */
export function agentProgress(budget: RunBudget): number {
  const span = STEP_PROGRESS.apply - 1 - STEP_PROGRESS.agent;
  return STEP_PROGRESS.agent + Math.round((span * Math.min(budget.turns, budget.limits.maxTurns)) / Math.max(1, budget.limits.maxTurns));
}

function malformedFailure(client: ModelClient): ProviderFailedError {
  return new ProviderFailedError(
    client.label,
    { kind: 'malformed', retryable: false, description: 'malformed tool calls' },
    `${client.displayName}: malformed tool calls twice in a row, after being asked again once`,
  );
}

/**
 * The tool loop for one provider: ask, run the tool calls, send the results back, until the model calls
 * `finish` (or answers in plain text with edits, or stops after changing files). Bounded by the run budget
 * and the loop detector; a provider failure surfaces as ProviderFailedError for the chain to handle.
 */
export async function runProviderLoop(input: ProviderLoopInput): Promise<{ summary: string; title?: string }> {
  const { client, context, budget, tools } = input;
  const loopDetector = new LoopDetector();
  const messages: ConversationMessage[] = [{ role: 'user', text: input.prompt }];
  let malformedStreak = 0;
  let nudged = false;
  const progress = (): number => agentProgress(budget);

  for (;;) {
    budget.startTurn();
    const turn: CompletedTurn = await requestTurn(
      client,
      { system: input.system, messages, tools: client.toolUse ? tools.specs : [], maxOutputTokens: input.tuning.maxOutputTokens },
      { context, tuning: input.tuning, budget, deadline: input.deadline, progress },
    );
    const recorded = budget.record(client.provider, client.model, turn.usage);
    context.emit({
      kind: 'usage',
      type: 'info',
      step: 'agent',
      progress: progress(),
      message: `Turn ${budget.turns} of ${budget.limits.maxTurns} (${client.label}): ${turn.usage.inputTokens} input tokens (${turn.usage.cacheReadTokens} cached), ${turn.usage.outputTokens} output, ~$${recorded.usage.cost_usd.toFixed(4)}; run total ~$${budget.totalCostUsd.toFixed(4)} (estimated)${recorded.costNote ? `; ${recorded.costNote}` : ''}`,
      usage: recorded.usage,
      total_cost_usd: Math.round(budget.totalCostUsd * 1_000_000) / 1_000_000,
    });
    budget.checkSpend();
    messages.push({ role: 'assistant', text: turn.text, toolCalls: turn.toolCalls });

    if (turn.toolCalls.length > 0) {
      const results: ToolResult[] = [];
      let finishedWith: string | undefined;
      let finishedTitle: string | undefined;
      let anyMalformed = false;
      let anyFailed = false;
      for (const call of turn.toolCalls) {
        loopDetector.record(call.name, call.malformedJson ?? call.input);
        if (call.name === 'finish' && anyFailed) {
          results.push({ callId: call.id, content: 'Error: not finished, because a call before it failed. Fix that first, then call finish again.', isError: true });
          continue;
        }
        const outcome = await input.tools.execute(call);
        results.push(outcome.result);
        anyMalformed ||= outcome.malformed;
        anyFailed ||= outcome.result.isError;
        if (outcome.mutated) loopDetector.progressed();
        if (outcome.finishedWith !== undefined) finishedWith = outcome.finishedWith;
        if (outcome.finishedTitle !== undefined) finishedTitle = outcome.finishedTitle;
      }
      if (finishedWith !== undefined) return { summary: finishedWith, ...(finishedTitle === undefined ? {} : { title: finishedTitle }) };
      if (anyMalformed) {
        malformedStreak += 1;
        if (malformedStreak >= 2) throw malformedFailure(client);
        think(context, 'tool_decision', `${client.displayName} sent a malformed tool call; asking it once more.`, { provider: client.label, reason: 'malformed tool call' });
      } else malformedStreak = 0;
      messages.push({ role: 'user', toolResults: results });
      continue;
    }

    // No tool calls: a plain-text answer, possibly with edit blocks.
    const parsed = parsePlainTextEdits(turn.text);
    if (parsed.edits.length > 0 || parsed.problems.length > 0) {
      const report = await applyPlainTextEdits(parsed, tools);
      if (report.mutated) loopDetector.progressed();
      if (report.failures.length === 0) return { summary: proseOf(turn.text) || `Applied ${report.applied} edit(s).` };
      // Only the failed edits are re-asked; the same failures three times over is a loop.
      loopDetector.record('plain_text_edits', report.failures.map((failure) => failure.split('\n')[0]));
      think(context, 'tool_decision', `${report.failures.length} of ${parsed.edits.length + parsed.problems.length} plain-text edit(s) did not apply; sending ${client.displayName} the actual lines and asking for those again.`, {
        provider: client.label,
        reason: 'edit did not apply',
      });
      messages.push({ role: 'user', text: reaskFailedEdits(report) });
      continue;
    }
    if (turn.stopReason === 'max_tokens' || turn.stopReason === 'length') {
      malformedStreak += 1;
      if (malformedStreak >= 2) throw malformedFailure(client);
      messages.push({ role: 'user', text: CUT_OFF });
      continue;
    }
    if (context.workspace.changes.size > 0 || nudged) return { summary: proseOf(turn.text) };
    nudged = true;
    think(context, 'tool_decision', `${client.displayName} answered without changing anything; reminding it how to make the change.`, { provider: client.label });
    messages.push({ role: 'user', text: client.toolUse ? NUDGE : PLAIN_TEXT_NUDGE });
  }
}
