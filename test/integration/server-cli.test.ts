// `tiny-backspace serve` as a user runs it: a separate process, the README's `curl -N` example, the
// token kept in a 0600 file whose path (never the token) is printed, and SIGINT/SIGTERM ending runs.

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createParser } from 'eventsource-parser';
import { RunEventSchema, type RunEvent } from '../../src/protocol/run-events';
import { startGitHubStandIn, type GitHubStandIn } from '../support/github-stand-in';
import { README } from '../support/server-harness';

const ROOT = path.resolve(__dirname, '../..');
/** The README's example, verbatim but for the body, which comes from $BODY. */
const README_CURL = `curl -N -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" \\
     -d "$BODY" http://127.0.0.1:$PORT/code`;

function body(repoUrl: string): string {
  return JSON.stringify({ repoUrl, prompt: 'replace "Hello" with "Howdy" in README.md' });
}

interface ServeProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly lines: string[];
  output(): string;
  exited: Promise<number | null>;
}

let github: GitHubStandIn;
let home: string;

before(async () => {
  github = await startGitHubStandIn();
  await github.createRepo('octo', 'widgets', { files: { 'README.md': README } });
  home = await mkdtemp(path.join(tmpdir(), 'tb-serve-home-'));
});

after(async () => {
  await github.close();
  await rm(home, { recursive: true, force: true });
});

async function startServe(args: string[], env: Record<string, string>): Promise<ServeProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), 'serve', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: home, TINY_BACKSPACE_SANDBOX: 'local', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let all = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      all += chunk.toString();
      buffered += chunk.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(line);
        if (match) resolve(Number(match[1]));
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      all += chunk.toString();
    });
    void exited.then((code) => reject(new Error(`serve exited with ${code}: ${all}`)));
  });
  // Wait for the rest of the banner (it ends with the stop hint).
  while (!lines.some((line) => line.startsWith('Press Ctrl-C'))) await new Promise((resolve) => child.stdout!.once('data', resolve));
  return { child, port, lines, output: () => all, exited };
}

/** curl as a child process; resolves with its exit code and the events it printed. */
function curl(command: string, env: Record<string, string>, onEvent?: (event: RunEvent) => void): Promise<{ code: number | null; events: RunEvent[]; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', command], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const events: RunEvent[] = [];
    let stderr = '';
    const parser = createParser({
      onEvent: (message) => {
        const event = RunEventSchema.parse(JSON.parse(message.data));
        assert.equal(message.id, String(event.seq));
        assert.equal(message.event, event.kind);
        events.push(event);
        onEvent?.(event);
      },
    });
    child.stdout.on('data', (chunk: Buffer) => parser.feed(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('exit', (code) => resolve({ code, events, stderr }));
  });
}

test('serve + the README curl example: the run streams to a pull request; Ctrl-C stops cleanly', async () => {
  const tokenFile = path.join(home, 'state', 'server-token');
  const serve = await startServe(['--port', '0', '--token-file', tokenFile], { TINY_BACKSPACE_GITHUB_URL: github.url, GITHUB_TOKEN: github.token });
  const token = (await readFile(tokenFile, 'utf8')).trim();
  assert.equal(Buffer.from(token, 'base64url').length, 32, 'a generated 256-bit token');
  assert.equal((await stat(tokenFile)).mode & 0o777, 0o600, 'the token file is private');
  assert.equal((await stat(path.dirname(tokenFile))).mode & 0o777, 0o700);
  assert.ok(serve.lines.includes(`Token file: ${tokenFile}`), 'the path is printed');

  const result = await curl(README_CURL, { TOKEN: token, PORT: String(serve.port), BODY: body(`${github.url}/octo/widgets`) });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.events[0]?.kind, 'run_started');
  assert.equal(result.events.at(-1)?.kind, 'completed', JSON.stringify(result.events.at(-1)));
  assert.deepEqual(
    result.events.map((event) => event.seq),
    result.events.map((_event, index) => index + 1),
  );
  const [pull] = github.pulls('octo', 'widgets');
  assert.ok(pull);
  assert.equal((await github.readBranchFiles('octo', 'widgets', pull.head))['README.md'], 'Howdy from the widgets repository.\n');

  serve.child.kill('SIGINT');
  assert.equal(await serve.exited, 0);
  assert.ok(!serve.output().includes(token), 'the token is never printed');
  await assert.rejects(stat(tokenFile), 'the generated token is removed with its server');
  await assert.rejects(fetch(`http://127.0.0.1:${serve.port}/health`), 'the port is closed');
});

test('SIGTERM cancels the run in progress: the curl stream ends with cancelled and the process exits 0', async () => {
  // The REST API is the stand-in's, but git goes to a server that accepts connections and never
  // answers: the clone step provably waits there until the signal arrives.
  const sockets = new Set<Socket>();
  const blackHole: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
  const { port: holePort } = blackHole.address() as { port: number };
  const token = `env-token-${'x'.repeat(40)}`;
  const runTemp = path.join(home, 'run-temp');
  await mkdir(runTemp);
  try {
    const serve = await startServe(['--port', '0'], {
      TINY_BACKSPACE_GITHUB_URL: `http://127.0.0.1:${holePort}`,
      TINY_BACKSPACE_GITHUB_API_URL: github.apiUrl,
      GITHUB_TOKEN: github.token,
      TINY_BACKSPACE_SERVER_TOKEN: token,
      TMPDIR: runTemp,
    });
    assert.ok(serve.lines.includes('Token: from TINY_BACKSPACE_SERVER_TOKEN'));
    await assert.rejects(stat(path.join(home, '.tiny-backspace', 'server-token')), 'no file when the token comes from the environment');

    let signalled = false;
    const result = await curl(README_CURL, { TOKEN: token, PORT: String(serve.port), BODY: body(`http://127.0.0.1:${holePort}/octo/widgets`) }, (event) => {
      // The clone is waiting on git: the run is in progress. Now stop the server.
      if (!signalled && event.kind === 'step_started' && event.step === 'clone') {
        signalled = true;
        const waitForGitHub = () => (sockets.size > 0 ? serve.child.kill('SIGTERM') : blackHole.once('connection', () => serve.child.kill('SIGTERM')));
        waitForGitHub();
      }
    });
    assert.ok(signalled);
    assert.equal(result.code, 0, result.stderr);
    const last = result.events.at(-1);
    assert.equal(last?.kind, 'cancelled');
    assert.match(last?.kind === 'cancelled' ? last.reason : '', /SIGTERM/);
    assert.equal(await serve.exited, 0);
    assert.ok(!serve.output().includes(token));
    const runDirs = (await readdir(path.join(runTemp, 'tiny-backspace')).catch(() => [] as string[])).filter((name) => name.startsWith('tiny-backspace-'));
    assert.deepEqual(runDirs, [], 'the cancelled run left no temp dir');
    assert.ok(existsSync(path.join(runTemp, 'tiny-backspace')), 'the run did create its temp dir there');
  } finally {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => blackHole.close(resolve));
  }
});

test('a bad --allow-origin or a weak token stops serve at start with a remedy', async () => {
  const cases = [
    [['--allow-origin', '*'], {}, /allowed-origin/],
    [[], { TINY_BACKSPACE_SERVER_TOKEN: 'short' }, /at least 32 characters/],
  ] as const;
  await Promise.all(
    cases.map(async ([args, env, pattern]) => {
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), 'serve', ...args], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: home, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      assert.equal(code, 2, stderr);
      assert.match(stderr, pattern);
    }),
  );
});
