// runProcess without any sandbox: a timeout kills the whole tree, setsid children included (found through
// /proc parent links before anything dies), and a reached output cap is loud unless the caller asked to
// truncate. Real processes, nothing mocked.

import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { hasCode } from '../../src/core/errors/tiny-backspace-error';
import { runProcess } from '../../src/core/process/run-process';

const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };

async function processesWith(marker: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(marker)) found.push(Number(entry));
  }
  return found;
}

/** SIGKILL is delivered at once, but reaping takes a moment: wait for the list to empty, bounded. */
async function leftAfter(marker: string, boundMs = 5_000): Promise<number[]> {
  const deadline = Date.now() + boundMs;
  let left = await processesWith(marker);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    left = await processesWith(marker);
  }
  return left;
}

describe('process trees and output caps', { skip: process.platform !== 'linux' && 'needs Linux /proc' }, () => {
  test('at the timeout a setsid child is killed with its parent, though it left the process group', async () => {
    const marker = `tb-unisolated-setsid-${process.pid}`;
    // "started" once the setsid child runs, so the kill provably had something to find.
    const script = `setsid bash -c 'exec -a ${marker} sleep 1000' & until pgrep -f ${marker} >/dev/null; do sleep 0.05; done; echo started; sleep 1000`;
    const result = await runProcess(['bash', '-c', script], { env, timeoutMs: 5_000 });
    assert.equal(result.timedOut, true);
    assert.equal(result.stdout, 'started\n');
    assert.deepEqual(await leftAfter(marker), [], 'the setsid child must not outlive its timeout');
  });

  test('cancelling kills the setsid child too', async () => {
    const marker = `tb-unisolated-cancel-${process.pid}`;
    const controller = new AbortController();
    const running = runProcess(['bash', '-c', `setsid bash -c 'exec -a ${marker} sleep 1000' & echo started; sleep 1000`], {
      env,
      signal: controller.signal,
      onStdout: () => setTimeout(() => controller.abort(), 100),
    });
    await assert.rejects(running, (error: Error) => error.name === 'CancelledError' || /cancel/i.test(error.message));
    assert.deepEqual(await leftAfter(marker), []);
  });

  test('a reached output cap is an error by default, never a silent cut', async () => {
    await assert.rejects(runProcess(['bash', '-c', 'head -c 300000 /dev/zero | tr "\\0" x; sleep 1000'], { env, maxOutputBytes: 64 * 1024, timeoutMs: 20_000 }), (error) => {
      assert.ok(hasCode(error, 'output_too_large'));
      assert.match((error as Error).message, /more than 0\.1 MiB to stdout/);
      return true;
    });
  });

  test('a caller that shows output may ask for the head and a truncated flag, and still streams everything', async () => {
    let streamed = 0;
    const result = await runProcess(['bash', '-c', 'head -c 300000 /dev/zero | tr "\\0" x'], {
      env,
      maxOutputBytes: 64 * 1024,
      onOverflow: 'truncate',
      onStdout: (chunk) => {
        streamed += chunk.length;
      },
    });
    assert.equal(result.truncated, true);
    assert.equal(result.stdout.length, 64 * 1024);
    assert.equal(streamed, 300_000);
  });
});
