// A client of the local server cannot weaken isolation: `options.sandbox: "local"` does not replace the
// E2B sandbox the host is configured for, and no request field can allow unisolated execution. Through
// the real server, engine and E2B SDK against the loopback stand-ins.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startE2bStandIn, type E2bStandIn } from '../support/e2b-stand-in.js';
import { pathWithout } from '../support/path-without';
import { PROMPT, readSse, startServerHarness, type ServerHarness } from '../support/server-harness';

describe('the local server cannot weaken isolation', () => {
  let e2b: E2bStandIn;
  let withE2b: ServerHarness;
  let withoutIsolation: ServerHarness;
  let binDir: string;

  before(async () => {
    e2b = await startE2bStandIn();
    withE2b = await startServerHarness({
      env: { TINY_BACKSPACE_SANDBOX: 'auto', E2B_API_KEY: e2b.apiKey, E2B_API_URL: e2b.apiUrl, E2B_SANDBOX_URL: e2b.sandboxUrl, TINY_BACKSPACE_PROVIDERS: 'offline' },
    });
    binDir = await mkdtemp(path.join(tmpdir(), 'tb-server-nobwrap-'));
    withoutIsolation = await startServerHarness({ env: { PATH: await pathWithout(binDir, ['bwrap']), TINY_BACKSPACE_PROVIDERS: 'offline' } });
  });
  after(async () => {
    await withE2b.close();
    await withoutIsolation.close();
    await e2b.close();
    await rm(binDir, { recursive: true, force: true });
  });

  test('options.sandbox "local" does not downgrade a host configured for E2B', async () => {
    const before = e2b.sandboxes().length;
    const response = await withE2b.call('/code', { method: 'POST', json: { repoUrl: withE2b.repoUrl(), prompt: PROMPT, options: { sandbox: 'local' } } });
    assert.equal(response.status, 200);
    const { events } = await readSse(response);
    assert.equal(events.at(-1)?.kind, 'completed', JSON.stringify(events.at(-1)));
    assert.equal(e2b.sandboxes().length, before + 1, 'the run used an E2B sandbox');
    assert.ok(events.some((event) => event.kind === 'thinking' && event.topic === 'sandbox' && event.message.includes('(e2b)')));
    assert.ok(events.some((event) => event.type === 'warning' && /asked for the local sandbox.*only choose a stricter sandbox/.test(event.message)));
  });

  test('no request field can allow unisolated execution', async () => {
    for (const json of [
      { repoUrl: withoutIsolation.repoUrl(), prompt: PROMPT, options: { allowUnisolated: true } },
      { repoUrl: withoutIsolation.repoUrl(), prompt: PROMPT, allowUnisolated: true },
      { repoUrl: withoutIsolation.repoUrl(), prompt: PROMPT, options: { sandbox: 'unisolated' } },
    ]) {
      const response = await withoutIsolation.call('/code', { method: 'POST', json });
      assert.equal(response.status, 400, JSON.stringify(json));
      await response.body?.cancel();
    }
    // What a request may say leaves the sandbox without isolation: nothing of the repository runs.
    const response = await withoutIsolation.call('/code', { method: 'POST', json: { repoUrl: withoutIsolation.repoUrl(), prompt: PROMPT, options: { sandbox: 'local' } } });
    const { events } = await readSse(response);
    assert.equal(events.at(-1)?.kind, 'completed', JSON.stringify(events.at(-1)));
    assert.ok(events.some((event) => event.kind === 'thinking' && event.topic === 'sandbox' && /repository code will not run/.test(event.message)));
  });
});
