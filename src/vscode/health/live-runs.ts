// Pure: the runs streaming right now, as the health view draws them (no `vscode` import).
import type { LiveRun } from '../../protocol/health-messages';
import type { RunEvent } from '../../protocol/run-events';
import { runFacts } from '../../core/observability/run-facts';

/** A run's events so far -> its live waterfall; a running step's bar grows up to `now`. */
export function liveRunFromEvents(requestId: string, events: readonly RunEvent[], now: number): LiveRun {
  const facts = runFacts(requestId, events as unknown as ReadonlyArray<Record<string, unknown>>);
  const last = events.at(-1);
  const current = [...facts.steps].reverse().find((step) => step.outcome === 'running');
  return {
    request_id: requestId,
    ...(facts.repo ? { repo: facts.repo } : {}),
    started_at: new Date(facts.startedAt).toISOString(),
    ...(current ? { current_step: current.step } : {}),
    progress: last?.progress ?? 0,
    steps: facts.steps.map((step) => (step.outcome === 'running' ? { ...step, duration_ms: Math.max(0, now - facts.startedAt - step.offset_ms) } : step)),
  };
}
