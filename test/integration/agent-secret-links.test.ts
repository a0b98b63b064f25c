// Issue 11 through the real tools: a symlink to a credential file is that file; scrubbed text never comes
// back as file content; code full of `task-…`/`disk-…` names survives a read/edit cycle byte for byte.
import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { WorkspaceTools } from '../../src/core/agent/tools/workspace-tools';
import { buildSystemPrompt } from '../../src/core/agent/loop/system-prompt';
import { REDACTED, redactSecrets } from '../../src/core/security/redact';
import { FAKE_GITHUB_TOKEN, FAKE_STRIPE_RESTRICTED_KEY } from '../support/fake-secrets';
import { recordingContext, testConfig, testWorkspace, type FileTree } from './agent-support';

const DOTENV_SECRET = `STRIPE_KEY=${FAKE_STRIPE_RESTRICTED_KEY}`;

async function tools(t: TestContext, files: FileTree, links: Record<string, string> = {}, knownSecrets: string[] = []) {
  const ws = await testWorkspace(t, files, links);
  const run = recordingContext({ workspace: ws, prompt: 'p', config: testConfig() });
  const runner = new WorkspaceTools(run.context, knownSecrets);
  let id = 0;
  return { ws, call: (name: string, input: Record<string, unknown>) => runner.execute({ id: `call_${++id}`, name, input }) };
}

describe('symlinked credential files', () => {
  const files = { '.env': `${DOTENV_SECRET}\n`, 'src/app.ts': 'export const port = 3000;\n', 'deploy/keys/server.pem': '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n' };
  const links = { 'docs/env.txt': '../.env', 'docs/cert.txt': '../deploy/keys/server.pem', 'docs/app-link.ts': '../src/app.ts' };

  test('read, search, list and edit treat a link to .env as .env', async (t) => {
    const { ws, call } = await tools(t, files, links);
    const read = await call('read_file', { path: 'docs/env.txt' });
    assert.equal(read.result.isError, true);
    assert.match(read.result.content, /^Error: docs\/env\.txt: refused: this file commonly holds credentials/);
    assert.match((await call('read_file', { path: 'docs/cert.txt' })).result.content, /refused: this file commonly holds credentials/);

    const search = await call('search', { query: 'rk_live' });
    assert.equal(search.result.content, 'No matches.');
    const broad = await call('search', { query: 'BEGIN PRIVATE' });
    assert.equal(broad.result.content, 'No matches.');

    const list = await call('list_files', {});
    assert.deepEqual(list.result.content.split('\n'), ['docs/app-link.ts', 'src/app.ts']);

    const edit = await call('edit_file', { path: 'docs/env.txt', old_str: 'STRIPE', new_str: 'X' });
    assert.equal(edit.result.isError, true);
    assert.deepEqual(ws.workspace.changes.list(), []);

    // A link to an ordinary file is still an ordinary file.
    assert.match((await call('read_file', { path: 'docs/app-link.ts' })).result.content, /export const port = 3000;/);
  });

  test('the plain-text system prompt never inlines a linked credential file', async (t) => {
    const ws = await testWorkspace(t, files, links);
    const repoMap = { text: 'map', filesWithSymbols: ['docs/env.txt', 'src/app.ts'], listedFiles: [] } as unknown as Parameters<typeof buildSystemPrompt>[0]['repoMap'];
    const prompt = await buildSystemPrompt({ toolUse: false, repoMap, workspace: ws.workspace, scrub: (text) => text });
    assert.ok(!prompt.includes('rk_live'), 'the .env content reached the prompt');
    assert.match(prompt, /export const port = 3000;/);
  });
});

describe('scrubbing never corrupts code', () => {
  const STYLES = [
    '.task-card__header--highlighted-primary {',
    '  color: var(--task-card-accent-color-primary);',
    '}',
    '.disk-usage-panel__threshold--warning-level { border: 0; }',
    '',
  ].join('\n');
  const CODE = [
    "export const TASK_KEY = 'task-scheduler-retry-queue-name';",
    "export const DISK_ALERT = 'disk-space-low-warning-threshold-2';",
    "export const riskLabel = 'risk-assessment-score-calculation';",
    `export const token = '${FAKE_GITHUB_TOKEN}';`,
    'export function classes(active: boolean): string {',
    "  return active ? 'task-card__header--highlighted-primary' : 'task-card__header';",
    '}',
    '',
  ].join('\n');

  test('a read/edit cycle on code with task-/disk- names round-trips unchanged', async (t) => {
    const { ws, call } = await tools(t, { 'src/styles.css': STYLES, 'src/classes.ts': CODE });
    const read = await call('read_file', { path: 'src/styles.css' });
    assert.ok(read.result.content.includes('.task-card__header--highlighted-primary {'), read.result.content);
    assert.ok(!read.result.content.includes(REDACTED));
    // The model pastes what it was shown, line numbers and all, and changes one line.
    const shown = read.result.content.split('\n').slice(0, 3).join('\n');
    const edit = await call('edit_file', { path: 'src/styles.css', old_str: shown, new_str: shown.replace('color: var', 'color: var').replace('primary);', 'primary, #333);') });
    assert.equal(edit.result.isError, false, edit.result.content);
    const after = await ws.workspace.read('src/styles.css');
    assert.equal(after, STYLES.replace('accent-color-primary);', 'accent-color-primary, #333);'));
  });

  test('a line with a scrubbed token is refused if quoted, and editing around it keeps the real token', async (t) => {
    const { ws, call } = await tools(t, { 'src/classes.ts': CODE });
    const read = await call('read_file', { path: 'src/classes.ts' });
    assert.match(read.result.content, /export const token = '\[REDACTED\]';/, 'the token is scrubbed');
    assert.match(read.result.content, /'task-scheduler-retry-queue-name'/, 'the names are not');
    const quoted = await call('edit_file', { path: 'src/classes.ts', old_str: "export const token = '[REDACTED]';", new_str: 'export const token = process.env.TOKEN;' });
    assert.equal(quoted.result.isError, true);
    assert.match(quoted.result.content, /Read the file again/);
    const around = await call('edit_file', { path: 'src/classes.ts', old_str: "export const riskLabel = 'risk-assessment-score-calculation';", new_str: "export const riskLabel = 'risk-assessment';" });
    assert.equal(around.result.isError, false, around.result.content);
    assert.equal(await ws.workspace.read('src/classes.ts'), CODE.replace("'risk-assessment-score-calculation'", "'risk-assessment'"));
  });

  test('no staged file can gain the redaction marker, whichever tool writes it', async (t) => {
    const { ws, call } = await tools(t, { 'src/classes.ts': CODE, 'src/pino.ts': `export const censor = '${REDACTED}';\n` });
    const created = await call('create_file', { path: 'src/leak.ts', content: `export const key = '${REDACTED}';\n` });
    assert.equal(created.result.isError, true);
    assert.match(created.result.content, /would contain \[REDACTED\]/);
    await assert.rejects(ws.workspace.changes.write('src/classes.ts', redactSecrets(CODE)), /would contain \[REDACTED\]/);
    // A file that already had the marker may still be edited, and renamed.
    const edited = await call('edit_file', { path: 'src/pino.ts', old_str: 'censor', new_str: 'censorText' });
    assert.equal(edited.result.isError, false, edited.result.content);
    assert.equal((await call('rename_file', { from: 'src/pino.ts', to: 'src/pino-config.ts' })).result.isError, false);
    assert.deepEqual(ws.workspace.changes.list().map((change) => change.path), ['src/pino-config.ts', 'src/pino.ts']);
  });
});
