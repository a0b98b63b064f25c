import type { ProviderStats, Recommendation, StepStats } from '../../protocol/health-report';
import type { ErrorAnalysis } from './error-analysis';
import { PROVIDER_FAILURE_CODES, providerDisplayName } from './provider-stats';
import type { RunFacts } from './run-facts';

export interface RecommendationInputs {
  /** Newest first. */
  readonly runs: readonly RunFacts[];
  readonly providers: readonly ProviderStats[];
  readonly steps: readonly StepStats[];
  readonly errors: ErrorAnalysis;
  readonly completionRate: number | null;
  readonly malformedLines: number;
  readonly staleRuns: readonly string[];
  readonly logDir: string;
}

const RECENT_RUNS = 10;

/** What to do about a slow step, in the user's terms. */
const SLOW_STEP_ADVICE: Readonly<Record<string, string>> = {
  validate: 'GitHub answers slowly; check your network or GitHub Enterprise server.',
  sandbox: 'Sandbox start-up is slow; with E2B check the region and template, or try the local sandbox.',
  clone: 'Cloning is slow; the repository is large or the network is slow.',
  analyze: 'Repository analysis is slow; very large trees take longer to index.',
  agent: 'The agent is slow; a faster model, a lower turn budget or a more precise prompt helps.',
  apply: 'Writing the change is slow; the disk may be slow or the change very large.',
  validate_changes: "The repository's own checks are slow; configure faster checks in tinyBackspace.checks.",
  pull_request: 'Pushing or opening the pull request is slow; check the network and GitHub rate limits.',
};

function mostCommon(values: readonly string[]): [string, number] | undefined {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0];
}

function seconds(ms: number): string {
  return ms >= 10_000 ? `${Math.round(ms / 1000)} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** "Anthropic failed 4 of the last 10 runs with 529 overloaded; OpenAI served them." */
function providerRecommendations(runs: readonly RunFacts[], providers: readonly ProviderStats[]): Recommendation[] {
  const out: Recommendation[] = [];
  for (const stats of providers) {
    const recent = runs.filter((run) => run.providersTried.includes(stats.provider)).slice(0, RECENT_RUNS);
    const fellBack = recent.filter((run) => run.fallbacks.some((fallback) => fallback.provider === stats.provider));
    if (fellBack.length > 0 && (fellBack.length >= 2 || fellBack.length / recent.length >= 0.3)) {
      const reasons = fellBack.flatMap((run) => run.fallbacks.filter((fallback) => fallback.provider === stats.provider).map((fallback) => fallback.reason));
      const reason = mostCommon(reasons)?.[0] ?? 'errors';
      const served = mostCommon(fellBack.map((run) => run.servedBy).filter((name): name is string => name !== undefined));
      const tail = served ? `; ${providerDisplayName(served[0])} served ${served[1] === fellBack.length ? 'them' : `${served[1]} of them`}` : '; no other provider completed them';
      const share = fellBack.length / recent.length;
      out.push({
        severity: share >= 0.5 ? 'critical' : 'warning',
        message: `${providerDisplayName(stats.provider)} failed ${fellBack.length} of the last ${recent.length} runs with ${reason}${tail}.${advice(reason, stats.provider)}`,
        request_ids: fellBack.map((run) => run.requestId),
      });
    }
    if (stats.failures > 0) {
      const failedRuns = runs.filter((run) => run.status === 'failed' && PROVIDER_FAILURE_CODES.has(run.error?.code ?? '') && run.providersTried.at(-1) === stats.provider).slice(0, RECENT_RUNS);
      out.push({
        severity: 'warning',
        message: `${providerDisplayName(stats.provider)} was the last provider in the chain and failed ${stats.failures} run(s). Add another provider after it in tinyBackspace.providers (or TINY_BACKSPACE_PROVIDERS) so a failure falls back instead of ending the run.`,
        request_ids: failedRuns.map((run) => run.requestId),
      });
    }
  }
  return out;
}

function advice(reason: string, provider: string): string {
  const lower = reason.toLowerCase();
  if (/quota|billing|insufficient/.test(lower)) return ` Check the ${providerDisplayName(provider)} plan and spend limits.`;
  if (/401|403|auth|api key|invalid.*key/.test(lower)) return ` Check the ${providerDisplayName(provider)} API key (Tiny Backspace: Set API Key).`;
  if (/429|rate/.test(lower)) return ' You are hitting rate limits; fewer concurrent runs or a higher tier helps.';
  if (/529|overload|5\d\d|server/.test(lower)) return ` If it persists, put another provider first in tinyBackspace.providers.`;
  return '';
}

export function recommendations(inputs: RecommendationInputs): Recommendation[] {
  const out: Recommendation[] = [];
  if (inputs.runs.length === 0) {
    out.push({ severity: 'info', message: `No runs recorded yet in ${inputs.logDir}. Run a prompt; this report fills in as runs finish.` });
  }
  if (inputs.completionRate !== null && inputs.runs.filter((run) => run.status === 'completed' || run.status === 'failed').length >= 3 && inputs.completionRate < 0.8) {
    const failed = inputs.runs.filter((run) => run.status === 'failed');
    const top = mostCommon(failed.map((run) => run.error?.code ?? 'unknown'));
    out.push({
      severity: inputs.completionRate < 0.5 ? 'critical' : 'warning',
      message: `Only ${Math.round(inputs.completionRate * 100)}% of finished runs completed${top ? `; the most common failure is ${top[0]} (${top[1]}x)` : ''}.`,
      request_ids: failed.slice(0, RECENT_RUNS).map((run) => run.requestId),
    });
  }
  out.push(...providerRecommendations(inputs.runs, inputs.providers));
  for (const step of inputs.steps) {
    if (!step.slow) continue;
    out.push({
      severity: step.p95_ms > 2 * step.budget_ms ? 'warning' : 'info',
      message: `Step ${step.step} takes ${seconds(step.p95_ms)} at p95, over its ${seconds(step.budget_ms)} budget. ${SLOW_STEP_ADVICE[step.step] ?? ''}`.trim(),
    });
  }
  for (const { key: code, count } of inputs.errors.byCode.slice(0, 3)) {
    if (count < 2) continue;
    const latest = inputs.errors.entries.find((entry) => entry.code === code);
    const ids = inputs.errors.entries.filter((entry) => entry.code === code && entry.requestId).map((entry) => entry.requestId as string);
    out.push({
      severity: 'warning',
      message: `${code} happened ${count} times${latest?.requestId ? ` (latest: request ${latest.requestId})` : ''}.${latest?.remedy ? ` ${latest.remedy}` : ''}`,
      ...(ids.length > 0 ? { request_ids: [...new Set(ids)].slice(0, RECENT_RUNS) } : {}),
    });
  }
  if (inputs.staleRuns.length > 0) {
    out.push({
      severity: 'info',
      message: `${inputs.staleRuns.length} run(s) stopped without a final event (the host was closed or killed mid-run); their traces end early.`,
      request_ids: inputs.staleRuns.slice(0, RECENT_RUNS),
    });
  }
  if (inputs.malformedLines > 0) {
    out.push({
      severity: 'info',
      message: `${inputs.malformedLines} malformed log line(s) were skipped (a crash mid-write, or another program writing to ${inputs.logDir}).`,
    });
  }
  return out;
}
