import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BWRAP_REPO, bubblewrapArgs, createBubblewrapWrapper, innerPath } from '../../src/core/sandbox/bubblewrap';

/** The value that follows `flag` each time it appears (e.g. every --tmpfs target). */
function valuesOf(args: readonly string[], flag: string): string[] {
  return args.flatMap((arg, index) => (arg === flag ? [args[index + 1] ?? ''] : []));
}

describe('bubblewrap flags', () => {
  const args = bubblewrapArgs('/var/lib/runs/tiny-backspace-abc/work', `${BWRAP_REPO}/src`);

  it('drops every capability, unshares every namespace and dies with its parent', () => {
    for (const flag of ['--unshare-all', '--die-with-parent', '--new-session']) assert.ok(args.includes(flag), flag);
    assert.deepEqual(valuesOf(args, '--cap-drop'), ['ALL']);
    assert.ok(!args.includes('--share-net'));
  });

  it('binds the host read-only and only the clone writable, at a fixed path', () => {
    assert.deepEqual(args.slice(0, 3), ['--ro-bind', '/', '/']);
    assert.deepEqual(valuesOf(args, '--bind'), ['/var/lib/runs/tiny-backspace-abc/work']);
    assert.equal(args[args.indexOf('--bind') + 2], BWRAP_REPO);
    assert.deepEqual(valuesOf(args, '--chdir'), [`${BWRAP_REPO}/src`]);
  });

  it('hides homes, temp dirs, /run (unix sockets such as docker.sock) and the run directory with the git dir', () => {
    const hidden = valuesOf(args, '--tmpfs');
    for (const dir of ['/home', '/root', '/tmp', '/var/tmp', '/run', '/var/lib/runs/tiny-backspace-abc']) assert.ok(hidden.includes(dir), dir);
    // Parents are mounted before children, and every tmpfs before the clone's bind.
    assert.ok(args.lastIndexOf('--tmpfs') < args.indexOf('--bind'));
    assert.ok(hidden.indexOf('/var/lib/runs/tiny-backspace-abc') > hidden.indexOf('/run'));
  });

  it('does not hide a top-level directory just because the clone sits right under it', () => {
    assert.ok(!valuesOf(bubblewrapArgs('/srv/work', BWRAP_REPO), '--tmpfs').includes('/srv'));
  });

  it('maps cwd into the clone and refuses one outside it', () => {
    assert.equal(innerPath('/x/run/work', '/x/run/work'), BWRAP_REPO);
    assert.equal(innerPath('/x/run/work', '/x/run/work/a/b'), `${BWRAP_REPO}/a/b`);
    assert.throws(() => innerPath('/x/run/work', '/x/run/git'), /outside the sandbox workdir/);
  });

  it('keeps the environment out of argv, sets HOME inside, and caps file sizes with prlimit', () => {
    const wrapper = createBubblewrapWrapper({ bwrap: '/usr/bin/bwrap', prlimit: '/usr/bin/prlimit', maxFileBytes: 1234 });
    const wrapped = wrapper.wrap(['npm', 'test'], { workdir: '/x/run/work', cwd: '/x/run/work', env: { PATH: '/usr/bin', HOME: '/x/run/work', SECRETISH: 'value-in-env-only' }, timeoutMs: 1000 });
    assert.deepEqual(wrapped.argv.slice(0, 3), ['/usr/bin/prlimit', '--fsize=1234', '--']);
    assert.deepEqual(wrapped.argv.slice(-3), ['--', 'npm', 'test']);
    assert.ok(!wrapped.argv.some((arg) => arg.includes('value-in-env-only')), 'environment values never appear in argv (ps shows argv)');
    assert.ok(!wrapped.argv.includes('--setenv'));
    assert.equal(wrapped.env.HOME, '/home/user');
    assert.equal(wrapped.env.SECRETISH, 'value-in-env-only');
    assert.equal(wrapper.isolation.level, 'bubblewrap');
    assert.equal(wrapper.isolation.network, false);
  });
});
