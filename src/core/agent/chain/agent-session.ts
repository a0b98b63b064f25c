import type { BudgetConfig } from '../../config/engine-config';
import { RunBudget } from '../budget/run-budget';
import type { Conversation } from '../loop/conversation';

/** The conversation a repair pass continues: which chain entry held it, and its messages. */
export interface HeldConversation {
  readonly entryIndex: number;
  readonly conversation: Conversation;
  /** The system prompt it ran with: sent again unchanged, so the prompt cache still holds it. */
  readonly system: string;
}

/**
 * What every agent pass of one run shares: one budget (turns, tokens, cost, and agent time, summed over
 * the first pass and every repair pass) and the conversation of the provider that finished last.
 */
export class AgentSession {
  readonly budget: RunBudget;
  held: HeldConversation | undefined;

  constructor(limits: BudgetConfig, now: () => number = Date.now) {
    this.budget = new RunBudget(limits, now);
  }

  /**
   * Aborts when the run's agent time is used up. Time spent between passes (the checks) does not count:
   * the clock pauses when a pass ends (`budget.pause()`).
   */
  deadline(): AbortSignal {
    this.budget.resume();
    return AbortSignal.timeout(Math.max(1, this.budget.remainingMs));
  }
}
