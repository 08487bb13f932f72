// A customer's saved card and provider Customer, against the test Redis: one
// Customer per identity however many purchases race to make it, the card kept
// with the time consent was given, replaced by a newer one, forgotten while
// the Customer stays; who may keep a card at all; no phone number in a key.
import { afterAll, describe, expect, it } from 'vitest';
import type { Customer } from '../src/customers/customer.js';
import { maySaveCard, SavedCardStore } from '../src/orders/saved-card.store.js';
import { scanKeys, testRedis, uniquePrefix } from './support/redis.js';

const redis = testRedis();
const prefix = uniquePrefix();
const store = new SavedCardStore(redis, prefix, () => Date.parse('2026-12-03T10:00:00Z'));

afterAll(async () => {
  await redis.quit();
});

const sms = (address: string): Customer => ({ channel: 'sms', address });
const card = (customerId: string, last4 = '4242') => ({ customerId, paymentMethodId: `pm_${last4}`, brand: 'visa', last4, expMonth: 12, expYear: 2030 });

describe('saved cards in Redis', () => {
  it('keeps one provider Customer per identity: the first written wins a race', async () => {
    const customer = sms('+15550006666');
    const kept = await Promise.all(['cus_a', 'cus_b', 'cus_c'].map((id) => store.keepCustomer(customer, id)));
    expect(new Set(kept).size).toBe(1);
    expect(await store.customerIdOf(customer)).toBe(kept[0]);
    expect(await store.customerIdOf(sms('+15550007777'))).toBeUndefined();
  });

  it('keeps the card with when consent was given, replaces it with a newer one, and forgets it but not the Customer', async () => {
    const customer = sms('+15550008888');
    expect(await store.cardOf(customer)).toBeUndefined();
    await store.save(customer, card('cus_x'), 'BX-7K2Q');
    expect(await store.cardOf(customer)).toEqual({ ...card('cus_x'), consentAt: '2026-12-03T10:00:00.000Z', savedWith: 'BX-7K2Q' });
    await store.save(customer, card('cus_x', '1881'), 'BX-8M3R');
    expect((await store.cardOf(customer))?.last4).toBe('1881');
    // A card of another provider Customer is never kept for this identity.
    await expect(store.save(customer, card('cus_other'), 'BX-9P4S')).rejects.toThrow(/cus_other/);
    await store.forget(customer);
    expect(await store.cardOf(customer)).toBeUndefined();
    expect(await store.customerIdOf(customer)).toBe('cus_x');
    expect((await scanKeys(redis, `${prefix}*`)).some((key) => key.includes('5550008888'))).toBe(false);
  });

  it('lets an SMS number keep a card, and a chat user only on a channel that authenticates them', () => {
    expect(maySaveCard(sms('+15550009999'), { anonymous: true })).toBe(true);
    const chat: Customer = { channel: 'chat', address: 'msteams:29:1abc' };
    expect(maySaveCard(chat, { anonymous: false, channelId: 'msteams' })).toBe(true);
    expect(maySaveCard(chat, { anonymous: true, channelId: 'msteams' })).toBe(false);
    expect(maySaveCard({ channel: 'chat', address: 'webchat:u1' }, { anonymous: false, channelId: 'webchat' })).toBe(false);
    expect(maySaveCard({ channel: 'chat', address: 'emulator:u1' }, { anonymous: true, channelId: 'emulator' })).toBe(false);
  });
});
