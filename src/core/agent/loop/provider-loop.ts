import { parsePlainTextEdits } from '../../edits/plain-text-edits';
import { STEP_PROGRESS } from '../../pipeline/run-context';
import type { AgentContext } from '../agent';
import { think } from '../agent-events';
import type { ResolvedTuning } from '../agent-tuning';
import type { RunBudget } from '../budget/run-budget';
import { ProviderFailedError } from '../failures/provider-failure';
import { stopKindOf, type ModelClient, type ToolResult } from '../model/model-client';
import { turnOutputTokens } from '../model/output-caps';
import { LoopDetector } from '../tools/loop-detector';
import type { WorkspaceTools } from '../tools/workspace-tools';
import { clearOldToolResults } from './context-editing';
import type { Conversation } from './conversation';
import { applyPlainTextEdits, proseOf, reaskFailedEdits } from './plain-text-apply';
import { requestTurn, type CompletedTurn } from './request-turn';
import { budgetNote, cutOffCallResult, cutOffTextNote } from './turn-notes';

export interface ProviderLoopInput {
  readonly client: ModelClient;
  readonly context: AgentContext;
  readonly tuning: ResolvedTuning;
  readonly budget: RunBudget;
  readonly deadline: AbortSignal;
  readonly system: string;
  /** Starts with the user's prompt (scrubbed of known secrets); a repair pass brings the earlier turns. */
  readonly conversation: Conversation;
  readonly tools: WorkspaceTools;
}

export interface ProviderLoopResult {
  readonly summary: string;
  readonly title?: string;
}

const NUDGE = 'No file has changed yet. Use the tools to make the change the user asked for, then call finish; or call finish explaining why no change is needed.';
const PLAIN_TEXT_NUDGE = 'No file has changed. Reply with SEARCH/REPLACE blocks or whole-file fences (```language:path/to/file) that make the change.';
/** Replies in a row that hit the output limit before the provider is given up on. */
const CUT_OFF_LIMIT = 3;

/** Agent progress runs from the agent step's start (32) to just before `apply` (75) as turns are used. */
export function agentProgress(budget: RunBudget): number {
  const span = STEP_PROGRESS.apply - 1 - STEP_PROGRESS.agent;
  return STEP_PROGRESS.agent + Math.round((span * Math.min(budget.turns, budget.limits.maxTurns)) / Math.max(1, budget.limits.maxTurns));
}

function failure(client: ModelClient, kind: 'malformed' | 'refused' | 'context_full' | 'cut_off', description: string, reason: string): ProviderFailedError {
  return new ProviderFailedError(client.label, { kind, retryable: false, description }, `${client.displayName}: ${reason}`);
}

/**
 * The tool loop for one provider: ask, run the tool calls, send the results back, until the model calls
 * `finish` (or answers in plain text with edits, or stops after changing files). Bounded by the run budget
 * and the loop detector; a provider failure (also a refusal or a full context window, which must never look
 * like success) surfaces as ProviderFailedError for the chain to handle.
 */
export async function runProviderLoop(input: ProviderLoopInput): Promise<ProviderLoopResult> {
  const { client, context, budget, tools, conversation } = input;
  const loopDetector = new LoopDetector();
  const outputLimit = turnOutputTokens(client.model, input.tuning.maxOutputTokens);
  let malformedStreak = 0;
  let cutOffStreak = 0;
  let nudged = false;
  const progress = (): number => agentProgress(budget);

  for (;;) {
    budget.startTurn();
    const cleared = clearOldToolResults(conversation, { keep: input.tuning.keepToolResults === 0 ? Infinity : input.tuning.keepToolResults });
    if (cleared > 0) think(context, 'context', `Cleared ${cleared} old tool result(s) from the conversation; the newest ${input.tuning.keepToolResults} stay in full.`, { provider: client.label });
    const turn: CompletedTurn = await requestTurn(
      client,
      { system: input.system, messages: conversation.messages, tools: client.toolUse ? tools.specs : [], maxOutputTokens: outputLimit },
      { context, tuning: input.tuning, budget, deadline: input.deadline, progress },
    );
    const recorded = budget.record(client.provider, client.model, turn.usage);
    const usage = turn.usage;
    context.emit({
      kind: 'usage',
      type: 'info',
      step: 'agent',
      progress: progress(),
      message: `Turn ${budget.turns} of ${budget.limits.maxTurns} (${client.label}): ${usage.inputTokens} input tokens (${usage.cacheReadTokens} read from cache, ${usage.cacheWriteTokens} written to it), ${usage.outputTokens} output, ~$${recorded.usage.cost_usd.toFixed(4)}; run total ~$${budget.totalCostUsd.toFixed(4)} (estimated)${recorded.costNote ? `; ${recorded.costNote}` : ''}`,
      usage: recorded.usage,
      total_cost_usd: Math.round(budget.totalCostUsd * 1_000_000) / 1_000_000,
    });
    budget.checkSpend();

    const stop = stopKindOf(turn.stopReason);
    if (stop === 'refused') throw failure(client, 'refused', `refused (${turn.stopReason})`, `the model declined the request (stop reason ${turn.stopReason})`);
    if (stop === 'context_full') throw failure(client, 'context_full', 'context window full', `the conversation filled the model's context window (stop reason ${turn.stopReason})`);
    const cutOff = stop === 'cut_off';
    if (cutOff) {
      cutOffStreak += 1;
      think(context, 'tool_decision', `${client.displayName}'s reply reached the output limit of ${outputLimit.toLocaleString('en-US')} tokens; telling it what was lost and to work in smaller steps.`, { provider: client.label, reason: 'output limit' });
      if (cutOffStreak >= CUT_OFF_LIMIT) throw failure(client, 'cut_off', 'output limit', `${CUT_OFF_LIMIT} replies in a row reached the output limit of ${outputLimit} tokens`);
    } else cutOffStreak = 0;

    conversation.assistant(turn.text, turn.toolCalls, turn.opaque);

    if (turn.toolCalls.length > 0) {
      const results: ToolResult[] = [];
      let finished: ProviderLoopResult | undefined;
      let anyMalformed = false;
      let anyFailed = false;
      for (const call of turn.toolCalls) {
        if (cutOff && call.malformedJson !== undefined) {
          // Cut off mid-arguments: not malformed, and repeating it would fail the same way.
          results.push({ callId: call.id, content: `Error: ${cutOffCallResult(call, outputLimit)}`, isError: true });
          anyFailed = true;
          continue;
        }
        loopDetector.record(call.name, call.malformedJson ?? call.input);
        if (call.name === 'finish' && anyFailed) {
          results.push({ callId: call.id, content: 'Error: not finished, because a call before it failed. Fix that first, then call finish again.', isError: true });
          continue;
        }
        const outcome = await input.tools.execute(call);
        results.push(outcome.result);
        anyMalformed ||= outcome.malformed;
        anyFailed ||= outcome.result.isError;
        loopDetector.executed(call.name, call.malformedJson ?? call.input, outcome.mutated);
        if (outcome.finishedWith !== undefined) finished = { summary: outcome.finishedWith, ...(outcome.finishedTitle !== undefined ? { title: outcome.finishedTitle } : {}) };
      }
      if (finished !== undefined) {
        // Held back: a repair pass sends them first, so the conversation stays well-formed.
        conversation.holdResults(results);
        return finished;
      }
      if (anyMalformed) {
        malformedStreak += 1;
        if (malformedStreak >= 2) throw failure(client, 'malformed', 'malformed tool calls', 'malformed tool calls twice in a row, after being asked again once');
        think(context, 'tool_decision', `${client.displayName} sent a malformed tool call; asking it once more.`, { provider: client.label, reason: 'malformed tool call' });
      } else malformedStreak = 0;
      conversation.user({ toolResults: results, text: budgetNote(budget) });
      continue;
    }

    // No tool calls: a plain-text answer, possibly with edit blocks.
    const parsed = parsePlainTextEdits(turn.text);
    if (parsed.edits.length > 0 || parsed.problems.length > 0) {
      const report = await applyPlainTextEdits(parsed, tools);
      if (report.mutated) loopDetector.progressed();
      if (report.failures.length === 0 && !cutOff) return { summary: proseOf(turn.text) || `Applied ${report.applied} edit(s).` };
      if (report.failures.length > 0) {
        // Only the failed edits are re-asked; the same failures three times over is a loop.
        loopDetector.record('plain_text_edits', report.failures.map((problem) => problem.split('\n')[0]));
        think(context, 'tool_decision', `${report.failures.length} of ${parsed.edits.length + parsed.problems.length} plain-text edit(s) did not apply; sending ${client.displayName} the actual lines and asking for those again.`, {
          provider: client.label,
          reason: 'edit did not apply',
        });
      }
      const parts = [report.failures.length > 0 ? reaskFailedEdits(report) : '', cutOff ? cutOffTextNote(outputLimit) : ''].filter((part) => part !== '');
      conversation.user({ text: parts.join('\n\n') });
      continue;
    }
    if (cutOff) {
      conversation.user({ text: `${cutOffTextNote(outputLimit)}\n\n${budgetNote(budget)}` });
      continue;
    }
    if (context.workspace.changes.size > 0 || nudged) return { summary: proseOf(turn.text) || 'Made the change.' };
    nudged = true;
    think(context, 'tool_decision', `${client.displayName} answered without changing anything; reminding it how to make the change.`, { provider: client.label });
    conversation.user({ text: client.toolUse ? NUDGE : PLAIN_TEXT_NUDGE });
  }
}
