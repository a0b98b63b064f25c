// Real pipeline runs against the loopback GitHub (git smart HTTP + REST), logged the way the CLI logs
// them: the four logs and the traces correlate by request id across concurrent runs, hold no token after
// runs that used one (success and failure paths), and `health --json` reports those runs correctly.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { healthCommand } from '../../src/cli/commands/health-command';
import { createPipelineDeps } from '../../src/core/engine/create-pipeline-deps';
import { buildHealthReport } from '../../src/core/observability/build-health-report';
import { createHostObservability, type HostObservability } from '../../src/core/observability/host-observability';
import { HealthReportSchema } from '../../src/protocol/health-report';
import type { RunEvent } from '../../src/protocol/run-events';
import { startGitHubStandIn, type GitHubStandIn } from '../support/github-stand-in';
import { collect, fixedSecrets, standInConfig } from '../support/pipeline-fixture';

const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Every file under `dir`, gzipped ones unzipped, as one text per file. */
async function everyFile(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const raw = await readFile(file);
    files.set(path.relative(dir, file), file.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8'));
  }
  return files;
}

async function jsonLines(file: string): Promise<Array<Record<string, unknown>>> {
  return (await readFile(file, 'utf8'))
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

interface Harness {
  readonly standIn: GitHubStandIn;
  readonly logDir: string;
  readonly observability: HostObservability;
  run(repoUrl: string, prompt: string): Promise<RunEvent[]>;
}

/** The CLI's wiring (createHostObservability + onEvent) around production deps pointed at the stand-in. */
async function harness(options: { token?: string; env: (token: string) => NodeJS.ProcessEnv }): Promise<Harness> {
  const standIn = await startGitHubStandIn(options.token ? { token: options.token } : {});
  cleanups.push(() => standIn.close());
  const root = await tempDir('tb-logging-it-');
  const logDir = path.join(root, 'logs');
  const observability = createHostObservability({ logDir, level: 'debug', env: options.env(standIn.token) });
  const deps = createPipelineDeps({
    config: standInConfig(standIn),
    secrets: fixedSecrets({ githubToken: standIn.token }),
    logger: observability.logger,
    tempRoot: path.join(root, 'runs'),
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: root },
  });
  return {
    standIn,
    logDir,
    observability,
    run: (repoUrl, prompt) => collect({ repoUrl, prompt }, deps, new AbortController().signal, observability.record),
  };
}

function terminal(events: readonly RunEvent[]): RunEvent {
  const last = events.at(-1);
  assert.ok(last, 'the run produced events');
  return last;
}

describe('logs and traces of real runs against the GitHub stand-in', () => {
  let h: Harness;
  let concurrent: RunEvent[][];
  let credentialUrlRun: RunEvent[];
  let missingRepoRun: RunEvent[];

  before(async () => {
    // The logger is not told the token: only value patterns (ghs_…, user:pass@ in URLs) can catch it here.
    h = await harness({ env: () => ({}) });
    await h.standIn.createRepo('octo', 'app', { files: { 'README.md': 'Hello world\n' } });
    await h.standIn.createRepo('octo', 'lib', { files: { 'README.md': 'Hello library\n' } });
    concurrent = await Promise.all([
      h.run(`${h.standIn.url}/octo/app`, 'replace "Hello" with "Howdy" in README.md'),
      h.run(`${h.standIn.url}/octo/lib`, 'replace "library" with "module" in README.md'),
    ]);
    // Failure paths: a URL with the token pasted into it, and a repository that does not exist.
    const withCredentials = h.standIn.url.replace('http://', `http://x-access-token:${h.standIn.token}@`);
    credentialUrlRun = await h.run(`${withCredentials}/octo/app`, 'replace "Hello" with "Hi"');
    missingRepoRun = await h.run(`${h.standIn.url}/octo/missing`, 'replace "Hello" with "Hi"');
    await h.observability.close();
  });

  test('the runs did what they should (so the logs below describe real work)', () => {
    for (const events of concurrent) {
      const end = terminal(events);
      assert.equal(end.kind, 'completed', end.kind === 'failed' ? end.error.message : '');
      assert.ok(end.kind === 'completed' && end.pr_url, 'a pull request was opened with the token');
    }
    const credentialEnd = terminal(credentialUrlRun);
    assert.equal(credentialEnd.kind === 'failed' ? credentialEnd.error.code : credentialEnd.kind, 'invalid_repository_url');
    const missingEnd = terminal(missingRepoRun);
    assert.equal(missingEnd.kind === 'failed' ? missingEnd.error.code : missingEnd.kind, 'github_repository_not_found');
  });

  test('no token string in any log or trace file, after pushes and after a failure whose error held the token', async () => {
    const files = await everyFile(h.logDir);
    const basic = Buffer.from(`x-access-token:${h.standIn.token}`).toString('base64');
    assert.ok(files.size >= 8, `logs and traces were written (${[...files.keys()].join(', ')})`);
    for (const [name, text] of files) {
      assert.ok(!text.includes(h.standIn.token), `${name} holds the token`);
      assert.ok(!text.includes(basic), `${name} holds the Basic auth value`);
    }
    const credentialId = terminal(credentialUrlRun).request_id;
    const errorLine = (await jsonLines(path.join(h.logDir, 'errors.log'))).find((line) => line.request_id === credentialId);
    assert.ok(errorLine, 'the failure with the token in its message was logged');
    assert.match(JSON.stringify(errorLine), /\[REDACTED\]/, '…with the token replaced');
  });

  test('one request id finds every line about its run in every log, and the full trace, across concurrent runs', async () => {
    const app = await jsonLines(path.join(h.logDir, 'app.log'));
    const performance = await jsonLines(path.join(h.logDir, 'performance.log'));
    const thinking = await jsonLines(path.join(h.logDir, 'agent_thinking.log'));
    const errors = await jsonLines(path.join(h.logDir, 'errors.log'));
    const ids = concurrent.map((events) => terminal(events).request_id);
    assert.notEqual(ids[0], ids[1]);
    for (const [index, events] of concurrent.entries()) {
      const id = ids[index] as string;
      const repo = index === 0 ? 'octo/app' : 'octo/lib';
      const started = app.filter((line) => line.msg === 'run started' && line.request_id === id);
      assert.equal(started.length, 1);
      assert.ok(String(started[0]?.repo).endsWith(repo), 'the start line with this id is this run’s');
      const steps = performance.filter((line) => line.request_id === id).map((line) => line.operation);
      assert.deepEqual(steps, ['step.validate', 'step.sandbox', 'step.clone', 'step.analyze', 'step.agent', 'step.apply', 'step.validate_changes', 'step.pull_request', 'run'].filter((op) => steps.includes(op)));
      assert.ok(steps.includes('step.pull_request') && steps.includes('run'), 'every step and the run were timed under this id');
      assert.ok(thinking.some((line) => line.request_id === id), 'agent thinking lines carry the id');
      assert.equal(errors.filter((line) => line.request_id === id).length, 0, 'a completed run has no error lines');
      const trace = await jsonLines(path.join(h.logDir, 'traces', `${id}.jsonl`));
      assert.deepEqual(trace.map((event) => event.seq), events.map((event) => event.seq), 'the trace holds every event of the run, in order');
      assert.ok(trace.every((event) => event.request_id === id));
    }
    for (const line of [...app, ...performance, ...thinking, ...errors]) {
      if (line.request_id !== undefined) assert.ok(typeof line.request_id === 'string' && line.request_id.length > 0);
    }
  });

  test('health --json reports these runs: 2 completed, 2 failed, errors by code and step, the same document the API serves', async () => {
    let out = '';
    await healthCommand(['--json', '--log-dir', h.logDir], { stdout: { write: (text) => (out += text) }, env: {} });
    const fromCli = HealthReportSchema.parse(JSON.parse(out));
    const direct = await buildHealthReport({ logDir: h.logDir });
    assert.deepEqual({ ...fromCli, generated_at: '' }, { ...direct, generated_at: '' });
    assert.deepEqual([fromCli.runs.total, fromCli.runs.completed, fromCli.runs.failed, fromCli.runs.completion_rate], [4, 2, 2, 0.5]);
    assert.deepEqual(fromCli.errors.by_code, [
      { key: 'github_repository_not_found', count: 1 },
      { key: 'invalid_repository_url', count: 1 },
    ]);
    assert.deepEqual(fromCli.errors.by_step, [{ key: 'validate', count: 2 }]);
    assert.equal(fromCli.last_run?.request_id, terminal(missingRepoRun).request_id);
    const stepNames = fromCli.steps.map((step) => step.step);
    assert.deepEqual(stepNames, ['validate', 'sandbox', 'clone', 'analyze', 'agent', 'apply', 'validate_changes', 'pull_request']);
    assert.equal(fromCli.steps.find((step) => step.step === 'pull_request')?.count, 2);
    assert.equal(fromCli.steps.find((step) => step.step === 'validate')?.count, 4);
  });
});

test('a token of no recognisable shape is kept out by the known-secret list the CLI builds from the environment', async () => {
  const token = `plain${'q7'.repeat(16)}`;
  const h = await harness({ token, env: (value) => ({ GITHUB_TOKEN: value }) });
  await h.standIn.createRepo('octo', 'plain', { files: { 'README.md': 'Hello\n' } });
  const ok = await h.run(`${h.standIn.url}/octo/plain`, 'replace "Hello" with "Howdy" in README.md');
  assert.equal(terminal(ok).kind, 'completed');
  // The token as a URL user name: no pattern matches this form; only the known value does.
  const failed = await h.run(h.standIn.url.replace('http://', `http://${token}@`) + '/octo/plain', 'replace "Hello" with "Hi"');
  assert.equal(terminal(failed).kind, 'failed');
  h.observability.logger.warn(`a line that quotes the token: ${token}`);
  await h.observability.close();
  const files = await everyFile(h.logDir);
  assert.ok(files.has('errors.log') && files.has(path.join('traces', `${terminal(failed).request_id}.jsonl`)));
  for (const [name, text] of files) assert.ok(!text.includes(token), `${name} holds the token`);
});
