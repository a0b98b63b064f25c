// The file logger: one JSON-lines file per category, request ids from AsyncLocalStorage, secrets
// redacted by key and by value, owner-only files, the stderr/output-channel mirror, the async timer.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { after, test } from 'node:test';
import { createLogger, type LogLevel } from '../../src/core/logging/create-logger';
import type { LogFields } from '../../src/core/logging/logger';
import { runWithRequestId } from '../../src/core/logging/request-context';
import { timed } from '../../src/core/logging/timed';

const dirs: string[] = [];
after(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function logDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tb-logger-'));
  dirs.push(dir);
  return path.join(dir, 'logs');
}

async function lines(dir: string, file: string): Promise<Array<Record<string, unknown>>> {
  const text = await readFile(path.join(dir, file), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function allText(dir: string): Promise<string> {
  const files = ['app.log', 'errors.log', 'performance.log', 'agent_thinking.log'];
  return (await Promise.all(files.map((file) => readFile(path.join(dir, file), 'utf8').catch(() => '')))).join('\n');
}

test('each category goes to its own file, and every line carries the request id of the run that logged it, across concurrent runs', async () => {
  const dir = await logDir();
  const logger = createLogger({ dir, level: 'info' });
  // Two runs interleave their awaits (each yields to the event loop between lines); neither passes its id by hand.
  const run = (requestId: string) =>
    runWithRequestId(requestId, async () => {
      logger.info('run started', { repo: `octo/${requestId}` });
      await nextTurn();
      logger.thinking('Using Anthropic', { provider: 'anthropic', topic: 'provider' });
      await nextTurn();
      logger.performance('step.clone', 12.5, { outcome: 'ok' });
      await nextTurn();
      logger.error('run failed', Object.assign(new Error(`clone of ${requestId} failed`), { code: 'git_failed' }), { step: 'clone' });
    });
  await Promise.all([run('run-a'), run('run-b')]);
  logger.info('host line outside any run');
  await logger.close();

  const app = await lines(dir, 'app.log');
  const errors = await lines(dir, 'errors.log');
  const performance = await lines(dir, 'performance.log');
  const thinking = await lines(dir, 'agent_thinking.log');

  assert.equal(app.length, 5, 'app.log: 2 starts, 2 errors (errors are in app.log too), 1 host line');
  assert.deepEqual(errors.map((line) => line.msg), ['run failed', 'run failed']);
  assert.deepEqual(performance.map((line) => [line.operation, line.duration_ms, line.outcome]), [
    ['step.clone', 12.5, 'ok'],
    ['step.clone', 12.5, 'ok'],
  ]);
  assert.deepEqual(thinking.map((line) => line.provider), ['anthropic', 'anthropic']);

  for (const requestId of ['run-a', 'run-b']) {
    const started = app.find((line) => line.msg === 'run started' && line.request_id === requestId);
    assert.equal(started?.repo, `octo/${requestId}`, 'the start line of each run carries its own id');
    const failed = errors.find((line) => line.request_id === requestId);
    const error = failed?.error as Record<string, unknown> | undefined;
    assert.equal(error?.message, `clone of ${requestId} failed`, 'each error line belongs to the run that threw it');
    assert.equal(failed?.code, 'git_failed');
    assert.equal(failed?.step, 'clone');
    assert.match(String(error?.stack), /clone of run-\w failed\n\s+at /, 'errors.log keeps the stack');
    assert.equal(performance.filter((line) => line.request_id === requestId).length, 1);
    assert.equal(thinking.filter((line) => line.request_id === requestId).length, 1);
  }
  const host = app.find((line) => line.msg === 'host line outside any run');
  assert.ok(host && !('request_id' in host), 'a line outside a run has no request id');
  for (const line of [...app, ...errors, ...performance, ...thinking]) {
    assert.equal(typeof line.time, 'string');
    assert.ok(['debug', 'info', 'warn', 'error'].includes(String(line.level)));
  }
});

test('secrets are redacted by key name and by value pattern in messages, fields, nested objects and errors', async () => {
  const dir = await logDir();
  const known = 'plain-secret-with-no-recognisable-shape';
  const githubToken = `ghp_${'a1B2c3D4e5'.repeat(4)}`;
  const anthropicKey = `sk-ant-api03-${'x'.repeat(30)}`;
  const logger = createLogger({ dir, level: 'debug', knownSecrets: [known] });
  logger.info(`cloning with ${githubToken}`, {
    token: 'short-but-named-token',
    headers: { Authorization: 'Bearer abcdefghijklmnop', 'x-api-key': anthropicKey },
    nested: { deeper: [{ apiKey: 'named-key-value' }, `url https://user:${known}@example.com/repo.git`] },
    input_tokens: 1234,
  });
  logger.error('provider failed', new Error(`401 for key ${anthropicKey}`, { cause: new Error(`inner ${githubToken}`) }), { note: known });
  logger.performance('agent.turn', 5, { authorization: 'token zzzzzzzzzzzz' });
  logger.thinking(`Using key ${known}`);
  const late = 'learned-after-start-secret';
  logger.addKnownSecrets([late, undefined]);
  logger.warn(`late secret ${late}`);
  await logger.close();

  const text = await allText(dir);
  for (const secret of [known, githubToken, anthropicKey, 'short-but-named-token', 'abcdefghijklmnop', 'named-key-value', 'zzzzzzzzzzzz', late]) {
    assert.ok(!text.includes(secret), `"${secret.slice(0, 12)}…" must not be in the logs`);
  }
  assert.ok(text.includes('[REDACTED]'));
  const [first] = await lines(dir, 'app.log');
  assert.equal(first?.input_tokens, 1234, 'a count named like a token is a number and stays');
  assert.equal(first?.msg, 'cloning with [REDACTED]');
});

test('log files are owner-only (0600) in an owner-only directory (0700)', async () => {
  const dir = await logDir();
  const logger = createLogger({ dir, level: 'info' });
  logger.error('x', new Error('y'));
  logger.performance('op', 1);
  logger.thinking('t');
  await logger.close();
  assert.equal((await stat(dir)).mode & 0o777, 0o700);
  for (const file of ['app.log', 'errors.log', 'performance.log', 'agent_thinking.log']) {
    assert.equal((await stat(path.join(dir, file))).mode & 0o777, 0o600, file);
  }
});

test('the mirror gets redacted lines at its own level; app.log keeps its level; performance and thinking always record', async () => {
  const dir = await logDir();
  const mirrored: Array<[LogLevel, string, LogFields | undefined]> = [];
  const logger = createLogger({ dir, level: 'warn', mirrorLevel: 'error', knownSecrets: ['mirror-secret-123'], mirror: (level, message, fields) => mirrored.push([level, message, fields]) });
  runWithRequestId('req-1', () => {
    logger.info('not in app.log at warn');
    logger.warn('in app.log, not mirrored');
    logger.error('mirrored with mirror-secret-123', new Error('boom'), { step: 'agent' });
    logger.performance('step.agent', 10);
    logger.thinking('provider choice');
  });
  await logger.close();
  assert.deepEqual(mirrored, [['error', 'mirrored with [REDACTED]: boom', { step: 'agent', request_id: 'req-1' }]]);
  assert.deepEqual((await lines(dir, 'app.log')).map((line) => line.msg), ['in app.log, not mirrored', 'mirrored with [REDACTED]']);
  assert.equal((await lines(dir, 'performance.log')).length, 1);
  assert.equal((await lines(dir, 'agent_thinking.log')).length, 1);
});

test('timed() writes one performance line per operation with its outcome and passes results and errors through', async () => {
  const dir = await logDir();
  const logger = createLogger({ dir, level: 'info' });
  const value = await runWithRequestId('req-t', () => timed(logger, 'github.create_pr', async () => {
    await nextTurn();
    return 42;
  }, { repo: 'octo/app' }));
  assert.equal(value, 42);
  const failure = Object.assign(new Error('nope'), { code: 'github_api_error' });
  await assert.rejects(timed(logger, 'github.create_pr', async () => Promise.reject(failure)), (error) => error === failure);
  const cancelled = Object.assign(new Error('stop'), { name: 'AbortError' });
  await assert.rejects(timed(logger, 'agent.turn', async () => Promise.reject(cancelled)));
  await logger.close();
  const performance = await lines(dir, 'performance.log');
  assert.deepEqual(performance.map((line) => [line.operation, line.outcome, line.code ?? null, line.request_id ?? null]), [
    ['github.create_pr', 'ok', null, 'req-t'],
    ['github.create_pr', 'failed', 'github_api_error', null],
    ['agent.turn', 'cancelled', null, null],
  ]);
  assert.equal(performance[0]?.repo, 'octo/app');
  assert.ok(performance.every((line) => typeof line.duration_ms === 'number' && line.duration_ms >= 0));
});

test('lines logged after close are dropped, not thrown', async () => {
  const dir = await logDir();
  const logger = createLogger({ dir, level: 'info' });
  logger.info('before');
  await logger.close();
  assert.doesNotThrow(() => logger.info('after'));
  await logger.close();
  assert.deepEqual((await lines(dir, 'app.log')).map((line) => line.msg), ['before']);
});
