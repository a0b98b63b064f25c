import { z } from 'zod';
import { RunEventSchema } from './run-events';

/**
 * Messages between the extension host and the run panel webview, both directions, validated on arrival
 * on both sides: the panel trusts nothing the page could forge, the page trusts nothing it did not
 * expect. JSON only. The panel sends `ready` first; the host posts nothing before it.
 */

export const PANEL_VIEW_TYPE = 'tinyBackspace.panel';

/** http(s) only: the one kind of link the panel may ask the host to open outside VS Code. */
export const ExternalUrlSchema = z
  .string()
  .max(2048)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'https:' || url.protocol === 'http:') && url.username === '' && url.password === '';
    } catch {
      return false;
    }
  }, 'must be an http(s) URL without credentials');

const RequestIdSchema = z.string().min(1).max(200);

/** One run as the panel first sees it: its (compacted) events so far. */
export const RunSnapshotSchema = z.object({
  requestId: RequestIdSchema,
  repo: z.string(),
  prompt: z.string(),
  startedAt: z.string(),
  /** The run had no terminal event when the extension host went away (a window reload). */
  interrupted: z.boolean(),
  events: z.array(RunEventSchema),
});
export type RunSnapshot = z.infer<typeof RunSnapshotSchema>;

// Host -> panel

export const SnapshotMessageSchema = z.object({
  type: z.literal('snapshot'),
  runs: z.array(RunSnapshotSchema),
  /** Runs whose review gate is waiting for Create Pull Request or Discard right now. */
  pendingReviews: z.array(RequestIdSchema),
  /** The run to show; absent: keep the panel's own choice (or the newest run). */
  selectedRunId: RequestIdSchema.optional(),
});

export const EventMessageSchema = z.object({ type: z.literal('event'), requestId: RequestIdSchema, event: RunEventSchema });

export const ReviewStateMessageSchema = z.object({ type: z.literal('review_state'), requestId: RequestIdSchema, pending: z.boolean() });

export const SelectRunMessageSchema = z.object({ type: z.literal('select_run'), requestId: RequestIdSchema });

/** Open the panel's multi-line prompt form with this text (from the input box, or after a failed sign-in). */
export const ComposeMessageSchema = z.object({ type: z.literal('compose'), prompt: z.string().max(20_000), repoUrl: z.string().max(2048).optional() });

export const HostToPanelMessageSchema = z.discriminatedUnion('type', [
  SnapshotMessageSchema,
  EventMessageSchema,
  ReviewStateMessageSchema,
  SelectRunMessageSchema,
  ComposeMessageSchema,
]);
export type HostToPanelMessage = z.infer<typeof HostToPanelMessageSchema>;

// Panel -> host

export const ReviewDecisionSchema = z.enum(['create', 'discard']);
export type ReviewDecision = z.infer<typeof ReviewDecisionSchema>;

export const FollowUpActionSchema = z.enum(['prompt', 'edit_prompt', 'address_review']);
export type FollowUpAction = z.infer<typeof FollowUpActionSchema>;

export const PanelToHostMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }).strict(),
  z.object({ type: z.literal('new_run') }).strict(),
  /** The multi-line form's Run: the same command as the palette, with this prompt (and repository, if known). */
  z.object({ type: z.literal('run_prompt'), prompt: z.string().min(1).max(20_000), repoUrl: z.string().max(2048).optional() }).strict(),
  /** Re-run a finished run's prompt on its repository (a follow-up continues on the same pull request). */
  z.object({ type: z.literal('rerun'), requestId: RequestIdSchema }).strict(),
  /**
   * Continue the pull request a run opened or extended (issue 15). Only the run is named: the host takes
   * the repository and the pull request number from its own history, never from the page.
   * `prompt` asks for a new prompt; `edit_prompt` asks with the run's own prompt filled in (Edit & Re-run
   * of a follow-up); `address_review` turns the unresolved review threads into the task.
   */
  z.object({ type: z.literal('follow_up'), requestId: RequestIdSchema, action: FollowUpActionSchema }).strict(),
  z.object({ type: z.literal('cancel_run'), requestId: RequestIdSchema }).strict(),
  z.object({ type: z.literal('review_decision'), requestId: RequestIdSchema, decision: ReviewDecisionSchema }).strict(),
  /** Without `path`: every changed file of the run (the multi-file diff). */
  z.object({ type: z.literal('open_diff'), requestId: RequestIdSchema, path: z.string().min(1).max(4096).optional() }).strict(),
  z.object({ type: z.literal('open_external'), url: ExternalUrlSchema }).strict(),
  z.object({ type: z.literal('open_logs') }).strict(),
  z.object({ type: z.literal('set_api_key') }).strict(),
  /** Forget finished runs in the history list; running ones stay. */
  z.object({ type: z.literal('clear_history') }).strict(),
]);
export type PanelToHostMessage = z.infer<typeof PanelToHostMessageSchema>;

export type HostToPanelOf<T extends HostToPanelMessage['type']> = Extract<HostToPanelMessage, { type: T }>;
export type PanelToHostOf<T extends PanelToHostMessage['type']> = Extract<PanelToHostMessage, { type: T }>;

export type ParsedMessage<T> = { readonly ok: true; readonly message: T } | { readonly ok: false; readonly error: string };

function parseWith<T>(schema: z.ZodType<T>, value: unknown): ParsedMessage<T> {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, message: result.data };
  const issue = result.error.issues[0];
  return { ok: false, error: issue ? `${issue.path.join('.') || 'message'}: ${issue.message}` : 'malformed message' };
}

export function parseHostToPanelMessage(value: unknown): ParsedMessage<HostToPanelMessage> {
  return parseWith(HostToPanelMessageSchema, value);
}

export function parsePanelToHostMessage(value: unknown): ParsedMessage<PanelToHostMessage> {
  return parseWith(PanelToHostMessageSchema, value);
}
