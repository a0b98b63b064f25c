// Worst-case costs of what the sandbox does with repository content: listing a 100,000-entry checkout
// for import (credential filter, every fifth entry a symlink that must be resolved), streaming it to an
// archive (the E2B upload path) with peak memory, and the /proc walk behind every process-tree kill.
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { descendantsOf } from '../src/core/process/kill-tree';
import { listTreeForSandbox } from '../src/core/sandbox/secret-withholding';
import { streamTree } from '../src/core/sandbox/tree-archive';

const FILES = Number(process.env.TB_BENCH_IMPORT_FILES ?? 100_000);

async function makeTree(root: string): Promise<void> {
  for (let dir = 0; dir * 1000 < FILES; dir += 1) {
    const folder = path.join(root, `pkg${dir}`, 'src', 'deep');
    await mkdir(folder, { recursive: true });
    const writes: Promise<void>[] = [];
    for (let file = 0; file < 1000 && dir * 1000 + file < FILES; file += 1) {
      const name = path.join(folder, file % 97 === 0 ? `.env.${file}` : `module${file}.ts`);
      writes.push(file % 5 === 4 ? symlink(`module${file - 1}.ts`, name) : writeFile(name, `export const value${file} = ${file};\n`));
    }
    await Promise.all(writes);
  }
}

export async function benchSandboxImport(): Promise<Record<string, number | string>> {
  const root = await mkdtemp(path.join(tmpdir(), 'tb-bench-import-'));
  const signal = new AbortController().signal;
  try {
    const made = performance.now();
    await makeTree(root);
    const madeMs = performance.now() - made;

    const listed = performance.now();
    const listing = await listTreeForSandbox(root, signal);
    const listMs = performance.now() - listed;

    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    const streamed = performance.now();
    const archive = await streamTree(root, signal);
    let bytes = 0;
    await archive.stream.pipeTo(
      Writable.toWeb(
        new Writable({
          write(chunk: Buffer, _encoding, done) {
            bytes += chunk.length;
            done();
          },
        }),
      ) as WritableStream<Uint8Array>,
    );
    await archive.finished;
    const streamMs = performance.now() - streamed;
    clearInterval(sampler);

    const walked = performance.now();
    for (let i = 0; i < 20; i += 1) descendantsOf(process.pid);
    const walkMs = (performance.now() - walked) / 20;

    return {
      'entries (files + dirs)': listing.kept.length + listing.withheld.length,
      'credential files withheld': listing.withheld.length,
      'create the tree (ms)': Math.round(madeMs),
      'list + filter for the sandbox (ms)': Math.round(listMs),
      'list + tar + gzip, streamed (ms)': Math.round(streamMs),
      'archive size (KiB)': Math.round(bytes / 1024),
      'peak RSS growth while streaming (MiB)': Math.round(((peak - rssBefore) / (1024 * 1024)) * 10) / 10,
      'process-tree walk of /proc (ms each)': Math.round(walkMs * 100) / 100,
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
