import { cutMarker } from './tool-text';

/**
 * A command's combined output, bounded while it streams: the first `headChars` and the last `tailChars`
 * are kept, and what lies between is counted and replaced by one marker. Test runners print the failing
 * test at the end, compilers the first error at the start; both ends matter.
 */
export class HeadTailOutput {
  private head = '';
  private tail = '';
  private cutChars = 0;
  private cutLines = 0;

  constructor(
    private readonly headChars: number,
    private readonly tailChars: number,
  ) {}

  push(chunk: string): void {
    let rest = chunk;
    if (this.head.length < this.headChars) {
      const room = this.headChars - this.head.length;
      this.head += rest.slice(0, room);
      rest = rest.slice(room);
    }
    if (rest === '') return;
    this.tail += rest;
    if (this.tail.length > this.tailChars * 2) this.trimTail();
  }

  get truncated(): boolean {
    return this.cutChars > 0 || this.tail.length > this.tailChars;
  }

  text(): string {
    this.trimTail();
    return this.cutChars === 0 ? this.head + this.tail : `${this.head}${cutMarker(this.cutChars, this.cutLines)}${this.tail}`;
  }

  private trimTail(): void {
    if (this.tail.length <= this.tailChars) return;
    const dropped = this.tail.slice(0, this.tail.length - this.tailChars);
    this.cutChars += dropped.length;
    for (let index = dropped.indexOf('\n'); index >= 0; index = dropped.indexOf('\n', index + 1)) this.cutLines += 1;
    this.tail = this.tail.slice(dropped.length);
  }
}

/**
 * Live output for the run's events: whole lines only (so a token split across two chunks is still
 * scrubbed), at most one event per `intervalMs`, each chunk bounded. `flush` sends the rest at the end.
 */
export class ThrottledLines {
  private pending = '';
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly send: (lines: string) => void,
    private readonly intervalMs: number,
    private readonly maxChars: number,
  ) {}

  push(chunk: string): void {
    this.pending += chunk;
    // A very long line with no newline yet is flushed anyway, so memory stays bounded.
    if (this.pending.length > this.maxChars * 4) this.emit(true);
    else if (this.timer === undefined) this.timer = setTimeout(() => this.emit(false), this.intervalMs);
  }

  flush(): void {
    this.emit(true);
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private emit(all: boolean): void {
    this.dispose();
    const end = all ? this.pending.length : this.pending.lastIndexOf('\n') + 1;
    if (end <= 0) {
      if (this.pending !== '') this.timer = setTimeout(() => this.emit(false), this.intervalMs);
      return;
    }
    const lines = this.pending.slice(0, end);
    this.pending = this.pending.slice(end);
    const trimmed = lines.replace(/\n$/, '');
    if (trimmed !== '') this.send(trimmed.length > this.maxChars ? `… ${trimmed.slice(trimmed.length - this.maxChars)}` : trimmed);
    if (this.pending !== '') this.timer = setTimeout(() => this.emit(false), this.intervalMs);
  }
}
