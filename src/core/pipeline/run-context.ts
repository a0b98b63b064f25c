import type { RunEvent, RunEventDraft, StepName } from '../../protocol/run-events';
import { RUN_EVENT_SCHEMA_VERSION } from '../../protocol/run-events';
import type { RunOptions, RunRequest } from '../../protocol/run-request';
import { registerKnownSecrets } from '../security/known-secrets';
import { redactSecrets } from '../security/redact';
import type { PipelineDeps, ResolvedSecrets } from './pipeline-deps';

/** Overall progress when each step starts; the agent step fills the gap up to `apply` as it works. */
export const STEP_PROGRESS: Readonly<Record<StepName, number>> = {
  validate: 2,
  sandbox: 8,
  clone: 15,
  analyze: 25,
  agent: 32,
  apply: 75,
  validate_changes: 82,
  pull_request: 92,
};

/** Stamps drafts into full events: sequence, request id, time, progress; scrubs known secrets. */
export class EventStamper {
  private seq = 0;
  progress = 0;
  /** The step events belong to when a draft names none: the run's first step until another starts. */
  private step: StepName = 'validate';
  private secretValues: string[] = [];

  constructor(
    readonly requestId: string,
    private readonly sink: (event: RunEvent) => void,
    private readonly now: () => number,
  ) {}

  addSecrets(secrets: ResolvedSecrets | readonly string[]): void {
    const values = Array.isArray(secrets) ? secrets : Object.values(secrets);
    for (const value of values) if (typeof value === 'string' && value.length >= 6) this.secretValues.push(value);
    registerKnownSecrets(values); // and for every other scrubber in the process (logs, traces, tool output)
  }

  /** Carries on after an event someone else stamped for this run (the host's `run_started`). */
  continueAfter(event: RunEvent): void {
    this.seq = Math.max(this.seq, event.seq);
    this.step = event.step ?? this.step;
    this.progress = Math.max(this.progress, event.progress);
  }

  get secrets(): readonly string[] {
    return this.secretValues;
  }

  emit(draft: RunEventDraft): RunEvent {
    if (draft.progress !== undefined) this.progress = Math.max(this.progress, Math.min(100, draft.progress));
    this.seq += 1;
    if (draft.step !== undefined) this.step = draft.step;
    // Every event carries `step`, as the original event format did: run_started and the terminal event too.
    const event = this.scrub({
      ...draft,
      step: draft.step ?? this.step,
      version: RUN_EVENT_SCHEMA_VERSION,
      seq: this.seq,
      request_id: this.requestId,
      timestamp: new Date(this.now()).toISOString(),
      progress: Math.round(this.progress),
    } as RunEvent);
    this.sink(event);
    return event;
  }

  /** Every string an event carries may hold text from git, a model or a command: redact shallowly. */
  private scrub(event: RunEvent): RunEvent {
    const record = event as unknown as Record<string, unknown>;
    for (const [key, value] of Object.entries(record)) {
      if (typeof value === 'string') record[key] = redactSecrets(value, this.secretValues);
      else if (key === 'error' && value && typeof value === 'object') {
        const error = value as Record<string, unknown>;
        for (const [field, text] of Object.entries(error)) if (typeof text === 'string') error[field] = redactSecrets(text, this.secretValues);
      }
    }
    return event;
  }
}

export interface RunContext {
  readonly requestId: string;
  /** The parsed request; `prompt` is always set (follow-ups that address review get a default name). */
  readonly request: RunRequest & { readonly prompt: string };
  readonly options: RunOptions;
  readonly deps: PipelineDeps;
  readonly signal: AbortSignal;
  readonly events: EventStamper;
  readonly now: () => number;
  emit(draft: RunEventDraft): void;
}
