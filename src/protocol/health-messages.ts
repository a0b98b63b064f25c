import { z } from 'zod';
import { HealthReportSchema, LiveMetricsSchema, StepTimingSchema } from './health-report';

/**
 * Messages between the health view's webview and the extension host, one typed union per direction.
 * The webview sends `ready` before the host posts anything; both sides validate what they receive.
 */

/** The run streaming right now, so the waterfall grows step by step before its trace is analysed. */
export const LiveRunSchema = z.object({
  request_id: z.string(),
  repo: z.string().optional(),
  started_at: z.string(),
  current_step: z.string().optional(),
  progress: z.number().min(0).max(100),
  steps: z.array(StepTimingSchema),
});
export type LiveRun = z.infer<typeof LiveRunSchema>;

export const HealthHostMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('report'), report: HealthReportSchema }),
  z.object({ type: z.literal('live'), metrics: LiveMetricsSchema, runs: z.array(LiveRunSchema) }),
  z.object({ type: z.literal('error'), message: z.string() }),
]);
export type HealthHostMessage = z.infer<typeof HealthHostMessageSchema>;

export const HealthViewMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('refresh') }),
  /** Opens the run's trace (every event of that request id) in an editor. */
  z.object({ type: z.literal('openTrace'), request_id: z.string().min(1).max(128) }),
]);
export type HealthViewMessage = z.infer<typeof HealthViewMessageSchema>;
