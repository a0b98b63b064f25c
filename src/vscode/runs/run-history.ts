// Pure (storage injected): the recent runs the panel shows, fed by every event of every run (the Run
// command's, and the local server's), kept across window reloads in workspaceState. The in-memory run
// registry dies with the extension host; this is what brings the panel back with its history.
// Unit-tested in test/unit/vscode-run-history.test.ts.
import { isTerminalEvent, type RunEvent } from '../../protocol/run-events';
import { RunSnapshotSchema, type RunSnapshot } from '../../protocol/webview-messages';
import { LIVE_LIMITS, STORED_LIMITS, appendCompacted, compactEvents } from './compact-run-events';

/** The shape of `vscode.Memento`, injected. */
export interface HistoryStorage {
  get(key: string): unknown;
  update(key: string, value: unknown): Thenable<void> | Promise<void>;
}

export interface RunHistoryOptions {
  readonly maxRuns?: number;
  /** Upper bound of the JSON kept in storage; the oldest runs go first. */
  readonly maxStoredBytes?: number;
  readonly onError?: (error: unknown) => void;
}

export const HISTORY_STORAGE_KEY = 'tinyBackspace.runHistory.v1';

interface HistoryEntry {
  readonly requestId: string;
  repo: string;
  prompt: string;
  startedAt: string;
  interrupted: boolean;
  /** Highest seq recorded; a replayed event is not recorded twice. */
  lastSeq: number;
  readonly events: RunEvent[];
}

/** Events after which the history is written: the step list and the outcome survive a reload. */
const PERSIST_ON: ReadonlySet<RunEvent['kind']> = new Set(['run_started', 'step_started', 'step_finished', 'review_required', 'checks', 'completed', 'failed', 'cancelled']);

export class RunHistory {
  private entries: HistoryEntry[] | undefined;
  private readonly maxRuns: number;
  private readonly maxStoredBytes: number;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly storage: HistoryStorage,
    private readonly options: RunHistoryOptions = {},
  ) {
    this.maxRuns = options.maxRuns ?? 10;
    this.maxStoredBytes = options.maxStoredBytes ?? 2_000_000;
  }

  /** Newest first. */
  snapshot(): RunSnapshot[] {
    return this.load().map((entry) => ({
      requestId: entry.requestId,
      repo: entry.repo,
      prompt: entry.prompt,
      startedAt: entry.startedAt,
      interrupted: entry.interrupted,
      events: [...entry.events],
    }));
  }

  has(requestId: string): boolean {
    return this.load().some((entry) => entry.requestId === requestId);
  }

  record(event: RunEvent): void {
    const entries = this.load();
    let entry = entries.find((candidate) => candidate.requestId === event.request_id);
    if (!entry) {
      entry = { requestId: event.request_id, repo: '', prompt: '', startedAt: event.timestamp, interrupted: false, lastSeq: 0, events: [] };
      entries.unshift(entry);
      if (entries.length > this.maxRuns) entries.splice(this.maxRuns);
    }
    if (event.kind === 'run_started') {
      entry.repo = event.repo;
      entry.prompt = event.prompt;
      entry.startedAt = event.timestamp;
    }
    if (event.seq <= entry.lastSeq) return;
    entry.lastSeq = event.seq;
    appendCompacted(entry.events, event, LIVE_LIMITS);
    if (PERSIST_ON.has(event.kind)) void this.persist();
  }

  /** Forget every finished run (the panel's Clear History); running ones stay. */
  clearFinished(): void {
    const entries = this.load();
    const keep = entries.filter((entry) => !entry.interrupted && !entry.events.some(isTerminalEvent));
    entries.splice(0, entries.length, ...keep);
    void this.persist();
  }

  /** Resolves when the latest write has reached storage. */
  async flush(): Promise<void> {
    await this.persist();
  }

  private load(): HistoryEntry[] {
    if (this.entries) return this.entries;
    const stored = this.storage.get(HISTORY_STORAGE_KEY);
    const entries: HistoryEntry[] = [];
    for (const raw of Array.isArray(stored) ? stored : []) {
      const parsed = RunSnapshotSchema.safeParse(raw);
      if (!parsed.success) continue;
      const snapshot = parsed.data;
      // Whatever had not ended when the last extension host went away will never end now.
      const interrupted = snapshot.interrupted || !snapshot.events.some(isTerminalEvent);
      const lastSeq = snapshot.events.reduce((highest, event) => Math.max(highest, event.seq), 0);
      entries.push({ ...snapshot, interrupted, lastSeq, events: [...snapshot.events] });
    }
    this.entries = entries.slice(0, this.maxRuns);
    return this.entries;
  }

  private persist(): Promise<void> {
    const value = this.storable();
    this.writing = this.writing
      .then(() => this.storage.update(HISTORY_STORAGE_KEY, value))
      .catch((error: unknown) => this.options.onError?.(error));
    return this.writing;
  }

  private storable(): RunSnapshot[] {
    const runs = this.load().map((entry) => ({
      requestId: entry.requestId,
      repo: entry.repo,
      prompt: entry.prompt,
      startedAt: entry.startedAt,
      interrupted: entry.interrupted,
      events: compactEvents(entry.events, STORED_LIMITS),
    }));
    while (runs.length > 1 && JSON.stringify(runs).length > this.maxStoredBytes) runs.pop();
    return runs;
  }
}
