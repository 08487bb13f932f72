// Refunds in parts: which tickets and money a request covers, the catalog's
// policy for customers, which Stripe events mean a refund, and the order-side
// scripts (one refund in flight, each applied once, none lost when two land
// together) against the test Redis.
import type { RedisClient } from '../src/redis/redis.client.js';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { eventSchema, type CatalogEvent } from '../src/catalog/catalog.schema.js';
import { customerRefundDecision, describeRefundPolicy } from '../src/catalog/refund-policy.js';
import type { NewOrder, Order } from '../src/orders/order.js';
import { OrderStore } from '../src/orders/order.store.js';
import { activeTickets, planRefund, refundIdFor, refundIdempotencyKey, type RefundRecord } from '../src/orders/refund.js';
import { RefundStore } from '../src/orders/refund.store.js';
import { toRefundInfo } from '../src/checkout/checkout.gateway.js';
import { translateStripeEvent } from '../src/payments/stripe-event.translate.js';
import { testRedis, uniquePrefix } from './support/redis.js';

const AT = '2026-11-01T12:00:00.000Z';

function fulfilled(overrides: Partial<Order> = {}): Order {
  return {
    id: 'BX-7K2Q', kind: 'tickets', state: 'fulfilled', customer: { channel: 'sms', address: '+15550001234' },
    eventId: 'lakers', sectionId: '101', quantity: 3, seats: ['A-1', 'A-2', 'A-3'],
    unitAmount: 20_000, amount: 60_000, currency: 'usd', holdExpiresAt: 0,
    tickets: ['BX-7K2Q-A1-AAAA', 'BX-7K2Q-A2-BBBB', 'BX-7K2Q-A3-CCCC'], refundedTickets: [], transferredTickets: [], refundedAmount: 0,
    createdAt: AT, updatedAt: AT, timeline: [],
    ...overrides,
  };
}

describe('planRefund', () => {
  it('takes the last tickets of the block for a partial refund, at the ticket price', () => {
    const planned = planRefund(fulfilled(), 1);
    expect(planned).toEqual({
      ok: true,
      plan: { id: refundIdFor('BX-7K2Q', ['BX-7K2Q-A3-CCCC']), tickets: ['BX-7K2Q-A3-CCCC'], seats: ['A-3'], places: 1, amount: 20_000, final: false },
    });
  });

  it('takes every valid ticket and the rest of the money when no count is given', () => {
    const order = fulfilled({ refundedTickets: ['BX-7K2Q-A3-CCCC'], refundedAmount: 19_000 });
    expect(planRefund(order)).toMatchObject({ ok: true, plan: { tickets: ['BX-7K2Q-A1-AAAA', 'BX-7K2Q-A2-BBBB'], seats: ['A-1', 'A-2'], places: 2, amount: 41_000, final: true } });
    expect(activeTickets(order)).toEqual(['BX-7K2Q-A1-AAAA', 'BX-7K2Q-A2-BBBB']);
  });

  it('counts general-admission places without seats', () => {
    const order = fulfilled({ seats: [], tickets: ['BX-7K2Q-GA1-AAAA', 'BX-7K2Q-GA2-BBBB'], quantity: 2, amount: 40_000 });
    expect(planRefund(order, 2)).toMatchObject({ ok: true, plan: { seats: [], places: 2, amount: 40_000, final: true } });
  });

  it('refunds a paid order that never got tickets only as a whole', () => {
    const order = fulfilled({ state: 'paid', tickets: [], seats: [] });
    expect(planRefund(order)).toMatchObject({ ok: true, plan: { tickets: [], places: 0, amount: 60_000, final: true } });
    expect(planRefund(order, 1)).toEqual({ ok: false, reason: 'too_many_tickets' });
  });

  it('refuses counts it cannot honour', () => {
    expect(planRefund(fulfilled(), 4)).toEqual({ ok: false, reason: 'too_many_tickets' });
    expect(planRefund(fulfilled(), 0)).toEqual({ ok: false, reason: 'bad_ticket_count' });
    expect(planRefund(fulfilled(), 1.5)).toEqual({ ok: false, reason: 'bad_ticket_count' });
    expect(planRefund(fulfilled({ refundedTickets: fulfilled().tickets, refundedAmount: 60_000 }))).toEqual({ ok: false, reason: 'nothing_to_refund' });
  });

  it('names a refund by its order and tickets, whatever their order, and keys each attempt', () => {
    const id = refundIdFor('BX-7K2Q', ['B', 'A']);
    expect(id).toMatch(/^RF-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{10}$/);
    expect(refundIdFor('BX-7K2Q', ['A', 'B'])).toBe(id);
    expect(refundIdFor('BX-7K2Q', ['A'])).not.toBe(id);
    expect(refundIdFor('BX-9999', ['A', 'B'])).not.toBe(id);
    expect(refundIdempotencyKey({ id, attempt: 1 })).toBe(`refund-${id}`);
    expect(refundIdempotencyKey({ id, attempt: 3 })).toBe(`refund-${id}-3`);
  });
});

describe('the customer refund policy', () => {
  const event = (extra: Partial<CatalogEvent>): CatalogEvent =>
    eventSchema.parse({
      id: 'show', name: 'Show', startsAt: '2026-12-05T19:30:00-08:00', venue: 'Hall', currency: 'usd',
      sections: [{ id: 'ga', name: 'Standing', tier: 0, price: 5_000, capacity: 10 }],
      ...extra,
    });
  const start = Date.parse('2026-12-05T19:30:00-08:00');

  it('allows cancelling until the window closes, and not from then on', () => {
    const show = event({ refundableUntilHours: 48, refundPolicy: 'Refunds up to 48 hours before.' });
    expect(customerRefundDecision(show, new Date(start - 48 * 3_600_000 - 1))).toEqual({ allowed: true, until: new Date(start - 48 * 3_600_000) });
    expect(customerRefundDecision(show, new Date(start - 48 * 3_600_000))).toEqual({ allowed: false, reason: 'too_late', policy: 'Refunds up to 48 hours before.' });
  });

  it('allows none without a window, and words the policy when the catalog does not', () => {
    expect(customerRefundDecision(event({}), new Date(start - 1e10))).toEqual({ allowed: false, reason: 'no_refunds', policy: 'Tickets for this event cannot be refunded.' });
    expect(describeRefundPolicy(event({ refundableUntilHours: 168 }))).toBe('Refunds up to 7 days before the event.');
    expect(describeRefundPolicy(event({ refundableUntilHours: 24 }))).toBe('Refunds up to 1 day before the event.');
    expect(describeRefundPolicy(event({ refundableUntilHours: 6 }))).toBe('Refunds up to 6 hours before the event.');
    expect(describeRefundPolicy(event({ refundableUntilHours: 0 }))).toBe('Refunds until the event starts.');
  });
});

describe('Stripe refund events and objects', () => {
  const refund = { id: 're_1', object: 'refund' };
  it.each([
    ['refund.created', refund, { kind: 'refund_changed', refundId: 're_1' }],
    ['refund.updated', refund, { kind: 'refund_changed', refundId: 're_1' }],
    ['refund.failed', refund, { kind: 'refund_changed', refundId: 're_1' }],
    ['charge.refund.updated', refund, { kind: 'refund_changed', refundId: 're_1' }],
    ['charge.refunded', { id: 'ch_1', object: 'charge' }, { kind: 'charge_refunded', chargeId: 'ch_1' }],
    ['charge.refunded', refund, { kind: 'ignored', type: 'charge.refunded' }],
    ['charge.succeeded', { id: 'ch_1', object: 'charge' }, { kind: 'ignored', type: 'charge.succeeded' }],
    ['refund.created', { object: 'refund' }, { kind: 'ignored', type: 'refund.created' }],
  ] as const)('%s on a %o is %o', (type, object, expected) => {
    expect(translateStripeEvent({ id: 'evt_1', type, data: { object } })).toEqual(expected);
  });

  it('reads our ids from the metadata, and only when they are well formed', () => {
    const base = { id: 're_1', status: 'succeeded', amount: 100, currency: 'usd', payment_intent: 'pi_1' };
    expect(toRefundInfo({ ...base, metadata: { orderId: 'BX-7K2Q', refundId: 'RF-ABCDEFGHJK' } }).ours).toEqual({ orderId: 'BX-7K2Q', refundId: 'RF-ABCDEFGHJK' });
    expect(toRefundInfo({ ...base, metadata: { orderId: 'BX-7K2Q; DROP', refundId: 'RF-ABCDEFGHJK' } }).ours).toBeUndefined();
    expect(toRefundInfo({ ...base, metadata: {} }).ours).toBeUndefined();
    expect(() => toRefundInfo({ ...base, status: 'weird' })).toThrow();
  });
});

describe('RefundStore', () => {
  const redis: RedisClient = testRedis();
  let orders: OrderStore;
  let store: RefundStore;

  afterAll(async () => {
    await redis.quit();
  });

  beforeEach(() => {
    orders = new OrderStore(redis, { prefix: uniquePrefix() });
    store = new RefundStore(redis, orders);
  });

  async function fulfilledOrder(): Promise<Order> {
    const input: NewOrder = {
      customer: { channel: 'sms', address: '+15550001234' }, eventId: 'lakers', sectionId: '101', quantity: 3,
      seats: ['A-1', 'A-2', 'A-3'], unitAmount: 20_000, currency: 'usd', holdExpiresAt: 0,
    };
    const order = await orders.create(input);
    await orders.transition(order.id, { to: 'paid', cause: 'test' });
    const done = await orders.transition(order.id, { to: 'fulfilled', cause: 'test', patch: { tickets: ['T-1', 'T-2', 'T-3'] } });
    return done.order!;
  }

  function record(order: Order, tickets: string[], overrides: Partial<RefundRecord> = {}): RefundRecord {
    return {
      id: refundIdFor(order.id, tickets), orderId: order.id, tickets, seats: [], places: tickets.length,
      amount: 20_000 * tickets.length, currency: 'usd', status: 'requested', by: 'staff', attempt: 1,
      requestedAt: AT, updatedAt: AT, ...overrides,
    };
  }

  const confirmation = (cause: string) => ({ amount: 20_000, cause, note: 'confirmed', now: new Date(AT) });

  it('keeps one refund in flight per order, and refuses one planned on stale data', async () => {
    const order = await fulfilledOrder();
    const first = record(order, ['T-3']);
    expect(await store.reserve(first, undefined)).toEqual({ outcome: 'ok' });
    expect(await store.reserve(first, undefined)).toEqual({ outcome: 'changed' });
    const second = record(order, ['T-2']);
    expect(await store.reserve(second, undefined)).toMatchObject({ outcome: 'busy', other: { id: first.id } });

    await store.apply(first, confirmation(`refund:${first.id}`));
    // Planned before the first landed, it names a ticket that is void now.
    expect(await store.reserve(record(order, ['T-3'], { id: refundIdFor(order.id, ['T-3', 'x']) }), undefined)).toEqual({ outcome: 'changed' });
    expect(await store.reserve(second, undefined)).toEqual({ outcome: 'ok' });
  });

  it('applies a refund once, ends the order when the last ticket goes, and refuses a ticket twice', async () => {
    const order = await fulfilledOrder();
    const one = record(order, ['T-1']);
    await store.reserve(one, undefined);
    const applied = await store.apply(one, confirmation(`refund:${one.id}`));
    expect(applied.outcome).toBe('applied');
    expect(applied.order).toMatchObject({ state: 'fulfilled', refundedTickets: ['T-1'], refundedAmount: 20_000 });
    expect((await store.apply(one, confirmation(`refund:${one.id}`))).outcome).toBe('duplicate');
    expect((await store.get(order.id, one.id))?.record.status).toBe('succeeded');

    const overlapping = record(order, ['T-1', 'T-2']);
    expect((await store.apply(overlapping, confirmation(`refund:${overlapping.id}`))).outcome).toBe('conflict');

    const rest = record(order, ['T-2', 'T-3']);
    const last = await store.apply(rest, { ...confirmation(`refund:${rest.id}`), amount: 40_000 });
    expect(last.order).toMatchObject({ state: 'refunded', refundedAmount: 60_000 });
    expect(last.order!.refundedTickets).toEqual(['T-1', 'T-2', 'T-3']);
    expect(last.order!.timeline.at(-1)).toMatchObject({ from: 'fulfilled', to: 'refunded', cause: `refund:${rest.id}` });
    expect((await orders.get(order.id))?.state).toBe('refunded');
  });

  it('loses nothing when two refunds of one order land at the same time', async () => {
    const order = await fulfilledOrder();
    const parts = [record(order, ['T-1']), record(order, ['T-2']), record(order, ['T-3'])];
    const other = testRedis();
    try {
      const racing = new RefundStore(other, orders);
      const results = await Promise.all(parts.map((part, i) => (i % 2 ? racing : store).apply(part, confirmation(`refund:${part.id}`))));
      expect(results.map((r) => r.outcome)).toEqual(['applied', 'applied', 'applied']);
    } finally {
      await other.quit();
    }
    const after = (await orders.get(order.id))!;
    expect(after).toMatchObject({ state: 'refunded', refundedAmount: 60_000 });
    expect([...after.refundedTickets].sort()).toEqual(['T-1', 'T-2', 'T-3']);
    expect(after.timeline.filter((entry) => entry.to === 'refunded')).toHaveLength(1);
  });

  it('does not let a late "requested" overwrite a confirmation', async () => {
    const order = await fulfilledOrder();
    const one = record(order, ['T-1']);
    await store.reserve(one, undefined);
    await store.apply(one, confirmation(`refund:${one.id}`));
    const late = await store.update({ ...one, stripeRefundId: 're_1' }, ['requested']);
    expect(late).toMatchObject({ written: false, record: { status: 'succeeded' } });
  });

  it('indexes a requested refund for reconciliation, due after the grace, until it settles', async () => {
    const order = await fulfilledOrder();
    const t0 = Date.parse(AT);
    const indexed = new RefundStore(redis, orders, { reconcileAfterMs: 5 * 60_000, now: () => t0 });
    const due = () => indexed.requestedDue(t0 + 5 * 60_000, 10);
    const one = record(order, ['T-1']);
    await indexed.reserve(one, undefined);
    expect(await indexed.requestedDue(t0 + 5 * 60_000 - 1, 10)).toEqual([]);
    expect(await due()).toEqual([{ orderId: order.id, refundId: one.id }]);
    // Still requested once Stripe has it; out once applied.
    await indexed.update({ ...one, stripeRefundId: 're_1' }, ['requested']);
    expect(await due()).toHaveLength(1);
    await indexed.apply(one, confirmation(`refund:${one.id}`));
    expect(await due()).toEqual([]);
    // Out once failed; a check put off stays put off, and nothing settled comes back.
    const two = record(order, ['T-2']);
    await indexed.reserve(two, undefined);
    await indexed.recheckAt({ orderId: order.id, refundId: two.id }, t0 + 60 * 60_000);
    expect(await due()).toEqual([]);
    await indexed.update({ ...two, status: 'failed' }, ['requested']);
    await indexed.recheckAt({ orderId: order.id, refundId: two.id }, t0);
    expect(await indexed.requestedDue(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
  });

  it('refuses to reserve for an order that is not paid', async () => {
    const order = await orders.create({
      customer: { channel: 'sms', address: '+15550001234' }, eventId: 'lakers', sectionId: '101', quantity: 1,
      seats: ['A-1'], unitAmount: 20_000, currency: 'usd', holdExpiresAt: 0,
    });
    expect(await store.reserve(record(order, [], { amount: 20_000 }), undefined)).toEqual({ outcome: 'not_refundable', state: 'held' });
    expect(await store.list(order.id)).toEqual([]);
  });
});
