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
    prompt: z.string().trim().min(1, 'prompt is required').max(MAX_PROMPT_LENGTH),
    base: z
      .string()
      .trim()
      .min(1)
      .max(255)
      .regex(/^(?!-)[A-Za-z0-9._\/-]+$/, 'base must be a branch name')
      .optional(),
    options: RunOptionsSchema.optional(),
  })
  .strict();
export type RunRequest = z.infer<typeof RunRequestSchema>;
