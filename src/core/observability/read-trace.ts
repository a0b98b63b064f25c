import { RunEventSchema, type RunEvent } from '../../protocol/run-events';
import { isSafeRequestId, traceFilePath } from '../logging/log-files';
import { readJsonLines } from './read-json-lines';

export interface ReadTraceResult {
  /** Events that match the current run-event schema, in `seq` order. */
  readonly events: RunEvent[];
  /** Lines that were not valid events (damaged, or written by a newer version). */
  readonly skipped: number;
}

/** Reads a run's trace back as typed events, to inspect or replay it. */
export async function readTrace(logDir: string, requestId: string): Promise<ReadTraceResult> {
  if (!isSafeRequestId(requestId)) return { events: [], skipped: 0 };
  const result = await readJsonLines(traceFilePath(logDir, requestId));
  const events: RunEvent[] = [];
  let skipped = result.malformed;
  for (const record of result.records) {
    const parsed = RunEventSchema.safeParse(record);
    if (parsed.success) events.push(parsed.data);
    else skipped += 1;
  }
  events.sort((a, b) => a.seq - b.seq);
  return { events, skipped };
}
