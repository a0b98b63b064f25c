// Dependency installs under real bubblewrap reach the allowed package registries, and only those: the
// sandbox has no network of its own, and its one way out is this command's filtering proxy (a Unix socket
// bridged by socat). A loopback HTTP server stands for the registry; curl inside the sandbox tunnels to
// it with CONNECT, as npm and pip do through HTTPS_PROXY. Nothing is mocked.

import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import { decideInstall } from '../../src/core/checks/dependency-install';
import { probeBubblewrap, type BubblewrapProbe } from '../../src/core/sandbox/bubblewrap';
import { LocalSandbox } from '../../src/core/sandbox/local-sandbox';

let probe: BubblewrapProbe = { available: false, reason: 'not probed yet' };

function requireTools(t: TestContext): boolean {
  if (probe.available && probe.tools.socat) return true;
  const reason = probe.available ? 'socat is not installed' : probe.reason;
  if (process.env.CI) throw new Error(`bubblewrap and socat are required in CI: ${reason}`);
  t.skip(reason);
  return false;
}

describe('registry access for dependency installs under bubblewrap', () => {
  let runDir: string;
  let workDir: string;
  let registry: Server;
  let port: number;
  let sandbox: LocalSandbox;
  const signal = new AbortController().signal;

  before(async () => {
    probe = await probeBubblewrap();
    registry = createServer((request, response) => response.end(`registry says hello to ${request.url}\n`));
    await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', () => resolve()));
    port = (registry.address() as { port: number }).port;
    runDir = await mkdtemp(path.join(tmpdir(), 'tb-registry-'));
    workDir = path.join(runDir, 'work');
    await mkdir(workDir, { recursive: true });
    if (probe.available) sandbox = new LocalSandbox(workDir, probe.wrapper, { network: { registries: [`localhost:${port}`], commands: false } });
  });
  after(async () => {
    await new Promise<void>((resolve) => registry.close(() => resolve()));
    await rm(runDir, { recursive: true, force: true });
  });

  test('an install reaches an allowed registry through the proxy', async (t) => {
    if (!requireTools(t)) return;
    assert.equal(sandbox.isolation.registryNetwork, true);
    assert.equal(decideInstall('auto', sandbox.isolation).install, true);
    const result = await sandbox.exec(['sh', '-c', `curl -sS -p -x "$HTTPS_PROXY" http://localhost:${port}/left-pad`], { timeoutMs: 20_000, signal, network: 'registries' });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.stdout, 'registry says hello to /left-pad\n');
  });

  test('any other host is refused by the proxy, and the output says so', async (t) => {
    if (!requireTools(t)) return;
    const result = await sandbox.exec(['sh', '-c', 'curl -sS -p -x "$HTTPS_PROXY" http://example.com:443/'], { timeoutMs: 20_000, signal, network: 'registries' });
    assert.notEqual(result.exitCode, 0);
    assert.match(result.stderr, /403/);
    assert.match(result.stderr, /\[tiny-backspace\] refused: example\.com:443 \(only the package registries/);
  });

  test('the proxy is the only way out: a direct connection fails even during an install', async (t) => {
    if (!requireTools(t)) return;
    const result = await sandbox.exec(['sh', '-c', `curl -sS --noproxy '*' -m 5 http://127.0.0.1:${port}/`], { timeoutMs: 20_000, signal, network: 'registries' });
    assert.notEqual(result.exitCode, 0);
    assert.doesNotMatch(result.stdout, /registry says hello/);
  });

  test('a check (no network option) gets no proxy and no network at all', async (t) => {
    if (!requireTools(t)) return;
    const result = await sandbox.exec(['sh', '-c', `echo "proxy=[$HTTPS_PROXY]"; curl -sS -m 5 -p -x http://127.0.0.1:3128 http://localhost:${port}/`], { timeoutMs: 20_000, signal });
    assert.notEqual(result.exitCode, 0);
    assert.match(result.stdout, /^proxy=\[\]$/m);
    assert.doesNotMatch(result.stdout, /registry says hello/);
  });
});
