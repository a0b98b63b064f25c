import { TinyBackspaceError } from '../../errors/tiny-backspace-error';

function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'undefined';
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${stableJson(item)}`).join(',')}}`;
}

/** Tools that try to change the workspace (by name, so tools added later are covered by their verb). */
const CHANGE_ATTEMPT = /^(edit|multi_edit|create|write|overwrite|delete|remove|rename|move|append|apply|replace)/;

/**
 * Stops a model that repeats itself: the same tool call with the same input, `limit` times, while nothing
 * in the workspace changed in between. Two things start a new epoch (earlier repeats stop counting):
 * - a change that succeeded (re-reading a file after editing it is progress);
 * - an attempt at a change never tried before in this run, even one that failed: read → failed edit →
 *   read → a different failed edit → read is the model recovering, as the edit error tells it to. The
 *   same failed edit sent again is no new attempt, so a real loop is still caught.
 */
export class LoopDetector {
  private epoch = 0;
  private readonly seen = new Map<string, number>();
  private readonly attempts = new Set<string>();

  constructor(private readonly limit = 3) {}

  /** Records a call; throws `loop_detected` on the `limit`-th identical call in one epoch. */
  record(name: string, input: unknown): void {
    const key = `${this.epoch}\u0000${name}\u0000${stableJson(input)}`;
    const count = (this.seen.get(key) ?? 0) + 1;
    this.seen.set(key, count);
    if (count >= this.limit) {
      throw new TinyBackspaceError('loop_detected', `The agent repeated the same ${name} call ${count} times without changing anything, so it was stopped.`, {
        remedy: 'Make the prompt more specific (name the file and the text to change), then run again. No pull request was opened.',
      });
    }
  }

  /** After a call ran: a success that changed files, or a new attempt at a change, is progress. */
  executed(name: string, input: unknown, mutated: boolean): void {
    if (mutated) {
      this.progressed();
      return;
    }
    if (!CHANGE_ATTEMPT.test(name)) return;
    const key = `${name}\u0000${stableJson(input)}`;
    if (this.attempts.has(key)) return;
    this.attempts.add(key);
    this.progressed();
  }

  /** The workspace changed: earlier repeats no longer count. */
  progressed(): void {
    this.epoch += 1;
  }
}
