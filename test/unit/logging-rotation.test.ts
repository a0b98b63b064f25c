// Rotation through rotating-file-stream: a tiny size limit produces gzipped, owner-only rotated files,
// retention keeps maxFiles of them, and the analyser still reads every retained line.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { createLogger } from '../../src/core/logging/create-logger';
import { isLogFileOf } from '../../src/core/logging/log-files';
import { runWithRequestId } from '../../src/core/logging/request-context';
import { buildHealthReport } from '../../src/core/observability/build-health-report';

let root: string;
after(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

test('a small size limit rotates into gzipped 0600 files, keeps maxFiles of them, and the analyser reads them all', async () => {
  root = await mkdtemp(path.join(tmpdir(), 'tb-rotation-'));
  const dir = path.join(root, 'logs');
  const logger = createLogger({ dir, level: 'info', maxFileBytes: 2048, maxFiles: 3 });
  const total = 120;
  await runWithRequestId('rotating-run', async () => {
    for (let index = 0; index < total; index += 1) {
      logger.performance('step.clone', index, { outcome: 'ok', padding: 'x'.repeat(60) });
    }
  });
  await logger.close();

  const names = await readdir(dir);
  const rotated = names.filter((name) => isLogFileOf('performance', name) && name !== 'performance.log');
  assert.equal(rotated.length, 3, `maxFiles keeps 3 rotated files (found ${rotated.join(', ')})`);
  let retainedLines = 0;
  for (const name of [...rotated, 'performance.log']) {
    const file = path.join(dir, name);
    assert.equal((await stat(file)).mode & 0o777, 0o600, `${name} is owner-only`);
    const raw = await readFile(file);
    const text = name.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
    if (name.endsWith('.gz')) assert.deepEqual([...raw.subarray(0, 2)], [0x1f, 0x8b], `${name} is gzip`);
    for (const line of text.split('\n').filter(Boolean)) {
      assert.equal((JSON.parse(line) as { request_id: string }).request_id, 'rotating-run');
      retainedLines += 1;
    }
  }
  assert.ok(retainedLines < total, 'the oldest rotated files were deleted');
  assert.ok(retainedLines > (await readFile(path.join(dir, 'performance.log'), 'utf8')).split('\n').filter(Boolean).length, 'rotated files hold lines too');

  const report = await buildHealthReport({ logDir: dir });
  const clone = report.operations.find((operation) => operation.operation === 'step.clone');
  assert.equal(clone?.count, retainedLines, 'the analyser counts every retained line, rotated and live');
  assert.equal(clone?.max_ms, total - 1, 'the newest line is in the live file');
  assert.equal(report.source.malformed_lines, 0);
});
