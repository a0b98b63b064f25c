import type { RunEventDraft, Usage } from '../../protocol/run-events';
import type { EngineConfig } from '../config/engine-config';
import type { Logger } from '../logging/logger';
import type { Sandbox } from '../sandbox/sandbox';
import type { Workspace } from '../workspace/workspace';
import type { RepositorySummary } from '../pipeline/repository-summary';

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
  emit(event: RunEventDraft): void;
}

export interface AgentResult {
  /** Who produced the change, for the PR body: e.g. `anthropic (claude-sonnet-4-5)` or `offline`. */
  readonly agent: string;
  readonly summary: string;
  readonly usage: readonly Usage[];
}

/** One way of turning a prompt into staged edits. The AI providers and the offline agent all fit here. */
export interface Agent {
  readonly name: string;
  run(context: AgentContext): Promise<AgentResult>;
}
