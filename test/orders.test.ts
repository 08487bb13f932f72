import type { RedisClient } from '../src/redis/redis.client.js';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { canTransition, isFinal, ORDER_STATES, type NewOrder, type OrderState } from '../src/orders/order.js';
import { OrderRecordError } from '../src/orders/order.record.js';
import { customerKey } from '../src/customers/customer.js';
import { OrderIdsExhaustedError, OrderIdTakenError, OrderStore } from '../src/orders/order.store.js';
import { scanKeys, testRedis, uniquePrefix } from './support/redis.js';

const PHONE = '+14155550123';

function ticketOrder(overrides: Partial<NewOrder> = {}): NewOrder {
  return {
    customer: { channel: 'sms', address: PHONE },
    eventId: 'lakers-warriors-2026-12-05',
    sectionId: '101',
    quantity: 2,
    seats: ['A-7', 'A-8'],
    unitAmount: 20_000,
    currency: 'usd',
    holdExpiresAt: Date.parse('2026-01-01T00:30:00Z'),
    ...overrides,
  };
}

// Shortest legal walk from a fresh (held) order to each state.
const PATH: Record<OrderState, OrderState[]> = {
  held: [],
  awaiting_payment: ['awaiting_payment'],
  paid: ['awaiting_payment', 'paid'],
  fulfilled: ['awaiting_payment', 'paid', 'fulfilled'],
  expired: ['expired'],
  cancelled: ['cancelled'],
  payment_failed: ['payment_failed'],
  refunded: ['awaiting_payment', 'paid', 'refunded'],
};

const PAIRS = ORDER_STATES.flatMap((from) => ORDER_STATES.map((to) => [from, to] as const));
const LEGAL = PAIRS.filter(([from, to]) => canTransition(from, to));
const ILLEGAL = PAIRS.filter(([from, to]) => from !== to && !canTransition(from, to));

describe('OrderStore', () => {
  const redis = testRedis();
  let prefix: string;
  let store: OrderStore;
  let clock: number;

  function newStore(options: Partial<ConstructorParameters<typeof OrderStore>[1]> = {}, client: RedisClient = redis) {
    return new OrderStore(client, { prefix, now: () => (clock += 1_000), ...options });
  }

  async function orderIn(state: OrderState, overrides: Partial<NewOrder> = {}) {
    const order = await store.create(ticketOrder(overrides));
    for (const [step, to] of PATH[state].entries()) {
      const result = await store.transition(order.id, { to, cause: `setup:${step}` });
      expect(result.outcome).toBe('applied');
    }
    return order.id;
  }

  beforeEach(() => {
    prefix = uniquePrefix();
    clock = Date.parse('2026-01-01T00:00:00Z');
    store = newStore();
  });

  afterAll(async () => {
    await redis.quit();
  });

  describe('create and get', () => {
    it('creates under an id the caller already holds seats with, and refuses it when taken', async () => {
      const created = await store.create(ticketOrder(), { id: 'BX-HXD7' });
      expect(created.id).toBe('BX-HXD7');
      expect((await store.get('BX-HXD7'))?.state).toBe('held');
      await expect(store.create(ticketOrder(), { id: 'BX-HXD7' })).rejects.toThrow(OrderIdTakenError);
      expect((await store.get('BX-HXD7'))?.createdAt).toBe(created.createdAt);
    });

    it('creates a held order with a created entry and reads it back', async () => {
      const conversation = { conversation: { id: 'conv-1' }, serviceUrl: 'http://localhost/' };
      const created = await store.create(ticketOrder({ customer: { channel: 'chat', address: 'user-1', conversation } }));

      expect(created.id).toMatch(/^BX-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}$/);
      expect(created).toMatchObject({
        state: 'held',
        amount: 40_000,
        tickets: [],
        seats: ['A-7', 'A-8'],
        createdAt: '2026-01-01T00:00:01.000Z',
      });
      expect(created.timeline).toEqual([{ at: '2026-01-01T00:00:01.000Z', to: 'held', cause: 'created' }]);
      expect(await store.get(created.id)).toEqual(created);
    });

    it('keeps an explicit amount (a discount, a fee) rather than recomputing it', async () => {
      const created = await store.create(ticketOrder({ amount: 39_000 }));
      expect((await store.get(created.id))?.amount).toBe(39_000);
    });

    it('answers undefined for an id that does not exist or is not an order id', async () => {
      expect(await store.get('BX-2222')).toBeUndefined();
      expect(await store.get('bx-2222')).toBeUndefined();
      expect(await store.get('BX-{2}')).toBeUndefined();
    });

    it('refuses bad input before writing anything', async () => {
      await expect(store.create(ticketOrder({ quantity: 0 }))).rejects.toThrow();
      await expect(store.create(ticketOrder({ unitAmount: 19.99 }))).rejects.toThrow();
      expect(await scanKeys(redis, `${prefix}*`)).toEqual([]);
    });

    it('draws another id when the first is taken', async () => {
      const ids = ['BX-2222', 'BX-2222', 'BX-3333'];
      const colliding = newStore({ newId: () => ids.shift()! });
      const first = await colliding.create(ticketOrder());
      const second = await colliding.create(ticketOrder({ customer: { channel: 'chat', address: 'someone-else' } }));

      expect([first.id, second.id]).toEqual(['BX-2222', 'BX-3333']);
      expect((await store.get('BX-2222'))?.customer.address).toBe(PHONE);
    });

    it('gives up with a clear error when no free id turns up, leaving the taken order alone', async () => {
      const stuck = newStore({ newId: () => 'BX-2222', maxIdAttempts: 3 });
      await stuck.create(ticketOrder());
      await expect(stuck.create(ticketOrder({ quantity: 5 }))).rejects.toBeInstanceOf(OrderIdsExhaustedError);
      expect((await store.get('BX-2222'))?.quantity).toBe(2);
    });

    it('reports a malformed stored order instead of trusting it', async () => {
      const { id } = await store.create(ticketOrder());
      await redis.hset(`${prefix}order:{${id}}`, 'quantity', 'two');
      await expect(store.get(id)).rejects.toBeInstanceOf(OrderRecordError);
      await expect(store.get(id)).rejects.toThrow(/quantity/);
    });
  });

  describe('state machine', () => {
    it('knows its ends', () => {
      expect(ORDER_STATES.filter(isFinal)).toEqual(['expired', 'cancelled', 'payment_failed', 'refunded']);
    });

    it.each(LEGAL)('applies %s → %s and records it', async (from, to) => {
      const id = await orderIn(from);
      const before = await store.get(id);
      const result = await store.transition(id, { to, cause: 'test:move', note: 'why not' });

      expect(result.outcome).toBe('applied');
      expect(result.order?.state).toBe(to);
      expect(result.order?.timeline).toHaveLength(before!.timeline.length + 1);
      expect(result.order?.timeline.at(-1)).toEqual({
        at: result.order?.updatedAt,
        from,
        to,
        cause: 'test:move',
        note: 'why not',
      });
      expect(await store.get(id)).toEqual(result.order);
    });

    it.each(ILLEGAL)('refuses %s → %s and changes nothing', async (from, to) => {
      const id = await orderIn(from);
      const before = await store.get(id);
      const result = await store.transition(id, { to, cause: 'test:move', patch: { checkoutUrl: 'https://x' } });

      expect(result.outcome).toBe('illegal');
      expect(result.order).toEqual(before);
      expect(await store.get(id)).toEqual(before);
    });

    it('lets payment evidence win over a hold that was never marked awaiting', async () => {
      const id = await orderIn('held');
      expect((await store.transition(id, { to: 'paid', cause: 'stripe:evt_1' })).outcome).toBe('applied');
    });

    it('applies a patch together with the move', async () => {
      const id = await orderIn('held');
      const awaiting = await store.transition(id, {
        to: 'awaiting_payment',
        cause: 'checkout:created',
        patch: { stripeSessionId: 'cs_test_1', checkoutUrl: 'https://checkout.stripe.com/c/pay/cs_test_1', holdExpiresAt: 42 },
      });
      expect(awaiting.order).toMatchObject({
        stripeSessionId: 'cs_test_1',
        checkoutUrl: 'https://checkout.stripe.com/c/pay/cs_test_1',
        holdExpiresAt: 42,
      });
      await store.transition(id, { to: 'paid', cause: 'stripe:evt_1' });
      const fulfilled = await store.transition(id, {
        to: 'fulfilled',
        cause: 'stripe:evt_1',
        patch: { tickets: ['T-1', 'T-2'], seats: ['B-1', 'B-2'] },
      });
      expect(fulfilled.outcome).toBe('applied');
      expect(await store.get(id)).toMatchObject({ state: 'fulfilled', tickets: ['T-1', 'T-2'], seats: ['B-1', 'B-2'] });
    });
  });

  describe('idempotency', () => {
    it('treats the same cause twice as a duplicate and records nothing more', async () => {
      const id = await orderIn('awaiting_payment');
      const first = await store.transition(id, { to: 'paid', cause: 'stripe:evt_1' });
      const second = await store.transition(id, {
        to: 'paid',
        cause: 'stripe:evt_1',
        patch: { stripeSessionId: 'cs_other' },
      });

      expect(second.outcome).toBe('duplicate');
      expect(second.order).toEqual(first.order);
      expect(await store.get(id)).toEqual(first.order);
    });

    it('still calls a replayed cause a duplicate after the order has moved on', async () => {
      const id = await orderIn('awaiting_payment');
      await store.transition(id, { to: 'paid', cause: 'stripe:evt_1' });
      await store.transition(id, { to: 'fulfilled', cause: 'stripe:evt_1' });
      expect((await store.transition(id, { to: 'paid', cause: 'stripe:evt_1' })).outcome).toBe('duplicate');
    });

    it('answers already, recording nothing, when the order is in the target state by another cause', async () => {
      const id = await orderIn('awaiting_payment');
      const paid = await store.transition(id, { to: 'paid', cause: 'stripe:evt_1' });
      const late = await store.transition(id, { to: 'paid', cause: 'reconciliation:run-7' });

      expect(late.outcome).toBe('already');
      expect(late.order).toEqual(paid.order);
    });

    it('answers unknown_order for an order that does not exist, and creates no keys', async () => {
      expect(await store.transition('BX-2222', { to: 'paid', cause: 'stripe:evt_1' })).toEqual({
        outcome: 'unknown_order',
      });
      expect(await store.transition('not-an-id', { to: 'paid', cause: 'stripe:evt_1' })).toEqual({
        outcome: 'unknown_order',
      });
      expect(await store.note('BX-2222', 'twilio:SM1', 'hello')).toBe(false);
      expect(await scanKeys(redis, `${prefix}*`)).toEqual([]);
    });

    it('refuses a target that is not a state', async () => {
      const id = await orderIn('held');
      await expect(store.transition(id, { to: 'shipped' as OrderState, cause: 'x' })).rejects.toThrow();
    });
  });

  describe('concurrency', () => {
    it('lets exactly one of 50 racing paid/expired causes land', async () => {
      const id = await orderIn('awaiting_payment');
      const clients = Array.from({ length: 5 }, () => testRedis());
      try {
        const stores = clients.map((client) => newStore({}, client));
        const targets: OrderState[] = Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? 'paid' : 'expired'));
        const results = await Promise.all(
          targets.map((to, i) => stores[i % stores.length]!.transition(id, { to, cause: `stripe:evt_${to}_${i}` })),
        );
        const applied = results.filter((result) => result.outcome === 'applied');
        expect(applied).toHaveLength(1);

        // The rest saw the winner's end: the same end is 'already', the other one 'illegal'.
        const winner = applied[0]!.order!.state;
        const losers = results.map((result, i) => [targets[i], result.outcome]).filter(([, o]) => o !== 'applied');
        for (const [to, outcome] of losers) expect(outcome).toBe(to === winner ? 'already' : 'illegal');

        const order = await store.get(id);
        expect(order?.state).toBe(winner);
        const moves = order!.timeline.filter((entry) => entry.from === 'awaiting_payment');
        expect(moves).toHaveLength(1);
        expect(moves[0]?.to).toBe(winner);
        expect(order!.timeline).toHaveLength(3); // created, awaiting_payment, the winner
      } finally {
        await Promise.all(clients.map((client) => client.quit()));
      }
    });

    it('applies one cause once however many workers deliver it at the same time', async () => {
      const id = await orderIn('awaiting_payment');
      const results = await Promise.all(
        Array.from({ length: 20 }, () => store.transition(id, { to: 'paid', cause: 'stripe:evt_1' })),
      );
      expect(results.map((r) => r.outcome).sort()).toEqual(['applied', ...Array(19).fill('duplicate')]);
      expect((await store.get(id))?.timeline).toHaveLength(3);
    });
  });

  describe('notes', () => {
    it('appends a note without moving the order, once per cause', async () => {
      const id = await orderIn('fulfilled');
      const before = await store.get(id);

      expect(await store.note(id, 'twilio:SM123', 'ticket SMS failed: number opted out')).toBe(true);
      expect(await store.note(id, 'twilio:SM123', 'ticket SMS failed: number opted out')).toBe(false);

      const after = await store.get(id);
      expect(after?.state).toBe('fulfilled');
      expect(after?.timeline).toHaveLength(before!.timeline.length + 1);
      expect(after?.timeline.at(-1)).toEqual({
        at: after?.updatedAt,
        cause: 'twilio:SM123',
        note: 'ticket SMS failed: number opted out',
      });
    });

    it('keeps notes and transitions with the same cause apart', async () => {
      const id = await orderIn('awaiting_payment');
      expect(await store.note(id, 'stripe:evt_1', 'session completed, checking with Stripe')).toBe(true);
      expect((await store.transition(id, { to: 'paid', cause: 'stripe:evt_1' })).outcome).toBe('applied');
    });
  });

  describe('listing', () => {
    it('lists a customer’s orders newest first, and only theirs', async () => {
      const first = await store.create(ticketOrder());
      const other = await store.create(ticketOrder({ customer: { channel: 'sms', address: '+14155550999' } }));
      const sameIdOnChat = await store.create(ticketOrder({ customer: { channel: 'chat', address: PHONE } }));
      const second = await store.create(ticketOrder({ quantity: 4 }));

      const mine = await store.listByCustomer('sms', PHONE);
      expect(mine.map((order) => order.id)).toEqual([second.id, first.id]);
      expect((await store.listByCustomer('chat', PHONE)).map((order) => order.id)).toEqual([sameIdOnChat.id]);
      expect((await store.listByCustomer('sms', '+14155550999')).map((order) => order.id)).toEqual([other.id]);
      expect(await store.listByCustomer('sms', '+10000000000')).toEqual([]);
    });

    it('lists an event’s orders, optionally by state', async () => {
      const paidId = await orderIn('paid');
      const heldId = await orderIn('held');
      const elsewhere = await store.create(ticketOrder({ eventId: 'another-event' }));

      const all = await store.listByEvent('lakers-warriors-2026-12-05');
      expect(all.map((order) => order.id)).toEqual([heldId, paidId]);
      expect((await store.listByEvent('lakers-warriors-2026-12-05', { state: 'paid' })).map((o) => o.id)).toEqual([
        paidId,
      ]);
      expect((await store.listByEvent('another-event')).map((o) => o.id)).toEqual([elsewhere.id]);
      expect(await store.listByEvent('lakers-warriors-2026-12-05', { state: 'refunded' })).toEqual([]);
    });
  });

  describe('privacy', () => {
    it('never puts a phone number in a key name', async () => {
      const phones = ['+14155550123', '+447700900123', '+61491570156'];
      for (const phone of phones) {
        const id = await orderIn('paid', { customer: { channel: 'sms', address: phone } });
        await store.note(id, 'twilio:SM1', 'sent');
      }
      const keys = await scanKeys(redis, `${prefix}*`);

      expect(keys.length).toBeGreaterThan(phones.length * 3);
      for (const phone of phones) {
        const digits = phone.slice(1);
        for (const key of keys) {
          expect(key).not.toContain(digits);
          expect(key).not.toContain(digits.slice(-7)); // not even the local part
        }
      }
    });

    it('names a customer by a short stable hash that differs per channel', () => {
      const key = customerKey('sms', PHONE);
      expect(key).toBe(customerKey('sms', PHONE));
      expect(key).toMatch(/^[A-Za-z0-9_-]{16}$/);
      expect(key).not.toBe(customerKey('chat', PHONE));
      expect(key).not.toBe(customerKey('sms', '+14155550124'));
    });
  });
});
