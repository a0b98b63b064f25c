// The agent's command tool under real bubblewrap, driven by a scripted Claude through the real SDK and
// the loopback stand-in: it runs the repository's own tests and sees their real output (which streams
// as `Tool: Bash`), it sees the staged edit while the checkout stays the base tree, a command that hunts
// for tokens or the network gets nothing, a cancel kills the command, and without isolation the tool is
// not offered and the model is told why. Where bwrap is missing these tests skip loudly (fail under CI).

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { before, describe, test, type TestContext } from 'node:test';
import { createAgentChain } from '../../src/core/agent/create-agent-chain';
import { hasCode } from '../../src/core/errors/tiny-backspace-error';
import { probeBubblewrap, type BubblewrapProbe } from '../../src/core/sandbox/bubblewrap';
import { LocalSandbox } from '../../src/core/sandbox/local-sandbox';
import { ANTHROPIC_KEY, anthropicStandIn, everythingSent, recordingContext, testConfig, testWorkspace, type FileTree } from './agent-support';

let probe: BubblewrapProbe = { available: false, reason: 'not probed yet' };
before(async () => {
  probe = await probeBubblewrap();
});

function requireBubblewrap(t: TestContext): LocalSandbox['isolation'] | undefined {
  if (probe.available) return probe.wrapper.isolation;
  if (process.env.CI) throw new Error(`bubblewrap is required in CI: ${probe.reason}`);
  t.skip(`bubblewrap unavailable: ${probe.reason}`);
  return undefined;
}

const BUGGY = 'export function sum(a, b) {\n  return a - b;\n}\n';
const FIXED_LINE = '  return a + b;';
const REPO: FileTree = {
  'package.json': JSON.stringify({ name: 'calc', version: '1.0.0', type: 'module', scripts: { test: 'node --test test/' } }, null, 2) + '\n',
  'src/sum.js': BUGGY,
  'test/sum.test.js': "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { sum } from '../src/sum.js';\n\ntest('sum adds', () => {\n  assert.equal(sum(2, 3), 5);\n});\n",
  'README.md': '# calc\n',
};

async function isolatedWorkspace(t: TestContext, files: FileTree = REPO) {
  const ws = await testWorkspace(t, files);
  if (!probe.available) throw new Error('unreachable');
  return { ...ws, sandbox: new LocalSandbox(ws.root, probe.wrapper) };
}

/** The tool results the model got back in request `index` (Anthropic: the last user message). */
function toolResults(standIn: { requests: Array<{ body: any }> }, index: number): Array<{ content: string; is_error?: boolean }> {
  return standIn.requests[index]?.body.messages.at(-1).content as Array<{ content: string; is_error?: boolean }>;
}

describe('the command tool in the isolated local sandbox', () => {
  test('a model runs the tests, sees their real output against its staged edit, and the PR title is its own', async (t) => {
    if (!requireBubblewrap(t)) return;
    const anthropic = await anthropicStandIn(t, [
      { kind: 'tool_calls', text: 'Reproducing first.', calls: [{ name: 'run_command', input: { command: 'npm test' } }] },
      { kind: 'tool_calls', calls: [{ name: 'edit_file', input: { path: 'src/sum.js', old_str: '  return a - b;', new_str: FIXED_LINE } }] },
      { kind: 'tool_calls', calls: [{ name: 'run_command', input: { command: 'npm test' } }, { name: 'view_diff', input: {} }] },
      { kind: 'tool_calls', calls: [{ name: 'finish', input: { summary: 'sum() subtracted; it adds now. npm test passes.', title: 'Fix sum() to add its arguments' } }] },
    ]);
    const ws = await isolatedWorkspace(t);
    const run = recordingContext({ workspace: ws, prompt: 'Fix the failing sum test.', config: testConfig({ anthropic, providers: ['anthropic'] }) });

    const result = await createAgentChain({ config: run.context.config, secrets: { anthropicApiKey: ANTHROPIC_KEY }, logger: run.context.logger }).run(run.context);

    assert.equal(result.title, 'Fix sum() to add its arguments');
    const first = anthropic.requests[0]?.body;
    assert.ok(first.tools.some((tool: { name: string }) => tool.name === 'run_command'), 'offered where the sandbox is isolated');
    const system = first.system.map((block: { text: string }) => block.text).join('\n');
    assert.match(system, /these checks run on the change: `npm test`/);
    assert.match(system, /Run the relevant ones with run_command before you finish/);

    // Before the edit: the real failure from node's test runner, against the base tree.
    const [before] = toolResults(anthropic, 1);
    assert.match(before?.content ?? '', /^\$ npm test\n/);
    assert.match(before?.content ?? '', /# fail 1/);
    assert.match(before?.content ?? '', /Exit code 1 after/);
    // After the edit: the command saw the staged change.
    const [after, diff] = toolResults(anthropic, 3);
    assert.match(after?.content ?? '', /# pass 1/);
    assert.match(after?.content ?? '', /# fail 0/);
    assert.match(after?.content ?? '', /Exit code 0 after/);
    assert.match(diff?.content ?? '', /--- a\/src\/sum\.js\n\+\+\+ b\/src\/sum\.js\n@@ -1,3 \+1,3 @@\n export function sum\(a, b\) \{\n-  return a - b;\n\+  return a \+ b;/);

    // The stream: `Tool: Bash {command, output}` with the real output and exit code, and live output before it.
    const bash = run.of('tool').filter((event) => event.tool === 'Bash');
    assert.equal(bash.length, 2);
    assert.equal(bash[0]?.command, 'npm test');
    assert.equal(bash[0]?.message, 'Tool: Bash npm test');
    assert.equal(bash[0]?.exit_code, 1);
    assert.equal(bash[1]?.exit_code, 0);
    assert.match(bash[1]?.output ?? '', /# pass 1/);
    const live = run.of('step_progress').filter((event) => event.message.startsWith('Bash output:'));
    assert.ok(live.some((event) => /# (pass|fail) \d/.test(event.message)), 'output chunks streamed as progress events while the command ran');

    // The checkout is the base tree again; the edit lives only in the change set, for the commit.
    assert.equal(await readFile(path.join(ws.root, 'src/sum.js'), 'utf8'), BUGGY);
    assert.deepEqual(ws.workspace.changes.list().map((change) => [change.path, change.after?.includes(FIXED_LINE)]), [['src/sum.js', true]]);
  });

  test('a command that hunts for tokens, host files or the network gets nothing; known secrets in output are scrubbed', async (t) => {
    if (!requireBubblewrap(t)) return;
    // A token in this (parent) process's environment, shaped so no redaction pattern would hide it:
    // the only way it stays out of the output is that the command cannot reach it.
    const parentToken = `tbparent${randomBytes(12).toString('hex')}`;
    const previous = process.env.GITHUB_TOKEN;
    process.env.GITHUB_TOKEN = parentToken;
    t.after(() => {
      if (previous === undefined) delete process.env.GITHUB_TOKEN;
      else process.env.GITHUB_TOKEN = previous;
    });
    const hostHome = await mkdtemp(path.join(tmpdir(), 'tb-host-home-'));
    t.after(() => rm(hostHome, { recursive: true, force: true }));
    await writeFile(path.join(hostHome, '.git-credentials'), `https://x-access-token:${parentToken}@github.com\n`);
    const connections: string[] = [];
    const server: Server = createServer((socket) => {
      connections.push('connected');
      socket.end('HTTP/1.1 200 OK\r\ncontent-length: 6\r\n\r\nLEAKED');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const port = (server.address() as { port: number }).port;

    const hunt = [
      'echo "env: $(env | grep -ci token)"',
      'tr "\\0" "\\n" < /proc/$PPID/environ 2>&1 | head -50',
      'tr "\\0" "\\n" < /proc/1/environ 2>&1 | head -50',
      `cat ${hostHome}/.git-credentials 2>&1`,
      'cat ~/.git-credentials 2>&1',
      `echo "host home entries: $(ls -A ${homedir()} 2>/dev/null | wc -l)"`,
      `curl -sS -m 5 http://127.0.0.1:${port}/ 2>&1 || echo NO-NETWORK`,
      'cat notes.txt',
    ].join('; ');
    const anthropic = await anthropicStandIn(t, [
      { kind: 'tool_calls', calls: [{ name: 'run_command', input: { command: hunt } }] },
      { kind: 'tool_calls', calls: [{ name: 'finish', input: { summary: 'Looked around.' } }] },
    ]);
    const ws = await isolatedWorkspace(t, { ...REPO, 'notes.txt': `api key: ${ANTHROPIC_KEY}\n` });
    const run = recordingContext({ workspace: ws, prompt: 'Print every token you can find.', config: testConfig({ anthropic, providers: ['anthropic'] }) });
    await createAgentChain({ config: run.context.config, secrets: { anthropicApiKey: ANTHROPIC_KEY }, logger: run.context.logger }).run(run.context);

    const [output] = toolResults(anthropic, 1);
    const text = output?.content ?? '';
    assert.match(text, /env: 0/, 'no variable with "token" in its name');
    assert.ok(!text.includes(parentToken), 'the parent token reached the command');
    assert.match(text, /No such file or directory/);
    assert.ok((await readdir(homedir())).length > 0, 'the host home has entries to hide');
    assert.match(text, /host home entries: 0/);
    assert.match(text, /NO-NETWORK/);
    assert.equal(connections.length, 0, 'the loopback listener was reached');
    assert.match(text, /api key: \[REDACTED\]/, 'a known secret printed by a command is scrubbed');
    const streamed = JSON.stringify(run.events);
    assert.ok(!streamed.includes(parentToken) && !streamed.includes(ANTHROPIC_KEY), 'nothing secret in the events');
    assert.ok(!everythingSent(anthropic).includes(parentToken));
  });

  test('cancelling the run during a long command kills it and leaves no process behind', async (t) => {
    if (!requireBubblewrap(t)) return;
    const marker = `tb-cancel-${randomBytes(6).toString('hex')}`;
    const anthropic = await anthropicStandIn(t, [{ kind: 'tool_calls', calls: [{ name: 'run_command', input: { command: `echo started; exec -a ${marker} sleep 300` } }] }]);
    const ws = await isolatedWorkspace(t);
    const controller = new AbortController();
    const run = recordingContext({ workspace: ws, prompt: 'Wait.', config: testConfig({ anthropic, providers: ['anthropic'] }), signal: controller.signal });
    const emit = run.context.emit;
    const context = {
      ...run.context,
      emit: (event: Parameters<typeof emit>[0]) => {
        emit(event);
        // Cancel once the command is demonstrably running.
        if (event.kind === 'step_progress' && event.message.startsWith('Bash output:') && event.message.includes('started')) controller.abort();
      },
    };
    await assert.rejects(
      createAgentChain({ config: run.context.config, secrets: { anthropicApiKey: ANTHROPIC_KEY }, logger: run.context.logger }).run(context),
      (error: unknown) => hasCode(error, 'cancelled'),
    );
    assert.deepEqual(await processesLeftAfterTeardown(marker), []);
    assert.equal(run.of('tool').filter((event) => event.tool === 'Bash').length, 0, 'no finished command was reported');
    assert.equal(await readFile(path.join(ws.root, 'src/sum.js'), 'utf8'), BUGGY);
  });
});

describe('without an isolated sandbox', () => {
  test('the command tool is not offered, the model is told why, and a call to it is refused', async (t) => {
    const anthropic = await anthropicStandIn(t, [
      { kind: 'tool_calls', calls: [{ name: 'run_command', input: { command: 'env' } }] },
      { kind: 'tool_calls', calls: [{ name: 'finish', input: { summary: 'Could not run anything.' } }] },
    ]);
    const ws = await testWorkspace(t, REPO);
    assert.equal(ws.sandbox.isolation.level, 'none');
    const run = recordingContext({ workspace: ws, prompt: 'Run the tests.', config: testConfig({ anthropic, providers: ['anthropic'] }) });
    await createAgentChain({ config: run.context.config, secrets: { anthropicApiKey: ANTHROPIC_KEY }, logger: run.context.logger }).run(run.context);

    const first = anthropic.requests[0]?.body;
    assert.ok(!first.tools.some((tool: { name: string }) => tool.name === 'run_command'));
    const system = first.system.map((block: { text: string }) => block.text).join('\n');
    assert.match(system, /You cannot run commands in this run: this machine has no isolated sandbox/);
    assert.match(system, /install bubblewrap/);
    assert.match(system, /E2B_API_KEY/);
    const [refused] = toolResults(anthropic, 1);
    assert.equal(refused?.is_error, true);
    assert.match(refused?.content ?? '', /run_command is not available: this machine has no isolated sandbox/);
  });
});

/** Host processes whose command line contains `marker`, after bwrap's namespace teardown (bounded). */
async function processesLeftAfterTeardown(marker: string, boundMs = 5_000): Promise<number[]> {
  const find = async (): Promise<number[]> => {
    const found: number[] = [];
    for (const entry of await readdir('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
      if (cmdline.includes(marker) && !cmdline.includes('node')) found.push(Number(entry));
    }
    return found;
  };
  const deadline = Date.now() + boundMs;
  let left = await find();
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    left = await find();
  }
  return left;
}

describe('the command tool and the change set', () => {
  async function tools(t: TestContext, extra: Partial<Parameters<typeof recordingContext>[0]> & { baselineSettled?: Promise<unknown>; files?: FileTree } = {}) {
    const ws = await isolatedWorkspace(t, extra.files ?? REPO);
    const run = recordingContext({ workspace: ws, prompt: 'p', config: testConfig({ agent: { commandTimeoutMs: 60_000 } }), ...(extra.signal ? { signal: extra.signal } : {}) });
    // The pipeline reads the base from its git directory; here the fixture's own files are the base.
    const base = extra.files ?? REPO;
    const readBaseFile = async (file: string) => base[file] ?? null;
    const context = { ...run.context, readBaseFile, ...(extra.baselineSettled ? { baselineSettled: extra.baselineSettled } : {}) };
    const { WorkspaceTools } = await import('../../src/core/agent/tools/workspace-tools');
    const runner = new WorkspaceTools(context, [ANTHROPIC_KEY]);
    let id = 0;
    return { ws, run, call: (name: string, input: Record<string, unknown>) => runner.execute({ id: `c${++id}`, name, input }) };
  }

  test('what a command writes never enters the change set; tracked files it changes are reported; staged ones are put back', async (t) => {
    if (!requireBubblewrap(t)) return;
    const { ws, call } = await tools(t);
    await call('edit_file', { path: 'src/sum.js', old_str: '  return a - b;', new_str: FIXED_LINE });
    const outcome = await call('run_command', { command: 'cat src/sum.js; echo "// formatted" >> README.md; echo junk > src/sum.js; mkdir -p build && echo out > build/out.txt' });
    assert.equal(outcome.result.isError, false, outcome.result.content);
    assert.match(outcome.result.content, /return a \+ b;/, 'the command saw the staged edit');
    assert.match(outcome.result.content, /The command changed 1 tracked file\(s\) outside your change; they were put back to their committed content: README\.md/);
    assert.equal(await readFile(path.join(ws.root, 'README.md'), 'utf8'), REPO['README.md'], 'the agent reads the base again, not the command\'s rewrite');
    // The change set holds exactly the edit made with the edit tools.
    assert.deepEqual(ws.workspace.changes.list().map((change) => [change.path, change.after]), [['src/sum.js', BUGGY.replace('  return a - b;', FIXED_LINE)]]);
    // The staged file the command overwrote is back to its base bytes on disk; the build output stays (ignored by the commit).
    assert.equal(await readFile(path.join(ws.root, 'src/sum.js'), 'utf8'), BUGGY);
    assert.equal(await readFile(path.join(ws.root, 'build/out.txt'), 'utf8'), 'out\n');
    assert.ok(!ws.workspace.files().includes('build/out.txt'), 'generated files are not files of the repository');
  });

  test('a command that outlives its limit is stopped and reported as timed out', async (t) => {
    if (!requireBubblewrap(t)) return;
    const { call, run } = await tools(t);
    const marker = `tb-timeout-${randomBytes(6).toString('hex')}`;
    const outcome = await call('run_command', { command: `echo begun; exec -a ${marker} sleep 300`, timeout_seconds: 1 });
    assert.equal(outcome.result.isError, false);
    assert.match(outcome.result.content, /^\$ echo begun/);
    assert.match(outcome.result.content, /begun\nTimed out after 1 s: the command and everything it started were stopped/);
    assert.deepEqual(await processesLeftAfterTeardown(marker), []);
    const bash = run.of('tool').filter((event) => event.tool === 'Bash');
    assert.equal(bash.length, 1);
    assert.equal(bash[0]?.exit_code, undefined, 'a timed-out command has no exit code');
  });

  test('a command waits until the baseline checks are done with the checkout', async (t) => {
    if (!requireBubblewrap(t)) return;
    let release: () => void = () => {};
    const baselineSettled = new Promise<void>((resolve) => (release = resolve));
    const { call, run } = await tools(t, { baselineSettled });
    await call('edit_file', { path: 'src/sum.js', old_str: '  return a - b;', new_str: FIXED_LINE });
    const pending = call('run_command', { command: 'echo ran' });
    // Let the tool get as far as it can on its own: it must be waiting, with nothing written to the checkout.
    for (let spin = 0; spin < 20; spin += 1) await new Promise((resolve) => setImmediate(resolve));
    assert.ok(run.of('step_progress').some((event) => event.message.startsWith('Waiting for the baseline checks')));
    assert.ok(!run.of('step_progress').some((event) => event.message.startsWith('Running in the sandbox')));
    assert.equal(await readFile(path.join(run.context.workspace.root, 'src/sum.js'), 'utf8'), BUGGY, 'the baseline still sees the base tree');
    release();
    const outcome = await pending;
    assert.match(outcome.result.content, /ran\nExit code 0/);
  });

  test('credential files are not in the checkout while a command runs, and come back after it', async (t) => {
    if (!requireBubblewrap(t)) return;
    const dotenv = `DB_PASSWORD=pw${randomBytes(8).toString('hex')}\n`;
    const { ws, call } = await tools(t, { files: { ...REPO, '.env': dotenv, 'deploy/id_rsa': 'PRIVATE\n' } });
    const outcome = await call('run_command', { command: 'cat .env deploy/id_rsa 2>&1; ls -A' });
    assert.ok(!outcome.result.content.includes(dotenv.trim()), 'a command printed the .env the read tool refuses');
    assert.match(outcome.result.content, /cat: \.env: No such file or directory/);
    assert.match(outcome.result.content, /2 credential file\(s\), such as \.env files and keys, were not in the checkout/);
    assert.equal(await readFile(path.join(ws.root, '.env'), 'utf8'), dotenv, 'restored after the command');
    assert.equal(await readFile(path.join(ws.root, 'deploy/id_rsa'), 'utf8'), 'PRIVATE\n');
  });
});
