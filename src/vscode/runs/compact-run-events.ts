// Pure: keeps a run's event list small enough to hold in memory, post to the panel and persist in
// workspaceState, without losing what the panel shows: streamed AI deltas are merged, long tool
// payloads are shortened, and when a run grows past its budget the oldest activity goes first.
import type { RunEvent } from '../../protocol/run-events';

export interface CompactionLimits {
  /** Longest kept text of a tool payload (old/new strings, command output). */
  readonly maxFieldChars: number;
  /** Longest kept merged AI message. */
  readonly maxMessageChars: number;
  readonly maxEvents: number;
}

export const LIVE_LIMITS: CompactionLimits = { maxFieldChars: 4_000, maxMessageChars: 20_000, maxEvents: 1_000 };
export const STORED_LIMITS: CompactionLimits = { maxFieldChars: 1_000, maxMessageChars: 8_000, maxEvents: 300 };

export const TRUNCATION_MARK = '\n… (shortened)';

/** Events the panel can lose first: the step list, review, usage and outcome never go. */
const ACTIVITY_KINDS: ReadonlySet<RunEvent['kind']> = new Set(['thinking', 'tool', 'ai_message', 'step_progress']);

export function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - TRUNCATION_MARK.length))}${TRUNCATION_MARK}`;
}

/** One event, with long payloads shortened; the patch is dropped (the diff editor shows the change). */
export function compactEvent(event: RunEvent, limits: CompactionLimits): RunEvent {
  switch (event.kind) {
    case 'tool':
      return {
        ...event,
        ...(event.old_str !== undefined ? { old_str: shorten(event.old_str, limits.maxFieldChars) } : {}),
        ...(event.new_str !== undefined ? { new_str: shorten(event.new_str, limits.maxFieldChars) } : {}),
        ...(event.output !== undefined ? { output: shorten(event.output, limits.maxFieldChars) } : {}),
        ...(event.command !== undefined ? { command: shorten(event.command, limits.maxFieldChars) } : {}),
      };
    case 'ai_message':
      return { ...event, message: shorten(event.message, limits.maxMessageChars) };
    case 'completed': {
      const { patch: _patch, ...rest } = event;
      return rest;
    }
    default:
      return event.message.length > limits.maxMessageChars ? { ...event, message: shorten(event.message, limits.maxMessageChars) } : event;
  }
}

/**
 * Appends `event` to `events` in place. A streamed AI delta that continues the previous one is merged
 * into it (keeping the newest seq, so replay de-duplication still works).
 */
export function appendCompacted(events: RunEvent[], incoming: RunEvent, limits: CompactionLimits): void {
  const event = compactEvent(incoming, limits);
  const last = events[events.length - 1];
  if (event.kind === 'ai_message' && last?.kind === 'ai_message' && last.provider === event.provider && last.step === event.step) {
    events[events.length - 1] = { ...event, message: shorten(last.message + event.message, limits.maxMessageChars) };
    return;
  }
  events.push(event);
  trimActivity(events, limits.maxEvents);
}

function trimActivity(events: RunEvent[], maxEvents: number): void {
  while (events.length > maxEvents) {
    const index = events.findIndex((event) => ACTIVITY_KINDS.has(event.kind));
    if (index === -1) return;
    events.splice(index, 1);
  }
}

/** A whole list compacted to other limits (for storage). */
export function compactEvents(events: readonly RunEvent[], limits: CompactionLimits): RunEvent[] {
  const result: RunEvent[] = [];
  for (const event of events) appendCompacted(result, event, limits);
  return result;
}
