// Two processes logging into one directory at once, with rotation: every line arrives exactly once.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { readLogDir } from '../../src/core/observability/log-dir-reader';

const CHILD = path.join(__dirname, '../support/log-writer-child.ts');
const LINES = 3000;

function writer(dir: string, name: string): Promise<number | null> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, name, String(LINES)], { stdio: ['ignore', 'ignore', 'inherit'] });
  return new Promise((resolve) => child.once('exit', resolve));
}

test('two writers on one log directory lose and duplicate nothing, rotated files included', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'tb-two-writers-'));
  try {
    assert.deepEqual(await Promise.all([writer(dir, 'a'), writer(dir, 'b')]), [0, 0]);
    const names = await readdir(dir);
    assert.ok(names.some((name) => name.endsWith('.log.gz')), 'rotation happened');
    assert.ok(names.some((name) => /^app\.w\d+\./.test(name)), 'the second process wrote its own files');
    assert.ok(!names.includes('.writer.lock'), 'the primary released the directory');
    const contents = await readLogDir(dir);
    assert.equal(contents.source.malformedLines, 0, 'no torn or corrupt line, no broken gzip');
    for (const name of ['a', 'b']) {
      const seen = contents.logs.app.filter((record) => record.writer === name && record.msg === 'line').map((record) => Number(record.n));
      assert.equal(seen.length, LINES, `${name}: every line once`);
      assert.equal(new Set(seen).size, LINES, `${name}: no duplicate`);
      const errors = contents.logs.errors.filter((record) => record.writer === name);
      assert.equal(errors.length, LINES / 50, `${name}: every error line once in errors.log`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
