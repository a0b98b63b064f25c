import type { RunEventDraft, Usage } from '../../protocol/run-events';
import type { EngineConfig } from '../config/engine-config';
import type { Logger } from '../logging/logger';
import type { Sandbox } from '../sandbox/sandbox';
import type { Workspace } from '../workspace/workspace';
import type { RepositorySummary } from '../pipeline/repository-summary';
import type { AgentSession } from './chain/agent-session';

export interface AgentContext {
  readonly prompt: string;
  /** Fenced data a model sees after the prompt (a follow-up's pull request); never instructions. */
  readonly untrustedContext?: string;
  /** Reads see staged edits; writes go to `workspace.changes` and reach disk only in the apply step. */
  readonly workspace: Workspace;
  readonly summary: RepositorySummary;
  readonly sandbox: Sandbox;
  readonly config: EngineConfig;
  readonly signal: AbortSignal;
  readonly logger: Logger;
  /**
   * Settles once the baseline checks are done with the sandbox checkout; the command tool waits for it so
   * a command (and the staged edits written for it) never changes the tree under them.
   */
  readonly baselineSettled?: Promise<unknown>;
  /**
   * A file as committed at the base, read from the trusted git directory (never from the checkout a
   * command can write): the command tool puts back tracked files a command changed.
   */
  readonly readBaseFile?: (relativePath: string, signal: AbortSignal) => Promise<string | null>;
  emit(event: RunEventDraft): void;
  /**
   * The run's one budget and, after the first pass, its conversation. The agent step keeps one per run and
   * passes it to every pass, so repair passes share the bounds and continue the conversation; without it,
   * the agent makes its own (a one-pass run).
   */
  readonly session?: AgentSession;
  /** Set on a repair pass: the failing checks' output, sent as the next message of the same conversation. */
  readonly repairFeedback?: string;
}

export interface AgentResult {
  /** Who produced the change, for the PR body: e.g. `anthropic (claude-sonnet-4-5)` or `offline`. */
  readonly agent: string;
  readonly summary: string;
  /** The pull-request title the model gave with `finish`, when it gave one. */
  readonly title?: string;
  /** Usage of the whole run so far (every pass), per provider and model. */
  readonly usage: readonly Usage[];
}

/** One way of turning a prompt into staged edits. The AI providers and the offline agent all fit here. */
export interface Agent {
  readonly name: string;
  run(context: AgentContext): Promise<AgentResult>;
}
