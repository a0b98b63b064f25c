import { TinyBackspaceError } from '../../errors/tiny-backspace-error';

function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'undefined';
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${stableJson(item)}`).join(',')}}`;
}

/**
 * Stops a model that repeats itself: the same tool call with the same input, `limit` times, while nothing
 * in the workspace changed in between. Re-reading a file after editing it is progress, so every successful
 * change starts a new epoch.
 */
export class LoopDetector {
  private epoch = 0;
  private readonly seen = new Map<string, number>();

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

  /** The workspace changed: earlier repeats no longer count. */
  progressed(): void {
    this.epoch += 1;
  }
}
