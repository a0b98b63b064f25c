/** Collects streamed text up to a byte limit and remembers whether anything was dropped. */
export class CappedText {
  private readonly parts: string[] = [];
  private size = 0;
  truncated = false;

  constructor(private readonly limitBytes: number) {}

  push(chunk: string): void {
    if (this.size >= this.limitBytes) {
      if (chunk.length > 0) this.truncated = true;
      return;
    }
    const bytes = Buffer.byteLength(chunk);
    if (this.size + bytes <= this.limitBytes) {
      this.parts.push(chunk);
      this.size += bytes;
      return;
    }
    const kept = Buffer.from(chunk).subarray(0, this.limitBytes - this.size).toString('utf8');
    this.parts.push(kept);
    this.size = this.limitBytes;
    this.truncated = true;
  }

  text(): string {
    return this.parts.join('');
  }
}
