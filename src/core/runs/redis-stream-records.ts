import { z } from 'zod';
import { EventTypeSchema, RUN_EVENT_SCHEMA_VERSION, RunEventSchema, StepNameSchema } from '../../protocol/run-events';
import { RunStoreError } from './run-store';
import { firstSeq, type DeltaGroup, type StoredRecord } from './stored-records';

/**
 * How stored records are laid out as Redis stream entries. The entry id is `0-<first seq>`, so ids rise
 * with seq and a reader finds the record holding any seq with one `XREVRANGE … COUNT 1`. An entry holds
 * one field: `g` (a group of deltas), or `e` (one event, the format entries had before groups existed)
 * with `b` naming the patch stored in its own key.
 */
const GROUP_FIELD = 'g';
const EVENT_FIELD = 'e';
const PATCH_REF_FIELD = 'b';

const DeltaGroupSchema = z
  .object({
    kind: z.literal('deltas'),
    first: z.number().int().positive(),
    version: z.literal(RUN_EVENT_SCHEMA_VERSION),
    request_id: z.string().min(1),
    type: EventTypeSchema,
    step: StepNameSchema,
    provider: z.string(),
    progress: z.number().min(0).max(100),
    text: z.array(z.string()).min(1),
    at: z.array(z.number()),
  })
  .refine((group) => group.at.length === group.text.length);

export function entryId(record: StoredRecord): string {
  return `0-${firstSeq(record)}`;
}

export function encodeRecord(record: StoredRecord): Record<string, string> {
  if (record.kind === 'deltas') return { [GROUP_FIELD]: JSON.stringify(record) };
  const fields: Record<string, string> = { [EVENT_FIELD]: JSON.stringify(record.event) };
  if (record.patchRef !== undefined) fields[PATCH_REF_FIELD] = record.patchRef;
  return fields;
}

export function decodeRecord(message: Record<string, string>): StoredRecord {
  const group = message[GROUP_FIELD];
  if (group !== undefined) {
    const parsed = DeltaGroupSchema.safeParse(JSON.parse(group));
    if (!parsed.success) throw new RunStoreError('The store holds a group of text deltas that is not valid.');
    return parsed.data as DeltaGroup;
  }
  const parsed = RunEventSchema.safeParse(JSON.parse(message[EVENT_FIELD] ?? 'null'));
  if (!parsed.success) throw new RunStoreError('The store holds an event that is not a run event.');
  const patchRef = message[PATCH_REF_FIELD];
  return patchRef === undefined ? { kind: 'event', event: parsed.data } : { kind: 'event', event: parsed.data, patchRef };
}

/** Patch refs the records name, to fetch their blobs in one round trip. */
export function patchRefsOf(records: readonly StoredRecord[]): string[] {
  const refs = new Set<string>();
  for (const record of records) if (record.kind === 'event' && record.patchRef !== undefined) refs.add(record.patchRef);
  return [...refs];
}
