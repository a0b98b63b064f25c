import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';

export type JsonRecord = Record<string, unknown>;

export interface JsonLinesResult {
  readonly records: JsonRecord[];
  readonly lines: number;
  /** Lines that were not a JSON object, plus one for a file that could not be read or unzipped. */
  readonly malformed: number;
}

const GZIP_MAGIC = [0x1f, 0x8b];

async function isGzipped(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
  } finally {
    await handle.close();
  }
}

/**
 * Reads a JSON-lines file, gzipped or not (decided by content, not name), streaming so a large log does
 * not sit in memory as one string. Blank lines are ignored; anything else that is not a JSON object
 * `accept`s is skipped and counted. A last line without a newline that does not parse is a write in progress, not
 * damage, so it is neither returned nor counted.
 */
export async function readJsonLines(file: string, accept: (record: JsonRecord) => boolean = () => true): Promise<JsonLinesResult> {
  const records: JsonRecord[] = [];
  let lines = 0;
  let malformed = 0;
  const take = (line: string, terminated: boolean) => {
    const trimmed = line.trim();
    if (trimmed === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      parsed = undefined;
    }
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) && accept(parsed as JsonRecord)) {
      lines += 1;
      records.push(parsed as JsonRecord);
      return;
    }
    if (!terminated) return;
    lines += 1;
    malformed += 1;
  };
  try {
    const gzipped = await isGzipped(file);
    const input = createReadStream(file);
    const source = gzipped ? input.pipe(createGunzip()) : input;
    input.on('error', (error) => source.destroy(error));
    const decoder = new StringDecoder('utf8');
    let pending = '';
    for await (const chunk of source) {
      pending += decoder.write(chunk as Buffer);
      let start = 0;
      for (let newline = pending.indexOf('\n'); newline !== -1; newline = pending.indexOf('\n', start)) {
        take(pending.slice(start, newline), true);
        start = newline + 1;
      }
      pending = pending.slice(start);
    }
    pending += decoder.end();
    take(pending, false);
  } catch (error) {
    // Rotated away between listing and reading: not damage. Unreadable or a broken gzip stream: keep
    // what was read and count the damage once.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') malformed += 1;
  }
  return { records, lines, malformed };
}
