import type { RedisClient } from '../src/redis/redis.client.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TurnLock, TurnLockTimeoutError, type TurnLockOptions } from '../src/bot/turn.lock.js';
import { testRedis, uniquePrefix } from './support/redis.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Counts how many turns run at once, per label. */
class Overlap {
  #running = new Map<string, number>();
  max = new Map<string, number>();

  async turn(label: string, ms: number): Promise<void> {
    const now = (this.#running.get(label) ?? 0) + 1;
    this.#running.set(label, now);
    this.max.set(label, Math.max(this.max.get(label) ?? 0, now));
    await sleep(ms);
    this.#running.set(label, (this.#running.get(label) ?? 1) - 1);
  }
}

let clients: RedisClient[];
let prefix: string;

beforeEach(() => {
  clients = [];
  prefix = uniquePrefix();
});
afterEach(async () => {
  await Promise.all(clients.map((c) => c.quit()));
});

/** A TurnLock on its own connection, as in a separate process. */
function newProcessLock(options: Partial<TurnLockOptions> = {}): TurnLock {
  const redis = testRedis();
  clients.push(redis);
  return new TurnLock({ redis, prefix, ...options });
}

describe('TurnLock', () => {
  it('runs turns of one conversation one after another, in arrival order', async () => {
    const lock = newProcessLock();
    const overlap = new Overlap();
    const order: number[] = [];

    await Promise.all(
      [0, 1, 2, 3, 4].map((i) =>
        lock.run('sms:c1', async () => {
          await overlap.turn('c1', 5 + ((5 - i) * 7) % 20); // later turns are quicker
          order.push(i);
        }),
      ),
    );

    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(overlap.max.get('c1')).toBe(1);
    expect(lock.busyConversations).toBe(0);
  });

  it('returns what the turn returns', async () => {
    const lock = newProcessLock();
    await expect(lock.run('c', async () => 42)).resolves.toBe(42);
  });

  it('runs different conversations at the same time', async () => {
    const lock = newProcessLock();
    let bothRunning!: () => void;
    const together = new Promise<void>((resolve) => (bothRunning = resolve));
    let started = 0;
    const turn = (conversation: string) =>
      lock.run(conversation, async () => {
        if (++started === 2) bothRunning();
        await together; // only settles if both turns are inside at once
      });

    await Promise.race([Promise.all([turn('sms:c1'), turn('chat:c2')]), sleep(2_000).then(() => Promise.reject(new Error('turns did not overlap')))]);
  });

  it('keeps two processes out of one conversation at the same time', async () => {
    const [a, b] = [newProcessLock(), newProcessLock()];
    const overlap = new Overlap();

    await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? a : b).run('chat:c1', () => overlap.turn('c1', 10))),
    );

    expect(overlap.max.get('c1')).toBe(1);
    expect(await clients[0]!.exists(`${prefix}chat:c1`)).toBe(0);
  });

  it('releases the lock when the turn throws', async () => {
    const [a, b] = [newProcessLock(), newProcessLock({ maxWaitMs: 500 })];

    await expect(a.run('c1', () => Promise.reject(new Error('dialog blew up')))).rejects.toThrow('dialog blew up');

    expect(await clients[0]!.exists(`${prefix}c1`)).toBe(0);
    await expect(b.run('c1', async () => 'next turn')).resolves.toBe('next turn');
    await expect(a.run('c1', async () => 'same process')).resolves.toBe('same process');
  });

  it('gives up with a clear error after the maximum wait', async () => {
    const [holder, waiter] = [newProcessLock(), newProcessLock({ maxWaitMs: 150 })];
    const inside = deferred();
    const held = holder.run('sms:+15551230001', () => (inside.resolve(), sleep(600)));

    await inside.promise;
    const error = await waiter.run('sms:+15551230001', async () => 'never').catch((err: unknown) => err);

    expect(error).toBeInstanceOf(TurnLockTimeoutError);
    expect(error).toMatchObject({ conversationKey: 'sms:+15551230001', waitedMs: 150 });
    expect((error as Error).message).not.toContain('+1555'); // messages get logged; numbers must not
    await held;
  });

  it('counts time queued behind earlier turns in this process towards the maximum wait', async () => {
    const lock = newProcessLock({ maxWaitMs: 100 });
    const first = lock.run('c1', () => sleep(300));
    const second = lock.run('c1', async () => 'late');
    const third = lock.run('c1', async () => 'after').catch((err: unknown) => err);

    await expect(second).rejects.toBeInstanceOf(TurnLockTimeoutError);
    expect(await third).toBeInstanceOf(TurnLockTimeoutError);
    await first;
    await expect(lock.run('c1', async () => 'fresh')).resolves.toBe('fresh');
  });

  it('keeps the lock past its TTL while a long turn is still running', async () => {
    const [a, b] = [newProcessLock({ lockTtlMs: 150 }), newProcessLock({ maxWaitMs: 2_000 })];
    const overlap = new Overlap();

    const inside = deferred();
    const long = a.run('c1', () => (inside.resolve(), overlap.turn('c1', 500)));
    await inside.promise;
    await Promise.all([long, b.run('c1', () => overlap.turn('c1', 10))]);

    expect(overlap.max.get('c1')).toBe(1);
  });
});
