import { throwIfAborted } from '../../errors/cancelled-error';
import { hasCode, TinyBackspaceError } from '../../errors/tiny-backspace-error';
import { selectContext, type RepoMap } from '../../context/select-context';
import { redactSecrets } from '../../security/redact';
import type { Agent, AgentContext, AgentResult } from '../agent';
import { think } from '../agent-events';
import { resolveTuning } from '../agent-tuning';
import { RunBudget } from '../budget/run-budget';
import { isProviderFailed } from '../failures/provider-failure';
import { agentProgress, runProviderLoop } from '../loop/provider-loop';
import { buildSystemPrompt } from '../loop/system-prompt';
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
    const budget = new RunBudget(context.config.budget, this.options.now);
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), budget.limits.maxWallClockMs);
    try {
      return await this.runChain(context, tuning, budget, deadline.signal);
    } finally {
      clearTimeout(timer);
      // The final tally, whether the run succeeded or not: what was spent is spent.
      if (budget.turns > 0) think(context, 'budget', `Usage: ${budget.describe()}${budget.notes.size > 0 ? `. Note: ${[...budget.notes].join('; ')}` : ''}.`);
    }
  }

  private async runChain(context: AgentContext, tuning: ReturnType<typeof resolveTuning>, budget: RunBudget, deadline: AbortSignal): Promise<AgentResult> {
    const reasons: string[] = [];
    let anyProviderTried = false;
    const scrub = (text: string): string => redactSecrets(text, this.options.knownSecrets ?? []);
    let repoMap: RepoMap | undefined;

    for (const [index, entry] of this.entries.entries()) {
      throwIfAborted(context.signal);
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
        repoMap = await selectContext({ files: context.workspace.files(), prompt: context.prompt, read: (file) => context.workspace.read(file), budgetTokens: tuning.contextTokens, signal: context.signal });
        context.logger.performance('agent.context_selection', performance.now() - started, { files: repoMap.fileCount, tokens: repoMap.tokens });
        think(
          context,
          'context',
          `Repository map: ${repoMap.listedFiles.length} of ${repoMap.fileCount} files (${repoMap.filesWithSymbols.length} with symbols), ~${repoMap.tokens} of ${repoMap.budgetTokens} tokens (estimated as characters/4)${repoMap.secretFilesWithheld > 0 ? `; ${repoMap.secretFilesWithheld} credential file(s) withheld` : ''}.`,
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
        const system = scrub(await buildSystemPrompt({ toolUse: client.toolUse, repoMap, workspace: context.workspace, scrub }));
        const tools = new WorkspaceTools(context, this.options.knownSecrets ?? []);
        const { summary } = await runProviderLoop({ client, context, tuning, budget, deadline, system, prompt: scrub(context.untrustedContext ? `${context.prompt}\n\n${context.untrustedContext}` : context.prompt), tools });
        return { agent: client.label, summary, usage: budget.summary() };
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
