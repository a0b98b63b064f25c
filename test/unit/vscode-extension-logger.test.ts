import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { LazyLogger, passesChannelLevel } from '../../src/vscode/logging/extension-logger';

test('the output channel level decides, and Off writes nothing', () => {
  assert.equal(passesChannelLevel('debug', 3), false);
  assert.equal(passesChannelLevel('info', 3), true);
  assert.equal(passesChannelLevel('debug', 2), true);
  assert.equal(passesChannelLevel('trace', 1), true);
  assert.equal(passesChannelLevel('error', 0), false);
});

test('a level change applies to the next line, in the channel and app.log alike; known secrets are redacted', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'tb-lazy-logger-'));
  try {
    let channelLevel = 3;
    const mirrored: string[] = [];
    const logger = new LazyLogger(() => ({ dir, level: 'info', mirror: (level, message) => mirrored.push(`${level} ${message}`) }), () => channelLevel);
    const secret = `sk-ant-test-${'q'.repeat(24)}`;
    logger.addKnownSecrets([secret]);
    logger.debug('hidden at info');
    channelLevel = 2;
    logger.debug('shown at debug');
    logger.info(`key is ${secret}`);
    await logger.close();
    assert.deepEqual(mirrored, ['debug shown at debug', 'info key is [REDACTED]']);
    const app = await readFile(path.join(dir, 'app.log'), 'utf8');
    assert.match(app, /shown at debug/);
    assert.doesNotMatch(app, /hidden at info/);
    assert.equal(app.includes(secret), false);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
