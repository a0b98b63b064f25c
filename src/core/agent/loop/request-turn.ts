import { CancelledError, abortReason } from '../../errors/cancelled-error';
import type { AgentContext } from '../agent';
import { think } from '../agent-events';
import type { ResolvedTuning } from '../agent-tuning';
import type { RunBudget } from '../budget/run-budget';
import { abortableDelay } from '../failures/abortable-delay';
import { classifyFailure } from '../failures/classify-failure';
import { ProviderFailedError, type FailureClass } from '../failures/provider-failure';
import { backoffMs, formatDuration } from '../failures/retry-after';
import { IdleWatchdog } from '../model/idle-watchdog';
import { withChatSpan } from '../../observability/chat-span';
import { IncompleteStreamError, type ModelClient, type OpaqueTurn, type ToolCall, type TurnRequest, type TurnUsage } from '../model/model-client';

export interface CompletedTurn {
  readonly text: string;
  readonly toolCalls: readonly ToolCall[];
  readonly stopReason: string;
  readonly usage: TurnUsage;
  /** Thinking blocks or reasoning items to send back unchanged with this turn. */
  readonly opaque?: OpaqueTurn;
}

export interface TurnEnvironment {
  readonly context: AgentContext;
  readonly tuning: ResolvedTuning;
  readonly budget: RunBudget;
  /** Aborts when the wall-clock budget runs out. */
  readonly deadline: AbortSignal;
  readonly progress: () => number;
}

async function streamOnce(client: ModelClient, request: TurnRequest, env: TurnEnvironment, watchdog: IdleWatchdog, partial: { text: string }): Promise<CompletedTurn> {
  const signal = AbortSignal.any([env.context.signal, env.deadline, watchdog.signal]);
  const toolCalls: ToolCall[] = [];
  for await (const event of client.stream(request, signal)) {
    watchdog.touch();
    switch (event.type) {
      case 'activity':
        break;
      case 'content':
        watchdog.content();
        break;
      case 'text':
        watchdog.content();
        partial.text += event.text;
        env.context.emit({ kind: 'ai_message', type: 'ai_message', step: 'agent', message: event.text, provider: client.label });
        break;
      case 'tool_call':
        watchdog.content();
        toolCalls.push(event.call);
        break;
      case 'end':
        return { text: partial.text, toolCalls, stopReason: event.stopReason, usage: event.usage, ...(event.opaque ? { opaque: event.opaque } : {}) };
    }
  }
  throw new IncompleteStreamError(`${client.displayName} stream ended without an end event`);
}

function giveUp(client: ModelClient, failure: FailureClass, reason: string, cause: unknown): ProviderFailedError {
  return new ProviderFailedError(client.label, failure, reason, cause);
}

/**
 * One model turn with the classified retry policy: rate limits (retry-after honoured up to a cap),
 * overload, 5xx, connection errors, timeouts and stalls are retried within `attemptsPerTurn`; quota and
 * auth errors give up at once; a malformed response is re-asked once. A failed attempt's partial reply is
 * discarded. Cancellation stops at once, also during a retry wait.
 */
export async function requestTurn(client: ModelClient, request: TurnRequest, env: TurnEnvironment): Promise<CompletedTurn> {
  const { context, tuning, budget } = env;
  for (let attempt = 1; ; attempt += 1) {
    const watchdog = new IdleWatchdog(tuning.idleTimeoutMs, tuning.firstTokenTimeoutMs);
    const partial = { text: '' };
    try {
      return await withChatSpan(client, request, context.signal, () => streamOnce(client, request, env, watchdog, partial));
    } catch (error) {
      watchdog.stop();
      if (context.signal.aborted) throw new CancelledError(abortReason(context.signal));
      if (env.deadline.aborted) throw budget.timeExceeded();
      const failure = classifyFailure(error, watchdog.fired ? { stalledMs: watchdog.limitMs } : {});
      const name = client.displayName;
      if (partial.text !== '') {
        think(context, 'fallback', `Discarded ${name}'s partial reply after ${failure.description}.`, { provider: client.label, reason: failure.description });
      }
      const retryable = failure.retryable || (failure.kind === 'malformed' && attempt === 1);
      if (!retryable) throw giveUp(client, failure, `${name}: ${failure.description} (not retried)`, error);
      if (attempt >= tuning.attemptsPerTurn) {
        throw giveUp(client, failure, `${name}: ${failure.description}, ${attempt} attempt${attempt === 1 ? '' : 's'}`, error);
      }
      if (failure.retryAfterMs !== undefined && failure.retryAfterMs > tuning.retryAfterCapMs) {
        throw giveUp(client, failure, `${name}: ${failure.description} and asked to wait ${formatDuration(failure.retryAfterMs)}, more than the ${formatDuration(tuning.retryAfterCapMs)} cap`, error);
      }
      const delay = failure.retryAfterMs ?? backoffMs(attempt, tuning.retryBaseDelayMs);
      think(context, 'fallback', `${name}: ${failure.description}; retrying in ${formatDuration(delay)} (attempt ${attempt + 1} of ${tuning.attemptsPerTurn}).`, {
        provider: client.label,
        reason: failure.description,
        progress: env.progress(),
      });
      try {
        await abortableDelay(delay, AbortSignal.any([context.signal, env.deadline]));
      } catch (waitError) {
        if (context.signal.aborted) throw waitError;
        throw budget.timeExceeded();
      }
    } finally {
      watchdog.stop();
    }
  }
}
