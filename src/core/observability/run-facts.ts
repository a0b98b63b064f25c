import type { StepTiming } from '../../protocol/health-report';
import type { JsonRecord } from './read-json-lines';

export type RunOutcome = 'running' | 'completed' | 'failed' | 'cancelled';

export interface ProviderFallback {
  readonly provider: string;
  readonly reason: string;
}

export interface RunUsage {
  readonly provider: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costUsd: number;
}

export interface RunError {
  readonly code: string;
  readonly message: string;
  readonly remedy?: string;
  readonly step?: string;
  readonly time: number;
}

/** What one run's trace says, folded into the figures the report needs. */
export interface RunFacts {
  readonly requestId: string;
  readonly repo?: string;
  readonly startedAt: number;
  readonly lastEventAt: number;
  readonly status: RunOutcome;
  readonly durationMs?: number;
  readonly agent?: string;
  readonly steps: readonly StepTiming[];
  /** Providers in the order they were tried (first mention). */
  readonly providersTried: readonly string[];
  readonly fallbacks: readonly ProviderFallback[];
  /** The provider whose change the run ended with, from the completed event's `agent`. */
  readonly servedBy?: string;
  readonly usage: readonly RunUsage[];
  readonly error?: RunError;
}

const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
const time = (value: unknown): number | undefined => {
  const parsed = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  return Number.isNaN(parsed) ? undefined : parsed;
};

/** `anthropic (claude-sonnet-4-6)` -> `anthropic`: the agent field names the provider first. */
export function providerOfAgent(agent: string): string {
  return agent.trim().split(/[\s(:/]/)[0]?.toLowerCase() ?? agent;
}

/**
 * `provider` fields hold a label such as `anthropic (claude-sonnet-4-6)`; stats group by the provider.
 */
function providerId(value: unknown): string | undefined {
  const text = str(value);
  return text === undefined ? undefined : providerOfAgent(text);
}

/**
 * The agent's chain announces providers it passes over for want of a key with a `topic: provider` event
 * too ("Skipping Anthropic: no ANTHROPIC_API_KEY is set."). The event schema has no field for that, so the
 * wording is the contract here; a skipped provider was never tried.
 */
function isSkipNotice(event: JsonRecord): boolean {
  return typeof event.message === 'string' && event.message.startsWith('Skipping ');
}

/** "Anthropic: 529 overloaded, 3 attempts" -> "529 overloaded, 3 attempts": the table already names the provider. */
function withoutProviderPrefix(reason: string): string {
  return reason.replace(/^[A-Za-z][\w .-]{0,40}: /, '');
}

/**
 * Folds a trace (events in `seq` order) into facts. A provider is tried when a `topic: provider` event
 * chooses it (not a skip notice) or an `ai_message`/`usage` event names it. `topic: fallback` events mark
 * trouble (a retry, a discarded reply, giving up); the provider fell back only if the chain then moved on
 * to another provider, which keeps retries that recovered out of the fallback count. The reason kept is
 * the first trouble the provider reported in the run, which is the cause rather than the retry count.
 */
export function runFacts(requestId: string, events: readonly JsonRecord[]): RunFacts {
  const ordered = [...events].sort((a, b) => (num(a.seq) ?? 0) - (num(b.seq) ?? 0));
  const first = ordered[0];
  const startedAt = time(ordered.find((event) => event.kind === 'run_started')?.timestamp) ?? time(first?.timestamp) ?? 0;
  let lastEventAt = startedAt;
  let status: RunOutcome = 'running';
  let durationMs: number | undefined;
  let agent: string | undefined;
  let repo: string | undefined;
  let error: RunError | undefined;
  let currentStep: string | undefined;
  let failedStep: string | undefined;
  const steps = new Map<string, StepTiming>();
  const stepStarts = new Map<string, number>();
  const providersTried: string[] = [];
  const trouble = new Map<string, string>();
  const usage: RunUsage[] = [];
  const tried = (provider: string | undefined) => {
    if (provider && !providersTried.includes(provider)) providersTried.push(provider);
  };

  for (const event of ordered) {
    const at = time(event.timestamp) ?? lastEventAt;
    lastEventAt = Math.max(lastEventAt, at);
    const step = str(event.step);
    switch (event.kind) {
      case 'run_started':
        repo = str(event.repo);
        break;
      case 'step_started':
        if (step) {
          currentStep = step;
          stepStarts.set(step, at);
          steps.set(step, { step, offset_ms: Math.max(0, at - startedAt), duration_ms: 0, outcome: 'running' });
        }
        break;
      case 'step_finished':
        if (step) {
          const outcome = event.outcome === 'failed' || event.outcome === 'skipped' || event.outcome === 'cancelled' ? event.outcome : 'ok';
          if (outcome === 'failed') failedStep = step;
          const begin = stepStarts.get(step) ?? at - (num(event.duration_ms) ?? 0);
          steps.set(step, { step, offset_ms: Math.max(0, begin - startedAt), duration_ms: Math.max(0, num(event.duration_ms) ?? at - begin), outcome });
        }
        break;
      case 'thinking': {
        const provider = providerId(event.provider);
        if (event.topic === 'provider' && !isSkipNotice(event)) tried(provider);
        if (event.topic === 'fallback' && provider) {
          tried(provider);
          if (!trouble.has(provider)) trouble.set(provider, normalizeReason(withoutProviderPrefix(str(event.reason) ?? str(event.message) ?? 'unknown')));
        }
        break;
      }
      case 'ai_message':
        tried(providerId(event.provider));
        break;
      case 'usage': {
        const record = (event.usage ?? {}) as JsonRecord;
        const provider = providerId(record.provider) ?? 'unknown';
        tried(provider);
        usage.push({ provider, inputTokens: num(record.input_tokens) ?? 0, outputTokens: num(record.output_tokens) ?? 0, costUsd: num(record.cost_usd) ?? 0 });
        break;
      }
      case 'completed':
        status = 'completed';
        durationMs = num(event.duration_ms);
        agent = str(event.agent);
        break;
      case 'failed': {
        status = 'failed';
        durationMs = num(event.duration_ms);
        const payload = (event.error ?? {}) as JsonRecord;
        const errorStep = failedStep ?? step ?? currentStep;
        error = {
          code: str(payload.code) ?? 'unknown',
          message: str(payload.message) ?? str(event.message) ?? '',
          ...(str(payload.remedy) ? { remedy: str(payload.remedy) } : {}),
          ...(errorStep ? { step: errorStep } : {}),
          time: at,
        };
        break;
      }
      case 'cancelled':
        status = 'cancelled';
        durationMs = num(event.duration_ms);
        break;
      default:
        break;
    }
  }
  const servedBy = status === 'completed' && agent && agent !== 'none' ? providerOfAgent(agent) : undefined;
  tried(servedBy);
  const fallbacks: ProviderFallback[] = [];
  for (const [provider, reason] of trouble) {
    const position = providersTried.indexOf(provider);
    const movedOn = position !== -1 && position < providersTried.length - 1 && servedBy !== provider;
    if (movedOn) fallbacks.push({ provider, reason });
  }
  return {
    requestId,
    ...(repo ? { repo } : {}),
    startedAt,
    lastEventAt,
    status,
    ...(durationMs === undefined ? {} : { durationMs }),
    ...(agent ? { agent } : {}),
    steps: [...steps.values()].sort((a, b) => a.offset_ms - b.offset_ms),
    providersTried,
    fallbacks,
    ...(servedBy ? { servedBy } : {}),
    usage,
    ...(error ? { error } : {}),
  };
}

/** Reasons are grouped by their text, so whitespace differences must not split a group and length is capped. */
export function normalizeReason(reason: string): string {
  const single = reason.replace(/\s+/g, ' ').trim();
  return single.length > 120 ? `${single.slice(0, 117)}...` : single;
}
