// Each shape below reached app.log unredacted before; ordinary text around them must survive intact.

import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { createLogger } from '../../src/core/logging/create-logger';
import { redactLogText } from '../../src/core/logging/redact-log-record';

// An opaque token shape no vendor pattern knows: only its context can give it away.
const OPAQUE = ['opaque', 'Credential', 'Value', '0123456789'].join('');

test('credentials recognised by context are redacted in app.log, and nothing else changes', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'tb-redaction-gaps-'));
  try {
    const serverToken = ['generated', 'ServerToken', 'x'.repeat(30)].join('');
    const logger = createLogger({ dir, level: 'debug' });
    logger.addKnownSecrets([serverToken]);
    logger.info('request with an auth option', { auth: OPAQUE, author: 'alice' });
    logger.info(`fetching https://api.example.com/repos?access_token=${OPAQUE}&page=2`);
    logger.info(`remote is https://${OPAQUE}@github.com/octo/widgets.git`);
    logger.info(`sdk request {"authorization":"Bearer ${OPAQUE}","accept":"application/json"}`);
    logger.info('server token in a message', { note: `token is ${serverToken}` });
    logger.info('ordinary code', { line: '.task-card__header--highlighted-primary { color: red } // Basic usage' });
    await logger.close();
    const raw = await readFile(path.join(dir, 'app.log'), 'utf8');
    // Field values as written, unescaped: the message of one line holds JSON text.
    const text = raw
      .trim()
      .split('\n')
      .map((line) => Object.values(JSON.parse(line) as Record<string, unknown>).map((value) => (typeof value === 'string' ? value : JSON.stringify(value))).join(' '))
      .join('\n');
    assert.ok(!text.includes(OPAQUE), text);
    assert.ok(!text.includes(serverToken));
    for (const kept of ['alice', 'page=2', '@github.com/octo/widgets.git', '"accept":"application/json"', '.task-card__header--highlighted-primary { color: red } // Basic usage']) {
      assert.ok(text.includes(kept), `kept: ${kept}`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('context patterns leave URLs without credentials and prose alone', () => {
  for (const plain of ['https://github.com/octo/widgets', 'see https://example.com/a?page=2&sort=asc', 'Basic authentication is off', 'git@github.com:octo/widgets.git']) {
    assert.equal(redactLogText(plain), plain);
  }
});
