import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { hasCode } from '../../src/core/errors/tiny-backspace-error';
import { createSandboxFactory, localIsolationFor, resolveSandboxMode, sandboxSearchPath } from '../../src/core/sandbox/create-sandbox';
import { effectiveSandboxMode } from '../../src/core/sandbox/isolation-policy';
import { LocalSandbox } from '../../src/core/sandbox/local-sandbox';
import { shellJoin } from '../../src/core/sandbox/shell-quote';
import { runProcess } from '../../src/core/process/run-process';

describe('sandbox selection', () => {
  it('auto means E2B with a key and local without; local is always local', async () => {
    assert.equal(await resolveSandboxMode('auto', 'e2b_key'), 'e2b');
    assert.equal(await resolveSandboxMode('auto', undefined), 'local');
    assert.equal(await resolveSandboxMode('local', 'e2b_key'), 'local');
    assert.equal(await resolveSandboxMode('e2b', 'e2b_key'), 'e2b');
  });

  it('an explicit e2b without a key is an error with a remedy, not a silent downgrade', async () => {
    await assert.rejects(resolveSandboxMode('e2b', undefined), (error) => {
      assert.ok(hasCode(error, 'sandbox_failed'));
      assert.match((error as { remedy?: string }).remedy ?? '', /E2B_API_KEY.*--sandbox local/);
      return true;
    });
  });

  it('without bubblewrap the local sandbox runs nothing, and says why and how to get isolation', async () => {
    const { isolation } = localIsolationFor({ available: false, reason: 'bubblewrap is Linux-only (this is darwin)' });
    assert.equal(isolation.level, 'none');
    assert.equal(isolation.network, false);
    assert.match(isolation.summary, /repository code will not run/);
    assert.match(isolation.summary, /Linux-only \(this is darwin\)/);
    assert.match(isolation.remedy ?? '', /apt-get install bubblewrap/);
    assert.match(isolation.remedy ?? '', /E2B_API_KEY/);
    assert.match(isolation.remedy ?? '', /--allow-unisolated/);
  });

  it('only the host opt-in makes an unisolated sandbox, and it says plainly what it does not protect', async () => {
    const { isolation } = localIsolationFor({ available: false, reason: 'not here' }, true);
    assert.equal(isolation.level, 'unisolated');
    assert.match(isolation.summary, /WITHOUT isolation/);
    assert.match(isolation.summary, /read your files, reach the network, and read the environment of their parent/);
  });

  it('a sandbox without isolation refuses to run a command at all', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tb-refuse-'));
    try {
      const factory = createSandboxFactory({ probeLocalIsolation: async () => ({ available: false, reason: 'not here' }) });
      const sandbox = await factory({ mode: 'local', hostWorkdir: dir, signal: new AbortController().signal, log: () => undefined });
      await assert.rejects(
        sandbox.exec(['sh', '-c', `touch ${path.join(dir, 'ran')}`], { timeoutMs: 5_000, signal: new AbortController().signal }),
        (error) => hasCode(error, 'isolation_unavailable'),
      );
      await assert.rejects(readFile(path.join(dir, 'ran')));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a request may only ask for a stricter sandbox than the host is configured for', () => {
    assert.deepEqual(effectiveSandboxMode('auto', 'local'), { mode: 'auto', ignoredRequest: true });
    assert.deepEqual(effectiveSandboxMode('e2b', 'local'), { mode: 'e2b', ignoredRequest: true });
    assert.deepEqual(effectiveSandboxMode('e2b', 'auto'), { mode: 'e2b', ignoredRequest: true });
    assert.deepEqual(effectiveSandboxMode('local', 'e2b'), { mode: 'e2b', ignoredRequest: false });
    assert.deepEqual(effectiveSandboxMode('auto', 'e2b'), { mode: 'e2b', ignoredRequest: false });
    assert.deepEqual(effectiveSandboxMode('local', undefined), { mode: 'local', ignoredRequest: false });
  });

  it('probes local isolation once per factory and never asks for the E2B key in local mode', async () => {
    let probes = 0;
    let keyLookups = 0;
    const factory = createSandboxFactory({
      e2bApiKey: async () => {
        keyLookups += 1;
        return 'e2b_key';
      },
      probeLocalIsolation: async () => {
        probes += 1;
        return { available: false, reason: 'not here' };
      },
    });
    const dir = await mkdtemp(path.join(tmpdir(), 'tb-selection-'));
    try {
      for (let run = 0; run < 3; run += 1) {
        const sandbox = await factory({ mode: 'local', hostWorkdir: dir, signal: new AbortController().signal, log: () => undefined });
        assert.ok(sandbox instanceof LocalSandbox);
        assert.equal(sandbox.isolation.level, 'none');
      }
      assert.equal(probes, 1);
      assert.equal(keyLookups, 0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('the local search path keeps absolute host entries and drops relative ones', () => {
    assert.equal(sandboxSearchPath('/opt/tools/bin:.:bin::/usr/bin'), '/opt/tools/bin:/usr/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/sbin:/bin');
    assert.equal(sandboxSearchPath(undefined), '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
  });
});

describe('shell quoting for E2B command strings', () => {
  it('every word reaches the program verbatim through bash', async () => {
    const words = ['plain', 'two words', "it's", '$HOME', '`id`', '*', '', 'a"b', 'new\nline', '--flag=x y', '\\'];
    const command = `printf '%s\\0' ${shellJoin(words)}`;
    const result = await runProcess(['bash', '-c', command], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/nonexistent' } });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual(result.stdout.split('\0').slice(0, -1), words);
  });

  it('leaves safe words unquoted so commands stay readable', () => {
    assert.equal(shellJoin(['npm', 'test']), 'npm test');
    assert.equal(shellJoin(['go', 'test', './...']), 'go test ./...');
  });
});
