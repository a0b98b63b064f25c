// The local sandbox under real bubblewrap: no network, a read-only host with hidden homes, only the clone
// writable, no visible secrets, and a deadline that kills the whole process tree. Nothing is mocked.
// Where bwrap is missing these tests skip loudly; under CI (CI=true) a missing bwrap is a failure.

import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import { DEFAULT_HIDDEN_PATHS, createBubblewrapWrapper, probeBubblewrap, type BubblewrapProbe } from '../../src/core/sandbox/bubblewrap';
import { LocalSandbox } from '../../src/core/sandbox/local-sandbox';
import type { SandboxExecResult } from '../../src/core/sandbox/sandbox';
import { FAKE_BWRAP_TOKEN, FAKE_BWRAP_PARENT_TOKEN, FAKE_BWRAP_PARENT_ANTHROPIC_KEY } from '../support/fake-secrets';

let probe: BubblewrapProbe = { available: false, reason: 'not probed yet' };

/** Skips (loudly) where bwrap cannot run; in CI that is a failure instead. */
function requireBubblewrap(t: TestContext): boolean {
  if (probe.available) return true;
  if (process.env.CI) throw new Error(`bubblewrap is required in CI: ${probe.reason}`);
  t.skip(`bubblewrap unavailable: ${probe.reason}`);
  return false;
}

let runDir: string;
let workDir: string;
let hostScratch: string;
let sandbox: LocalSandbox;
let loopbackServer: Server;
let loopbackPort: number;
const signal = new AbortController().signal;

function sh(script: string, timeoutMs = 20_000, extra: { maxOutputBytes?: number; cwd?: string } = {}): Promise<SandboxExecResult> {
  return sandbox.exec(['bash', '-c', script], { timeoutMs, signal, ...extra });
}

/** Host processes whose command line contains `marker` (a sandboxed process left behind would show up). */
async function hostProcessesWith(marker: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(marker)) found.push(Number(entry));
  }
  return found;
}

/**
 * bwrap's outer process exits as soon as it knows the command's exit status; the namespace's init is then
 * killed by PDEATHSIG (--die-with-parent) and the kernel kills everything left in the namespace, a few
 * milliseconds later. So we wait for that teardown, bounded, and report whatever is still alive.
 */
async function processesLeftAfterTeardown(marker: string, boundMs = 5_000): Promise<number[]> {
  const deadline = Date.now() + boundMs;
  let left = await hostProcessesWith(marker);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    left = await hostProcessesWith(marker);
  }
  return left;
}

/**
 * A host directory the sandbox sees (read-only): not under the paths it hides (/tmp, /var/tmp, /run,
 * /root, /home). The checkout running these tests may live under any of those, so try a few places.
 */
async function visibleHostScratchDir(): Promise<string> {
  const hidden = [...DEFAULT_HIDDEN_PATHS, '/home'];
  const candidates = [process.cwd(), '/var/lib', '/opt', '/srv', '/mnt'];
  for (const parent of candidates) {
    if (hidden.some((dir) => parent === dir || parent.startsWith(`${dir}/`))) continue;
    try {
      return await mkdtemp(path.join(parent, '.tb-bwrap-host-'));
    } catch {
      // Not writable here; try the next place.
    }
  }
  throw new Error(`no writable host directory outside ${hidden.join(', ')} for the read-only check`);
}

describe('local sandbox under bubblewrap', () => {
  before(async () => {
    probe = await probeBubblewrap();
    if (!probe.available) {
      process.stderr.write(`\n*** bubblewrap isolation tests SKIPPED: ${probe.reason}. Install it: apt-get install -y bubblewrap ***\n\n`);
      return;
    }
    // The same layout as a run: <runDir>/work is the clone, <runDir>/git the trusted git dir.
    runDir = await mkdtemp(path.join(tmpdir(), 'tb-bwrap-test-'));
    workDir = path.join(runDir, 'work');
    await mkdir(path.join(workDir, 'sub'), { recursive: true });
    await mkdir(path.join(runDir, 'git'));
    await writeFile(path.join(runDir, 'git', 'trusted.txt'), 'trusted git dir\n');
    await writeFile(path.join(workDir, 'README.md'), '# repo\n');
    // A host directory outside /tmp and /home, so it is visible (read-only) inside the sandbox.
    hostScratch = await visibleHostScratchDir();
    sandbox = new LocalSandbox(workDir, probe.wrapper);
    loopbackServer = createServer((socket) => socket.end('host service\n'));
    await new Promise<void>((resolve) => loopbackServer.listen(0, '127.0.0.1', () => resolve()));
    loopbackPort = (loopbackServer.address() as { port: number }).port;
  });

  after(async () => {
    if (!probe.available) return;
    await new Promise<void>((resolve) => loopbackServer.close(() => resolve()));
    await rm(runDir, { recursive: true, force: true });
    await rm(hostScratch, { recursive: true, force: true });
  });

  test('reports bubblewrap isolation without network', (t) => {
    if (!requireBubblewrap(t)) return;
    assert.equal(sandbox.isolation.level, 'bubblewrap');
    assert.equal(sandbox.isolation.network, false);
  });

  test('has no network: only lo, and neither host loopback services nor the outside are reachable', async (t) => {
    if (!requireBubblewrap(t)) return;
    const interfaces = await sh("tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '");
    assert.equal(interfaces.exitCode, 0, interfaces.stderr);
    assert.deepEqual(interfaces.stdout.trim().split('\n'), ['lo']);

    const connect = (host: string, port: number) =>
      `node -e "require('net').connect(${port}, '${host}').on('connect', () => { console.log('connected'); process.exit(0); }).on('error', (e) => { console.log(e.code); process.exit(3); })"`;
    const toHost = await sh(connect('127.0.0.1', loopbackPort));
    assert.equal(toHost.stdout.trim(), 'ECONNREFUSED', 'the host loopback server must be out of reach');
    const outside = await sh(connect('192.0.2.1', 80));
    assert.equal(outside.stdout.trim(), 'ENETUNREACH');
  });

  test('can write only inside the clone; the host stays read-only even for root', async (t) => {
    if (!requireBubblewrap(t)) return;
    const inside = await sh('echo made-in-sandbox > sub/created.txt && cat sub/created.txt');
    assert.equal(inside.exitCode, 0, inside.stderr);
    assert.equal(await readFile(path.join(workDir, 'sub', 'created.txt'), 'utf8'), 'made-in-sandbox\n');

    const outside = await sh(`echo escaped > ${hostScratch}/escaped.txt`);
    assert.notEqual(outside.exitCode, 0);
    assert.match(outside.stderr, /Read-only file system/);
    await assert.rejects(stat(path.join(hostScratch, 'escaped.txt')), { code: 'ENOENT' });

    const remount = await sh(`mount -o remount,rw / 2>&1; echo again > ${hostScratch}/escaped.txt`);
    assert.notEqual(remount.exitCode, 0, 'remounting / read-write must fail without capabilities');
    await assert.rejects(stat(path.join(hostScratch, 'escaped.txt')), { code: 'ENOENT' });

    // /tmp inside is a private tmpfs: writing there works but never reaches the host's /tmp.
    const scratchName = `tb-bwrap-${path.basename(runDir)}.txt`;
    const tmpWrite = await sh(`echo tmp > /tmp/${scratchName} && cat /tmp/${scratchName}`);
    assert.equal(tmpWrite.stdout, 'tmp\n');
    await assert.rejects(stat(path.join('/tmp', scratchName)), { code: 'ENOENT' });
  });

  test('sees no secrets: clean environment, hidden homes, hidden run dir, no host processes', async (t) => {
    if (!requireBubblewrap(t)) return;
    process.env.TB_TEST_FAKE_TOKEN = FAKE_BWRAP_TOKEN;
    try {
      const env = await sh('env | cut -d= -f1 | sort');
      const names = env.stdout.trim().split('\n');
      assert.deepEqual(names.filter((name) => !['PATH', 'HOME', 'LANG', 'CI', 'GIT_TERMINAL_PROMPT', 'PWD', 'SHLVL', '_'].includes(name)), []);
      const all = await sh('env; cat /proc/1/environ 2>/dev/null | tr "\\0" "\\n"');
      assert.ok(!all.stdout.includes(FAKE_BWRAP_TOKEN));
    } finally {
      delete process.env.TB_TEST_FAKE_TOKEN;
    }
    assert.equal((await sh('ls -A /root')).stdout, '', '/root must be an empty tmpfs');
    assert.equal((await sh('ls -A /home')).stdout, 'user\n', '/home holds only the sandbox user');
    const myHome = homedir();
    if (myHome !== '/root' && !myHome.startsWith('/home/')) assert.equal((await sh(`ls -A ${myHome}`)).stdout, '', `${myHome} must be hidden`);
    const home = await sh('echo $HOME; ls -A $HOME');
    assert.equal(home.stdout, '/home/user\nrepo\n');

    const gitDir = await sh(`ls -A ${path.join(runDir, 'git')} 2>&1; cat ${path.join(runDir, 'git', 'trusted.txt')} 2>&1`);
    assert.doesNotMatch(gitDir.stdout, /trusted git dir/);

    const hostEnviron = await sh(`cat /proc/${process.pid}/environ 2>&1 || echo unreadable`);
    assert.match(hostEnviron.stdout, /unreadable|No such file/);
  });

  test('maps a relative cwd into the clone', async (t) => {
    if (!requireBubblewrap(t)) return;
    const result = await sandbox.exec(['pwd'], { cwd: 'sub', timeoutMs: 10_000, signal });
    assert.equal(result.stdout.trim(), '/home/user/repo/sub');
  });

  test('at the deadline the whole tree dies, grandchildren included', async (t) => {
    if (!requireBubblewrap(t)) return;
    const marker = `tb-grandchild-${path.basename(runDir)}`;
    const result = await sh(`(exec -a ${marker} sleep 1000) & (exec -a ${marker} sleep 1000 >/dev/null 2>&1 &) ; echo started; wait`, 1_500);
    assert.equal(result.timedOut, true);
    assert.equal(result.stdout, 'started\n');
    assert.deepEqual(await processesLeftAfterTeardown(marker), []);
  });

  test('a setsid child (its own session and group) dies at the deadline too, and never writes', async (t) => {
    if (!requireBubblewrap(t)) return;
    const marker = `tb-setsid-${path.basename(runDir)}`;
    // setsid leaves the process group that a plain group kill reaches; only the PID namespace catches it.
    const result = await sh(`setsid bash -c 'exec -a ${marker} bash -c "sleep 2; echo escaped > setsid-escaped.txt"' & echo started; sleep 1000`, 1_000);
    assert.equal(result.timedOut, true);
    assert.deepEqual(await processesLeftAfterTeardown(marker), []);
    await assert.rejects(stat(path.join(workDir, 'setsid-escaped.txt')), { code: 'ENOENT' });
  });

  test("a check's parent environment holds no token or key: $PPID and /proc of the host are out of reach", async (t) => {
    if (!requireBubblewrap(t)) return;
    process.env.GITHUB_TOKEN = FAKE_BWRAP_PARENT_TOKEN;
    process.env.ANTHROPIC_API_KEY = FAKE_BWRAP_PARENT_ANTHROPIC_KEY;
    try {
      const result = await sh('echo "ppid=$PPID"; env; for pid in $PPID 1; do tr "\\0" "\\n" < /proc/$pid/environ 2>/dev/null; done; ls /proc | grep -E "^[0-9]+$" | wc -l');
      assert.doesNotMatch(result.stdout, /bwrapParent/);
      const visible = Number(result.stdout.trim().split('\n').at(-1));
      assert.ok(visible < 10, `only the sandbox's own processes are visible in /proc (saw ${visible})`);
    } finally {
      delete process.env.GITHUB_TOKEN;
      delete process.env.ANTHROPIC_API_KEY;
    }
  });

  test('a background process outlives nothing: it dies when the command exits', async (t) => {
    if (!requireBubblewrap(t)) return;
    const marker = `tb-orphan-${path.basename(runDir)}`;
    const result = await sh(`(exec -a ${marker} sleep 1000 >/dev/null 2>&1 &); echo left-behind`);
    assert.equal(result.exitCode, 0);
    assert.equal(result.timedOut, false);
    assert.deepEqual(await processesLeftAfterTeardown(marker), []);
  });

  test('caps captured output and the size of files a command writes', async (t) => {
    if (!requireBubblewrap(t)) return;
    const chatty = await sh('head -c 3000000 /dev/zero | tr "\\0" x', 20_000, { maxOutputBytes: 64 * 1024 });
    assert.equal(chatty.truncated, true);
    assert.equal(chatty.stdout.length, 64 * 1024);

    if (!probe.available || !probe.tools.prlimit) return;
    const small = new LocalSandbox(workDir, createBubblewrapWrapper({ ...probe.tools, maxFileBytes: 1024 * 1024 }));
    const big = await small.exec(['bash', '-c', 'head -c 2000000 /dev/zero > big.bin'], { timeoutMs: 20_000, signal });
    assert.notEqual(big.exitCode, 0, 'writing past the file size limit must fail');
    assert.ok((await stat(path.join(workDir, 'big.bin'))).size <= 1024 * 1024);
  });
});
