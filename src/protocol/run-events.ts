import { z } from 'zod';

/**
 * The run-event contract. One JSON object per event, shared by the CLI (`--json`), the SSE server,
 * the webview panel and the trace recorder. Bump the version when a field changes meaning or goes away;
 * adding an optional field or a new `kind` is backwards compatible and keeps the version.
 */
export const RUN_EVENT_SCHEMA_VERSION = 1;

export const STEP_NAMES = [
  'validate',
  'sandbox',
  'clone',
  'analyze',
  'agent',
  'apply',
  'validate_changes',
  'pull_request',
] as const;
export const StepNameSchema = z.enum(STEP_NAMES);
export type StepName = z.infer<typeof StepNameSchema>;

/** The original design's coarse status, kept so simple clients can switch on it alone. */
export const EventTypeSchema = z.enum(['info', 'success', 'warning', 'error', 'tool', 'ai_message', 'thinking']);
export type EventType = z.infer<typeof EventTypeSchema>;

const baseFields = {
  version: z.literal(RUN_EVENT_SCHEMA_VERSION),
  /** Position of the event in its run, from 1. The SSE `id:` and replay use it. */
  seq: z.number().int().positive(),
  request_id: z.string().min(1),
  timestamp: z.string(),
  type: EventTypeSchema,
  message: z.string(),
  step: StepNameSchema.optional(),
  /** Overall progress of the run, 0 to 100. */
  progress: z.number().min(0).max(100),
};

export const ErrorPayloadSchema = z.object({
  code: z.string(),
  message: z.string(),
  /** What the user can do about it. */
  remedy: z.string().optional(),
});
export type ErrorPayload = z.infer<typeof ErrorPayloadSchema>;

export const ToolNameSchema = z.enum(['List', 'Read', 'Search', 'Edit', 'Create', 'Delete', 'Rename', 'Bash', 'Finish']);
export type ToolName = z.infer<typeof ToolNameSchema>;

export const ChangedFileSchema = z.object({
  path: z.string(),
  status: z.enum(['added', 'modified', 'deleted']),
  additions: z.number().int().nonnegative(),
  deletions: z.number().int().nonnegative(),
});
export type ChangedFile = z.infer<typeof ChangedFileSchema>;

/**
 * `timed_out`: stopped at commandTimeoutMs. `skipped`: ran but checked nothing (no tests collected).
 * `missing`: declared before the change and no longer declared after it.
 */
export const CheckStatusSchema = z.enum(['passed', 'failed', 'skipped', 'error', 'timed_out', 'missing']);
export type CheckStatus = z.infer<typeof CheckStatusSchema>;

export const CheckResultSchema = z.object({
  name: z.string(),
  command: z.string(),
  before: CheckStatusSchema.optional(),
  after: CheckStatusSchema,
  duration_ms: z.number().nonnegative(),
  detail: z.string().optional(),
});
export type CheckResult = z.infer<typeof CheckResultSchema>;

export const UsageSchema = z.object({
  provider: z.string(),
  model: z.string().optional(),
  input_tokens: z.number().int().nonnegative(),
  output_tokens: z.number().int().nonnegative(),
  cache_read_tokens: z.number().int().nonnegative().optional(),
  cache_write_tokens: z.number().int().nonnegative().optional(),
  cost_usd: z.number().nonnegative(),
});
export type Usage = z.infer<typeof UsageSchema>;

export const RunStartedEventSchema = z.object({
  ...baseFields,
  kind: z.literal('run_started'),
  repo: z.string(),
  prompt: z.string(),
  base: z.string().optional(),
  dry_run: z.boolean(),
  /** Follow-ups (issue 15): the pull request this run extends, so a history can link and re-run it. */
  pull_request: z.number().int().optional(),
  address_review: z.boolean().optional(),
});

export const StepStartedEventSchema = z.object({ ...baseFields, kind: z.literal('step_started'), step: StepNameSchema });

export const StepProgressEventSchema = z.object({ ...baseFields, kind: z.literal('step_progress'), step: StepNameSchema });

export const StepFinishedEventSchema = z.object({
  ...baseFields,
  kind: z.literal('step_finished'),
  step: StepNameSchema,
  duration_ms: z.number().nonnegative(),
  outcome: z.enum(['ok', 'skipped', 'failed', 'cancelled']),
});

/** Agent reasoning the user should see: provider choice, fallbacks and why, tool decisions, budgets. */
export const ThinkingEventSchema = z.object({
  ...baseFields,
  kind: z.literal('thinking'),
  topic: z.enum(['provider', 'fallback', 'plan', 'tool_decision', 'budget', 'sandbox', 'context']),
  provider: z.string().optional(),
  reason: z.string().optional(),
});

/** `Tool: Read {filepath}`, `Tool: Edit {filepath, old_str, new_str}`, `Tool: Bash {command, output}` and friends. */
export const ToolEventSchema = z.object({
  ...baseFields,
  kind: z.literal('tool'),
  tool: ToolNameSchema,
  filepath: z.string().optional(),
  old_str: z.string().optional(),
  new_str: z.string().optional(),
  new_path: z.string().optional(),
  query: z.string().optional(),
  command: z.string().optional(),
  output: z.string().optional(),
  exit_code: z.number().int().optional(),
});

/** `AI Message {message}`: one streamed delta of model text. */
export const AiMessageEventSchema = z.object({ ...baseFields, kind: z.literal('ai_message'), provider: z.string() });

export const UsageEventSchema = z.object({ ...baseFields, kind: z.literal('usage'), usage: UsageSchema, total_cost_usd: z.number().nonnegative() });

export const ChecksEventSchema = z.object({ ...baseFields, kind: z.literal('checks'), checks: z.array(CheckResultSchema) });

/** The run holds before pushing until the host answers (the VS Code review); the CLI never waits. */
export const ReviewRequiredEventSchema = z.object({
  ...baseFields,
  kind: z.literal('review_required'),
  changed_files: z.array(ChangedFileSchema),
});

export const CompletedEventSchema = z.object({
  ...baseFields,
  kind: z.literal('completed'),
  pr_url: z.string().optional(),
  pr_number: z.number().int().optional(),
  branch: z.string().optional(),
  /** The commit the run pushed (a follow-up's one new commit on the pull request's head branch). */
  commit_sha: z.string().regex(/^[0-9a-f]{40,64}$/).optional(),
  changed_files: z.array(ChangedFileSchema),
  patch: z.string().optional(),
  agent: z.string(),
  summary: z.string(),
  duration_ms: z.number().nonnegative(),
  dry_run: z.boolean(),
  discarded: z.boolean().optional(),
});

export const FailedEventSchema = z.object({
  ...baseFields,
  kind: z.literal('failed'),
  error: ErrorPayloadSchema,
  /** The work a run could not push (a follow-up whose pull request head moved), so it is never lost. */
  patch: z.string().optional(),
  duration_ms: z.number().nonnegative(),
});

export const CancelledEventSchema = z.object({
  ...baseFields,
  kind: z.literal('cancelled'),
  reason: z.string(),
  duration_ms: z.number().nonnegative(),
});

export const RunEventSchema = z.discriminatedUnion('kind', [
  RunStartedEventSchema,
  StepStartedEventSchema,
  StepProgressEventSchema,
  StepFinishedEventSchema,
  ThinkingEventSchema,
  ToolEventSchema,
  AiMessageEventSchema,
  UsageEventSchema,
  ChecksEventSchema,
  ReviewRequiredEventSchema,
  CompletedEventSchema,
  FailedEventSchema,
  CancelledEventSchema,
]);

export type RunEvent = z.infer<typeof RunEventSchema>;
export type RunEventKind = RunEvent['kind'];
export type RunEventOf<K extends RunEventKind> = Extract<RunEvent, { kind: K }>;
export type TerminalEvent = RunEventOf<'completed' | 'failed' | 'cancelled'>;

export const TERMINAL_KINDS: ReadonlySet<RunEventKind> = new Set(['completed', 'failed', 'cancelled']);

export function isTerminalEvent(event: RunEvent): event is TerminalEvent {
  return TERMINAL_KINDS.has(event.kind);
}

/** Fields the engine fills in itself; producers supply the rest. */
type StampedField = 'version' | 'seq' | 'request_id' | 'timestamp' | 'progress';
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type RunEventDraft = DistributiveOmit<RunEvent, StampedField> & { progress?: number };
