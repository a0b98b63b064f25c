// The command tool with an E2B sandbox (the real SDK against the loopback E2B stand-in): the command runs
// in the sandbox's own copy, sees the staged edit, streams its output, and the copy is the base tree
// again afterwards, with the credential file back in place; the host checkout is never written.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { WorkspaceTools } from '../../src/core/agent/tools/workspace-tools';
import { createSandboxFactory } from '../../src/core/sandbox/create-sandbox';
import { E2bSandbox } from '../../src/core/sandbox/e2b-sandbox';
import { startE2bStandIn } from '../support/e2b-stand-in.js';
import { recordingContext, testConfig, testWorkspace } from './agent-support';

test('run_command in E2B sees the staged edit; the sandbox copy and the host checkout stay the base tree', async (t) => {
  const standIn = await startE2bStandIn();
  t.after(() => standIn.close());
  const ws = await testWorkspace(t, { 'src/sum.js': 'export const sum = (a, b) => a - b;\n', '.env': 'SECRET=e2b-dotenv-value\n', 'README.md': '# r\n' });
  const factory = createSandboxFactory({
    e2bApiKey: async () => standIn.apiKey,
    e2b: { apiUrl: standIn.apiUrl, sandboxUrl: standIn.sandboxUrl, timeoutMs: 120_000 },
  });
  const sandbox = await factory({ mode: 'auto', hostWorkdir: ws.root, signal: new AbortController().signal, log: () => {} });
  t.after(() => sandbox.dispose());
  assert.ok(sandbox instanceof E2bSandbox);
  await sandbox.importTree(ws.root, new AbortController().signal);

  const run = recordingContext({ workspace: { ...ws, sandbox } as unknown as typeof ws, prompt: 'p', config: testConfig() });
  const tools = new WorkspaceTools(run.context);
  assert.ok(tools.specs.some((spec) => spec.name === 'run_command'), 'E2B isolates commands');
  await tools.execute({ id: '1', name: 'edit_file', input: { path: 'src/sum.js', old_str: 'a - b', new_str: 'a + b' } });
  const outcome = await tools.execute({ id: '2', name: 'run_command', input: { command: 'cat src/sum.js; cat .env 2>&1; echo done' } });

  assert.equal(outcome.result.isError, false, outcome.result.content);
  assert.match(outcome.result.content, /a \+ b/);
  assert.doesNotMatch(outcome.result.content, /e2b-dotenv-value/);
  assert.match(outcome.result.content, /done\nExit code 0/);
  assert.equal(run.of('tool').filter((event) => event.tool === 'Bash').length, 1);
  const signal = new AbortController().signal;
  assert.equal(await sandbox.readFile('src/sum.js', signal), 'export const sum = (a, b) => a - b;\n');
  // Credential files never enter an E2B sandbox copy (sandbox/secret-withholding.ts), before or after a command.
  await assert.rejects(sandbox.readFile('.env', signal), /Not found/);
  assert.equal(await readFile(path.join(ws.root, 'src/sum.js'), 'utf8'), 'export const sum = (a, b) => a - b;\n');
});
