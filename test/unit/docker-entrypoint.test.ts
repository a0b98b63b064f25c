// The container's entrypoint (docker/entrypoint.sh), run by the real /bin/sh: secrets given as files
// become their variables' values (never argv), a missing file stops with a clear message, and `serve`
// gets the container's port. A `node` on PATH that reports what it was given stands in for the CLI.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ENTRYPOINT = path.resolve(__dirname, '../../docker/entrypoint.sh');

async function withReportingNode(body: (dir: string, env: NodeJS.ProcessEnv) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tb-entrypoint-'));
  try {
    const node = path.join(dir, 'node');
    await writeFile(node, `#!/bin/sh\nprintf 'argv=%s\\n' "$*"\nprintf 'token=%s\\n' "$TINY_BACKSPACE_SERVER_TOKEN"\nprintf 'github=%s\\n' "$GITHUB_TOKEN"\nprintf 'file_var=%s\\n' "\${TINY_BACKSPACE_SERVER_TOKEN_FILE:-unset}"\n`);
    await chmod(node, 0o755);
    await body(dir, { PATH: `${dir}:/usr/bin:/bin` });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('secrets given as files reach the CLI as variables, never as arguments', async () => {
  await withReportingNode(async (dir, env) => {
    const token = ['tok', 'en-', 'a1b2c3d4e5f6'].join('');
    await writeFile(path.join(dir, 'server-token'), `${token}\n`);
    await writeFile(path.join(dir, 'github-token'), 'github-secret-value');
    const { stdout } = await run('/bin/sh', [ENTRYPOINT, 'serve', '--store', 'redis://redis:6379'], {
      env: { ...env, TINY_BACKSPACE_SERVER_TOKEN_FILE: path.join(dir, 'server-token'), GITHUB_TOKEN_FILE: path.join(dir, 'github-token'), TINY_BACKSPACE_PORT: '9000' },
    });
    assert.equal(stdout, `argv=/app/dist/cli.js serve --port 9000 --store redis://redis:6379\ntoken=${token}\ngithub=github-secret-value\nfile_var=unset\n`);
  });
});

test('other commands pass through; a secret file that cannot be read stops with a message naming it', async () => {
  await withReportingNode(async (dir, env) => {
    const { stdout } = await run('/bin/sh', [ENTRYPOINT, 'health', '--json'], { env });
    assert.match(stdout, /^argv=\/app\/dist\/cli\.js health --json\n/);
    const missing = path.join(dir, 'nope');
    await assert.rejects(run('/bin/sh', [ENTRYPOINT, 'serve'], { env: { ...env, GITHUB_TOKEN_FILE: missing } }), (error: { code?: number; stderr?: string }) => {
      assert.equal(error.code, 64);
      assert.equal(error.stderr, `tiny-backspace: GITHUB_TOKEN_FILE names ${missing}, which is not a readable file.\n`);
      return true;
    });
  });
});
