import { ConversationState, TestAdapter, UserState, type TurnContext } from 'botbuilder';
import type { RedisClient } from '../src/redis/redis.client.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ETagConflictError, RedisStorage } from '../src/bot/redis.storage.js';
import { scanKeys, testRedis, uniquePrefix } from './support/redis.js';

let redis: RedisClient;
let prefix: string;
let storage: RedisStorage;

beforeEach(() => {
  redis = testRedis();
  prefix = uniquePrefix();
  storage = new RedisStorage({ redis, prefix });
});
afterEach(async () => {
  await redis.quit();
});

describe('RedisStorage', () => {
  it('reads back what it wrote, with an eTag, and forgets deleted items', async () => {
    await storage.write({ 'sms/conversations/c1/': { step: 'quantity', seats: ['A7', 'A8'] } });

    const items = await storage.read(['sms/conversations/c1/', 'sms/conversations/missing/']);

    expect(Object.keys(items)).toEqual(['sms/conversations/c1/']);
    expect(items['sms/conversations/c1/']).toEqual({ step: 'quantity', seats: ['A7', 'A8'], eTag: expect.any(String) });
    expect(await redis.exists(`${prefix}sms/conversations/c1/`)).toBe(1);

    await storage.delete(['sms/conversations/c1/']);
    expect(await storage.read(['sms/conversations/c1/'])).toEqual({});
  });

  it('rejects a write with a stale eTag and keeps the newer item', async () => {
    await storage.write({ k: { v: 1 } });
    const { k: first } = await storage.read(['k']);

    await storage.write({ k: { ...first, v: 2 } });
    const stale = storage.write({ k: { ...first, v: 3 } });

    await expect(stale).rejects.toBeInstanceOf(ETagConflictError);
    await expect(stale).rejects.toThrow('Storage: error writing "k" due to eTag conflict.');
    const { k: now } = await storage.read(['k']);
    expect(now.v).toBe(2);
    expect(now.eTag).not.toBe(first.eTag);
  });

  it("overwrites with eTag '*' or no eTag", async () => {
    await storage.write({ k: { v: 1 } });
    await storage.write({ k: { v: 2, eTag: '*' } });
    expect((await storage.read(['k'])).k.v).toBe(2);
    await storage.write({ k: { v: 3 } });
    expect((await storage.read(['k'])).k.v).toBe(3);
  });

  it('lets exactly one of several writers holding the same eTag win', async () => {
    await storage.write({ k: { v: 0 } });
    const { k: read } = await storage.read(['k']);

    const results = await Promise.allSettled([1, 2, 3, 4, 5].map((v) => storage.write({ k: { ...read, v } })));

    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(4);
  });

  it('expires items 24 hours after their last write by default', async () => {
    await storage.write({ k: { v: 1 } });
    const ttl = await redis.pttl(`${prefix}k`);
    expect(ttl).toBeGreaterThan(24 * 3600_000 - 5_000);
    expect(ttl).toBeLessThanOrEqual(24 * 3600_000);
  });

  it('refreshes a configured time to live on every write', async () => {
    const shortLived = new RedisStorage({ redis, prefix, ttlSeconds: 60 });
    await shortLived.write({ k: { v: 1 } });
    await redis.pexpire(`${prefix}k`, 1_000);

    await shortLived.write({ k: { v: 2 } });

    expect(await redis.pttl(`${prefix}k`)).toBeGreaterThan(55_000);
  });
});

describe('RedisStorage under botbuilder state', () => {
  /** A bot that counts turns per conversation and remembers the user's name. */
  function countingBot(store: RedisStorage) {
    const conversationState = new ConversationState(store);
    const userState = new UserState(store);
    const turns = conversationState.createProperty<number>('turns');
    const name = userState.createProperty<string>('name');
    return async (context: TurnContext) => {
      const turn = (await turns.get(context, 0)) + 1;
      await turns.set(context, turn);
      const text = context.activity.text ?? '';
      if (text.startsWith('my name is ')) await name.set(context, text.slice('my name is '.length));
      await context.sendActivity(`turn ${turn}, hello ${await name.get(context, 'stranger')}`);
      await conversationState.saveChanges(context);
      await userState.saveChanges(context);
    };
  }

  it('keeps conversation and user state across turns and across a restart', async () => {
    await new TestAdapter(countingBot(storage))
      .send('hi')
      .assertReply('turn 1, hello stranger')
      .send('my name is Ana')
      .assertReply('turn 2, hello Ana')
      .send('still there?')
      .assertReply('turn 3, hello Ana');

    // A new process: new connection, storage and adapter; same conversation.
    const otherRedis = testRedis();
    try {
      await new TestAdapter(countingBot(new RedisStorage({ redis: otherRedis, prefix })))
        .send('back again')
        .assertReply('turn 4, hello Ana');
    } finally {
      await otherRedis.quit();
    }
    const keys = await scanKeys(redis, `${prefix}*`);
    expect(keys.some((k) => k.includes('/conversations/'))).toBe(true);
    expect(keys.some((k) => k.includes('/users/'))).toBe(true);
  });
});
