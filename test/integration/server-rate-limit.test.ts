import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startServerHarness, type ServerHarness } from '../support/server-harness';

let h: ServerHarness;

before(async () => {
  h = await startServerHarness({ server: { rateLimitPerMinute: 6 } });
});

after(async () => {
  await h.close();
});

test('a client past its request rate gets 429 with Retry-After; /health stays answerable', async () => {
  const statuses: number[] = [];
  let retryAfter: string | null = null;
  for (let index = 0; index < 5; index += 1) {
    const response = await h.call('/runs');
    statuses.push(response.status);
    if (response.status === 429) {
      retryAfter = response.headers.get('retry-after');
      assert.equal(((await response.json()) as { code: string }).code, 'rate_limited');
    } else await response.body?.cancel();
  }
  // A burst of half the minute's allowance (3), then refusals.
  assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
  assert.ok(Number(retryAfter) >= 1, `retry-after ${retryAfter}`);
  assert.equal((await fetch(`${h.url}/health`)).status, 200, 'the public liveness check is not rate limited');
});
