import { open, stat } from 'node:fs/promises';

/**
 * Follows one growing JSON-lines file like `tail -F`: each `read()` returns the complete lines appended
 * since the last call. A file that shrank or was replaced (rotation) is read again from the start; a
 * partial last line waits for its newline.
 */
export class FileTail {
  private offset = 0;
  private inode: number | undefined;
  /** Bytes after the last newline: kept as bytes so a character split across reads survives. */
  private partial = Buffer.alloc(0);

  constructor(readonly file: string) {}

  async read(maxBytes = 4 * 1024 * 1024): Promise<Record<string, unknown>[]> {
    const info = await stat(this.file).catch(() => undefined);
    if (!info) {
      this.reset(undefined);
      return [];
    }
    this.inode ??= info.ino;
    if (info.ino !== this.inode || info.size < this.offset) this.reset(info.ino);
    if (info.size === this.offset) return [];
    const length = Math.min(maxBytes, info.size - this.offset);
    const handle = await open(this.file, 'r');
    let bytes: Buffer;
    try {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, this.offset);
      this.offset += bytesRead;
      bytes = Buffer.concat([this.partial, buffer.subarray(0, bytesRead)]);
    } finally {
      await handle.close();
    }
    const end = bytes.lastIndexOf(0x0a);
    this.partial = Buffer.from(bytes.subarray(end + 1));
    const lines = end === -1 ? [] : bytes.subarray(0, end).toString('utf8').split('\n');
    const records: Record<string, unknown>[] = [];
    for (const line of lines) {
      if (line.trim() === '') continue;
      try {
        const parsed: unknown = JSON.parse(line);
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) records.push(parsed as Record<string, unknown>);
      } catch {
        // A damaged line: the monitor shows live activity, `health` counts damage.
      }
    }
    return records;
  }

  private reset(inode: number | undefined): void {
    this.inode = inode;
    this.offset = 0;
    this.partial = Buffer.alloc(0);
  }
}
