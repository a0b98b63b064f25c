import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hasCode } from '../../src/core/errors/tiny-backspace-error';
import { Semaphore } from '../../src/core/runs/semaphore';

describe('execution slots', () => {
  it('grants up to the limit at once and the rest in arrival order', async () => {
    const slots = new Semaphore(2);
    const signal = new AbortController().signal;
    const first = await slots.acquire(signal);
    const second = await slots.acquire(signal);
    assert.equal(slots.tryAcquire(), undefined);
    const order: string[] = [];
    const third = slots.acquire(signal).then((release) => (order.push('third'), release));
    const fourth = slots.acquire(signal).then((release) => (order.push('fourth'), release));
    first();
    const thirdRelease = await third;
    assert.deepEqual(order, ['third']);
    second();
    await fourth;
    assert.deepEqual(order, ['third', 'fourth']);
    assert.equal(slots.inUse, 2);
    thirdRelease();
    thirdRelease();
    assert.equal(slots.inUse, 1, 'releasing twice frees one slot only');
  });

  it('a cancelled waiter leaves the queue and never takes a slot', async () => {
    const slots = new Semaphore(1);
    const held = await slots.acquire(new AbortController().signal);
    const controller = new AbortController();
    const waiting = slots.acquire(controller.signal);
    controller.abort('Cancelled by the test.');
    await assert.rejects(waiting, (error: unknown) => hasCode(error, 'cancelled'));
    held();
    assert.equal(slots.inUse, 0);
    assert.notEqual(slots.tryAcquire(), undefined);
  });
});
