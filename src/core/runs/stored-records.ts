import { createHash } from 'node:crypto';
import type { RunEvent, RunEventOf } from '../../protocol/run-events';

type TextDelta = RunEventOf<'ai_message'>;

/**
 * Consecutive streamed text deltas of one run (same step, provider, type and progress, consecutive
 * seqs) kept as one record: what they share once, and per delta only its text and its time. A model
 * streams thousands of deltas a turn; stored one object each they dominated a run's memory and its
 * event bound. Each delta is rebuilt exactly, with its own seq, when the group is read.
 */
export interface DeltaGroup {
  readonly kind: 'deltas';
  /** Seq of the first delta; delta `i` has seq `first + i`. */
  readonly first: number;
  readonly version: TextDelta['version'];
  readonly request_id: string;
  readonly type: TextDelta['type'];
  readonly step: NonNullable<TextDelta['step']>;
  readonly provider: string;
  readonly progress: number;
  readonly text: string[];
  /** Each delta's `timestamp` as epoch milliseconds (only deltas whose timestamp round-trips join). */
  readonly at: number[];
}

/** Any other event, kept whole except its patch, which is stored once beside the run and referenced. */
export interface EventRecord {
  readonly kind: 'event';
  readonly event: RunEvent;
  /** Content address (`sha256:<hex>`) of the patch taken out of the event. */
  readonly patchRef?: string;
}

export type StoredRecord = DeltaGroup | EventRecord;

/** The keys a plain text delta has; a delta with any other key is stored whole, so it reads back exactly. */
const DELTA_KEYS: ReadonlySet<string> = new Set(['version', 'seq', 'request_id', 'timestamp', 'type', 'message', 'step', 'progress', 'kind', 'provider']);

/** The timestamp's epoch milliseconds when it is exactly what `toISOString` makes of them, else undefined. */
function exactMillis(timestamp: string): number | undefined {
  const millis = Date.parse(timestamp);
  if (!Number.isFinite(millis)) return undefined;
  return new Date(millis).toISOString() === timestamp ? millis : undefined;
}

/** The delta's time in epoch milliseconds when it can join a group, else undefined (it is kept whole). */
function groupableMillis(event: RunEvent): number | undefined {
  if (event.kind !== 'ai_message' || event.step === undefined) return undefined;
  for (const key in event) if (!DELTA_KEYS.has(key)) return undefined;
  return exactMillis(event.timestamp);
}

export function firstSeq(record: StoredRecord): number {
  return record.kind === 'deltas' ? record.first : record.event.seq;
}

export function lastSeq(record: StoredRecord): number {
  return record.kind === 'deltas' ? record.first + record.text.length - 1 : record.event.seq;
}

/** A new group holding this one delta, or undefined when the event cannot be grouped. */
export function startGroup(event: RunEvent): DeltaGroup | undefined {
  const millis = groupableMillis(event);
  if (millis === undefined || event.kind !== 'ai_message' || event.step === undefined) return undefined;
  return {
    kind: 'deltas',
    first: event.seq,
    version: event.version,
    request_id: event.request_id,
    type: event.type,
    step: event.step,
    provider: event.provider,
    progress: event.progress,
    text: [event.message],
    at: [millis],
  };
}

/**
 * When the delta continues the group (groupable, the next seq, the same run, step, provider, type and
 * progress), its time in epoch milliseconds, to pass to `addDelta`; else undefined.
 */
export function continuesGroup(group: DeltaGroup, event: RunEvent): number | undefined {
  if (event.kind !== 'ai_message' || event.seq !== lastSeq(group) + 1) return undefined;
  if (event.request_id !== group.request_id || event.version !== group.version || event.type !== group.type) return undefined;
  if (event.step !== group.step || event.provider !== group.provider || event.progress !== group.progress) return undefined;
  return groupableMillis(event);
}

/** Adds a delta that `continuesGroup` accepted, with the time it returned. */
export function addDelta(group: DeltaGroup, event: TextDelta, millis: number): void {
  group.text.push(event.message);
  group.at.push(millis);
}

/**
 * ISO timestamps of consecutive deltas mostly share their second: rebuilding each one with `toISOString`
 * was most of a replay's cost, so the text up to the milliseconds is kept from the previous delta.
 */
class IsoTimes {
  private second = Number.NaN;
  private prefix = '';

  format(millis: number): string {
    if (millis < 0 || !Number.isInteger(millis)) return new Date(millis).toISOString();
    const second = Math.floor(millis / 1000);
    if (second !== this.second) {
      this.second = second;
      this.prefix = new Date(second * 1000).toISOString().slice(0, -4);
    }
    return `${this.prefix}${String(millis % 1000).padStart(3, '0')}Z`;
  }
}

/** Delta `index` of the group, rebuilt as it was appended. */
export function deltaAt(group: DeltaGroup, index: number, times: IsoTimes = new IsoTimes()): TextDelta {
  return {
    version: group.version,
    seq: group.first + index,
    request_id: group.request_id,
    timestamp: times.format(group.at[index] ?? 0),
    type: group.type,
    message: group.text[index] ?? '',
    step: group.step,
    progress: group.progress,
    kind: 'ai_message',
    provider: group.provider,
  };
}

/** The record's events with `seq > afterSeq`, the patch put back from `patchOf`. */
export function expandRecord(record: StoredRecord, afterSeq: number, patchOf: (ref: string) => string, into: RunEvent[] = []): RunEvent[] {
  if (record.kind === 'deltas') {
    const times = new IsoTimes();
    for (let index = Math.max(0, afterSeq + 1 - record.first); index < record.text.length; index += 1) into.push(deltaAt(record, index, times));
    return into;
  }
  if (record.event.seq <= afterSeq) return into;
  into.push(record.patchRef === undefined ? record.event : ({ ...record.event, patch: patchOf(record.patchRef) } as RunEvent));
  return into;
}

/** Splits a large payload off an event: the event to store, and the patch with its content address. */
export function detachPatch(event: RunEvent): { record: EventRecord; patch?: { ref: string; text: string } } {
  if ((event.kind !== 'completed' && event.kind !== 'failed') || event.patch === undefined) return { record: { kind: 'event', event } };
  const { patch, ...rest } = event;
  const ref = `sha256:${createHash('sha256').update(patch).digest('hex')}`;
  return { record: { kind: 'event', event: rest as RunEvent, patchRef: ref }, patch: { ref, text: patch } };
}

/** Index of the record holding the first event with `seq > afterSeq` (records sorted by first seq). */
export function recordIndexAfter(firstSeqs: readonly number[], afterSeq: number): number {
  // The last record starting at or before afterSeq + 1 may hold it (a group straddling afterSeq).
  let low = 0;
  let high = firstSeqs.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((firstSeqs[middle] ?? 0) <= afterSeq + 1) low = middle + 1;
    else high = middle;
  }
  return Math.max(0, low - 1);
}

/** What a record costs against a run's byte bound: text of a delta, JSON of anything else (patch apart). */
export function storedBytesOf(record: EventRecord): number {
  return Buffer.byteLength(JSON.stringify(record.event));
}
