import { z } from 'zod';

export const SandboxModeSchema = z.enum(['auto', 'e2b', 'local']);
export type SandboxMode = z.infer<typeof SandboxModeSchema>;

export const MAX_PROMPT_LENGTH = 20_000;

/** Per-run options a host may set; every field is optional and falls back to the host's configuration. */
export const RunOptionsSchema = z
  .object({
    sandbox: SandboxModeSchema.optional(),
    dryRun: z.boolean().optional(),
    draft: z.boolean().optional(),
    /** Keep the run going when the SSE client that started it disconnects. */
    keepRunningOnDisconnect: z.boolean().optional(),
    allowFailingChecks: z.boolean().optional(),
    maxTurns: z.number().int().min(1).max(200).optional(),
    maxCostUsd: z.number().min(0).optional(),
    /**
     * Names the request across retries: a run with the key of an earlier one reuses its branch and
     * returns its open PR instead of opening a second. Without it, repository + base commit + prompt do.
     */
    idempotencyKey: z.string().trim().min(1).max(200).regex(/^[\x21-\x7e]+$/, 'idempotencyKey must be printable ASCII without spaces').optional(),
  })
  .strict();
export type RunOptions = z.infer<typeof RunOptionsSchema>;

/** What a user asks for: the same shape for the CLI, the extension and `POST /code`. */
export const RunRequestSchema = z
  .object({
    repoUrl: z.string().trim().min(1, 'repoUrl is required').max(2048),
    /** Required, except when `addressReview` is set (then it is an optional extra instruction). */
    prompt: z
      .string()
      .trim()
      .min(1, 'prompt must not be empty')
      .max(MAX_PROMPT_LENGTH)
      .optional()
      .describe('What to change. Required unless addressReview is true (then an optional extra instruction).'),
    base: z
      .string()
      .trim()
      .min(1)
      .max(255)
      .regex(/^(?!-)[A-Za-z0-9._\/-]+$/, 'base must be a branch name')
      .optional(),
    options: RunOptionsSchema.optional(),
    // Follow-ups (issue 15): work on an open pull request's head branch instead of opening a new one.
    /** Number of an open pull request in `repoUrl`: the run adds one commit to its head branch. */
    pullRequest: z
      .number()
      .int()
      .positive()
      .max(2_147_483_647)
      .optional()
      .describe('Follow up on this open pull request: one new commit on its head branch (fast-forward, never forced), no new pull request.'),
    /** Turn the pull request's unresolved review threads into the task, and reply to each thread. */
    addressReview: z
      .boolean()
      .optional()
      .describe("With pullRequest: the PR's unresolved review threads become the task, and each thread gets a reply after the push."),
  })
  .strict()
  .superRefine((request, issues) => {
    if (request.addressReview === true && request.pullRequest === undefined) {
      issues.addIssue({ code: 'custom', path: ['addressReview'], message: 'addressReview needs pullRequest (the number of the pull request to work on)' });
    }
    if (request.prompt === undefined && request.addressReview !== true) {
      issues.addIssue({ code: 'custom', path: ['prompt'], message: 'prompt is required (it may be left out only with addressReview: true)' });
    }
  });
export type RunRequest = z.infer<typeof RunRequestSchema>;

/** What a follow-up that addresses review comments is called when the user gave no prompt of their own. */
export const ADDRESS_REVIEW_PROMPT = 'Address review comments';

/** The prompt a run reports and records: the user's, or the address-review task's name. */
export function requestPrompt(request: Pick<RunRequest, 'prompt' | 'addressReview'>): string {
  return request.prompt ?? ADDRESS_REVIEW_PROMPT;
}
