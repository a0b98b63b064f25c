import { SecretFileGuard } from '../../context/secret-file-guard';
import { throwIfAborted } from '../../errors/cancelled-error';
import { hasCode, TinyBackspaceError } from '../../errors/tiny-backspace-error';
import { selectContext, type RepoMap } from '../../context/select-context';
import { redactSecrets } from '../../security/redact';
import type { Agent, AgentContext, AgentResult } from '../agent';
import { think } from '../agent-events';
import { resolveTuning } from '../agent-tuning';
import type { RunBudget } from '../budget/run-budget';
import { Conversation } from '../loop/conversation';
import { AgentSession } from './agent-session';
import { isProviderFailed } from '../failures/provider-failure';
import { agentProgress, runProviderLoop } from '../loop/provider-loop';
import { buildSystemPrompt, type BudgetLeft } from '../loop/system-prompt';
import { OfflineAgent } from '../offline/offline-agent';
import { WorkspaceTools } from '../tools/workspace-tools';
import type { ProviderEntry } from './provider-entries';

export interface FallbackChainOptions {
  /** API keys and tokens: scrubbed from anything sent to a model. */
  readonly knownSecrets?: readonly string[];
  readonly now?: () => number;
  /** The last resort; the reason says why no AI provider is answering. */
  readonly createOffline?: (reason: string) => Agent;
}

const NOT_CONFIGURED = 'no AI provider is configured; set ANTHROPIC_API_KEY or OPENAI_API_KEY, or a local model';

/** What the system prompt says is left: turns, time, and tokens and cost where they are bounded. */
function budgetLeft(budget: RunBudget): BudgetLeft {
  const { limits } = budget;
  return {
    turns: Math.max(0, limits.maxTurns - budget.turns),
    wallClockMs: budget.remainingMs,
    tokens: Math.max(0, limits.maxTokens - budget.totalTokens),
    ...(limits.maxCostUsd === undefined ? {} : { costUsd: Math.max(0, limits.maxCostUsd - budget.totalCostUsd) }),
  };
}

function nextUsable(entries: readonly ProviderEntry[], after: number): string {
  for (const entry of entries.slice(after + 1)) {
    if (entry.kind === 'model') return entry.displayName;
    if (entry.kind === 'offline') return 'the offline agent';
  }
  return 'nothing else';
}

/**
 * Claude -> OpenAI/compatible -> offline, in the configured order. Providers without a key are skipped and
 * the stream says so; a provider that fails (after its retries) has its staged edits discarded, and the
 * next one starts from a clean change set, with a thinking event saying why. Budget overruns, the loop
 * detector and cancellation end the run instead: falling back would not make them go away.
 */
export class FallbackChainAgent implements Agent {
  readonly name = 'fallback-chain';

  constructor(
    private readonly entries: readonly ProviderEntry[],
    private readonly options: FallbackChainOptions = {},
  ) {}

  async run(context: AgentContext): Promise<AgentResult> {
    const tuning = resolveTuning(context.config);
    // One session per run: repair passes bring the first pass's, so they share its budget and conversation.
    const session = context.session ?? new AgentSession(context.config.budget, this.options.now);
    const budget = session.budget;
    const deadline = session.deadline();
    try {
      return await this.runChain(context, tuning, session, deadline);
    } finally {
      budget.pause();
      // The tally so far, whether the pass succeeded or not: what was spent is spent.
      if (budget.turns > 0) think(context, 'budget', `Usage${context.repairFeedback !== undefined ? ' of the run so far' : ''}: ${budget.describe()}${budget.notes.size > 0 ? `. Note: ${[...budget.notes].join('; ')}` : ''}.`);
    }
  }

  private async runChain(context: AgentContext, tuning: ReturnType<typeof resolveTuning>, session: AgentSession, deadline: AbortSignal): Promise<AgentResult> {
    const budget: RunBudget = session.budget;
    const reasons: string[] = [];
    let anyProviderTried = false;
    const scrub = (text: string): string => redactSecrets(text, this.options.knownSecrets ?? []);
    let repoMap: RepoMap | undefined;
    // A repair pass continues the conversation of the provider that finished; another one starts afresh.
    const held = context.repairFeedback !== undefined ? session.held : undefined;
    session.held = undefined;

    for (const [index, entry] of this.entries.entries()) {
      throwIfAborted(context.signal);
      if (held !== undefined && index < held.entryIndex) continue;
      if (entry.kind === 'skipped') {
        think(context, 'provider', `Skipping ${entry.displayName}: ${entry.reason}.`, { provider: entry.name, reason: entry.reason });
        reasons.push(`${entry.displayName}: ${entry.reason}`);
        continue;
      }
      if (entry.kind === 'offline') {
        // Only skipped for want of a key: say how to configure one, as the offline agent always has.
        const why = anyProviderTried ? reasons.join('; ') : NOT_CONFIGURED;
        think(context, 'provider', `Using the offline agent (mechanical instructions only) because ${why}.`, { provider: 'offline', reason: why });
        const offline = this.options.createOffline?.(why) ?? new OfflineAgent(why);
        const beforeOffline = context.workspace.changes.snapshot();
        try {
          const result = await offline.run(context);
          return { ...result, usage: [...budget.summary(), ...result.usage] };
        } catch (error) {
          // Placed before an AI provider, the offline agent handles what it can and passes the rest on.
          const later = this.entries.slice(index + 1).some((candidate) => candidate.kind === 'model');
          if (!later || !(hasCode(error, 'agent_unsupported_prompt') || hasCode(error, 'edit_failed'))) throw error;
          context.workspace.changes.restore(beforeOffline);
          reasons.push('the offline agent: the prompt is not a mechanical instruction');
          think(context, 'fallback', `The offline agent cannot do this prompt; trying ${nextUsable(this.entries, index)}.`, { provider: 'offline' });
          continue;
        }
      }

      const client = entry.create(tuning);
      anyProviderTried = true;
      if (repoMap === undefined) {
        const started = performance.now();
        const secretFiles = new SecretFileGuard(context.workspace.root, context.signal); // a link to .env is .env
        repoMap = await selectContext({
          files: context.workspace.files(),
          prompt: context.prompt,
          read: async (file) => ((await secretFiles.isSecret(file)) ? null : context.workspace.read(file)),
          budgetTokens: tuning.contextTokens,
          ...(context.summary.commitSha ? { commitSha: context.summary.commitSha } : {}),
          ...(context.summary.repoMapCacheDirectory ? { cacheDirectory: context.summary.repoMapCacheDirectory } : {}),
          signal: context.signal,
        });
        context.logger.performance('agent.context_selection', performance.now() - started, { files: repoMap.fileCount, tokens: repoMap.tokens });
        think(
          context,
          'context',
          `Repository map: ${repoMap.listedFiles.length} of ${repoMap.fileCount} files (${repoMap.filesWithSymbols.length} with symbols; ${repoMap.taggedFiles} parsed${repoMap.cache === 'none' ? '' : `, tags cached for this commit (${repoMap.cache})`}${repoMap.parseError ? `, parsing failed: ${repoMap.parseError}` : repoMap.complete ? '' : ', parse budget reached'}), ~${repoMap.tokens} of ${repoMap.budgetTokens} tokens (estimated as characters/4)${repoMap.secretFilesWithheld > 0 ? `; ${repoMap.secretFilesWithheld} credential file(s) withheld` : ''}.`,
        );
      }
      const because = reasons.length > 0 ? ` because ${reasons[reasons.length - 1]}` : '';
      think(context, 'provider', `Using ${client.displayName} (${client.model})${because}${client.toolUse ? '' : ', in plain-text edit mode (no tool use)'}.`, {
        provider: client.label,
        reason: reasons.length > 0 ? reasons.join('; ') : `first configured provider with a key`,
        progress: agentProgress(budget),
      });
      const snapshot = context.workspace.changes.snapshot();
      try {
        // Repository text (symbols in the map, file contents) may quote a token: scrub everything sent.
        const continuing = held !== undefined && held.entryIndex === index;
        const tools = new WorkspaceTools(context, this.options.knownSecrets ?? []);
        const system = continuing
          ? held.system
          : scrub(await buildSystemPrompt({ toolUse: client.toolUse, repoMap, workspace: context.workspace, scrub, commands: tools.commands, budget: budgetLeft(budget) }));
        const conversation = continuing ? held.conversation : new Conversation(scrub(context.untrustedContext ? `${context.prompt}\n\n${context.untrustedContext}` : context.prompt));
        if (continuing) {
          conversation.user({ text: scrub(context.repairFeedback ?? '') });
          think(context, 'plan', `Continuing the conversation with ${client.displayName}: the check output goes to it as the next message.`, { provider: client.label });
        }
        const { summary, title } = await runProviderLoop({ client, context, tuning, budget, deadline, system, conversation, tools });
        session.held = { entryIndex: index, conversation, system };
        return { agent: client.label, summary, ...(title !== undefined ? { title } : {}), usage: budget.summary() };
      } catch (error) {
        if (hasCode(error, 'budget_exceeded') || hasCode(error, 'loop_detected')) {
          think(context, 'budget', `Stopped: ${(error as Error).message} No pull request will be opened.`, { provider: client.label, reason: (error as TinyBackspaceError).code });
        }
        if (!isProviderFailed(error)) throw error;
        context.workspace.changes.restore(snapshot);
        reasons.push(error.reason);
        context.logger.warn('provider failed', { provider: client.label, kind: error.failure.kind, status: error.failure.status });
        think(context, 'fallback', `${error.reason}; discarded its edits and falling back to ${nextUsable(this.entries, index)}.`, {
          provider: client.label,
          reason: error.reason,
        });
      }
    }
    // providerEntries() always ends with the offline agent; a hand-built chain may not.
    throw new TinyBackspaceError('agent_failed', `No provider could make the change: ${reasons.join('; ') || 'none is configured'}.`, {
      remedy: 'Set ANTHROPIC_API_KEY or OPENAI_API_KEY (or a local OpenAI-compatible endpoint) and run again.',
    });
  }
}
