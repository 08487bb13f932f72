// Money that arrives where it cannot buy anything goes back (DESIGN rule 11),
// and the worker fulfils only what was paid for: a payment on an order that
// has ended is refunded and the customer told, once; a session that is not
// the order's, or pays another amount or currency, is refused and flagged for
// staff and never sells a seat; and a failure event counts only when Stripe's
// own view of the session agrees.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order } from '../src/orders/order.js';
import { eventually, startBoxOffice, TEST_STRIPE, type BoxOffice } from './support/box-office.harness.js';
import { allCounts, jobEnd, newPhone, smsTo, staffOrder, textBoxOffice } from './support/sms.client.js';
import { holdSeats } from './support/sms-orders.js';
import { attentionFor } from './support/staff-attention.js';
import { createSessionAtStripe, type FakeCheckoutSession } from './support/stripe-api.server.js';
import { postStripeEvent, refundEvent, sessionEvent, stripeEvent } from './support/stripe-events.js';

let office: BoxOffice;

beforeAll(async () => {
  office = await startBoxOffice();
});

afterAll(async () => {
  await office?.stop();
});

/** Delivers a checkout.session.* event for the session as Stripe holds it and waits for the worker to finish with it. */
async function deliver(type: string, sessionId: string) {
  const event = sessionEvent(office, type, sessionId);
  expect((await postStripeEvent(office, event)).status).toBe(200);
  return jobEnd(office, 'payments', event.id);
}

async function untilState(orderId: string, state: Order['state']): Promise<Order> {
  return eventually(async () => {
    const order = await staffOrder(office, orderId);
    return order.state === state ? order : undefined;
  }, 10_000, `order ${orderId} ${state}`);
}

/** Refunds Stripe holds for a session's payment. */
function refundsOf(session: FakeCheckoutSession) {
  return [...office.stripe!.refunds.values()].filter((refund) => refund.payment_intent === session.payment_intent);
}

function refundPostsFor(orderId: string) {
  return office.stripe!.requests.filter((r) => r.method === 'POST' && r.path === '/v1/refunds' && (r.body.metadata as Record<string, string> | undefined)?.orderId === orderId);
}

/** How each ended state comes about, with the message (if any) the customer got for it. */
const ENDINGS: Array<[Order['state'], (phone: string, orderId: string, sessionId: string) => Promise<void>, number]> = [
  [
    'expired',
    async (_phone, orderId, sessionId) => {
      office.stripe!.setSession(sessionId, { status: 'expired', url: null });
      await deliver('checkout.session.expired', sessionId);
      await jobEnd(office, 'notifications', `hold_expired-${orderId}`);
    },
    1,
  ],
  [
    'cancelled',
    async (phone) => {
      expect((await textBoxOffice(office, phone, 'exit')).messages.join(' ')).toMatch(/cancelled/);
    },
    0,
  ],
  [
    'payment_failed',
    async (_phone, orderId, sessionId) => {
      office.stripe!.setSession(sessionId, { status: 'complete', payment_status: 'unpaid', url: null });
      await deliver('checkout.session.async_payment_failed', sessionId);
      await jobEnd(office, 'notifications', `payment_failed-${orderId}`);
    },
    1,
  ],
];

describe('a payment on an order that has ended', () => {
  it.each(ENDINGS)('refunds it when the order is %s, tells the customer once, and sells nothing', async (state, end, endNotices) => {
    const phone = newPhone();
    const orderId = await holdSeats(office, phone);
    const { stripeSessionId: sessionId } = await staffOrder(office, orderId);
    await end(phone, orderId, sessionId!);
    await untilState(orderId, state);
    const before = await allCounts(office);

    // However unlikely, Stripe now says the session was paid.
    const paid = office.stripe!.markPaid(sessionId!);
    expect((await deliver('checkout.session.completed', sessionId!)).state).toBe('completed');

    const [refund, ...more] = refundsOf(paid);
    expect(more).toEqual([]);
    expect(refund).toMatchObject({ amount: paid.amount_total, status: 'succeeded' });
    await jobEnd(office, 'notifications', `late_payment_refunded-${orderId}`);
    const order = await staffOrder(office, orderId);
    expect(order.state).toBe(state);
    expect(order.tickets).toEqual([]);
    expect(order.timeline.some((entry) => entry.note?.includes(refund!.id))).toBe(true);
    expect(await allCounts(office)).toEqual(before);
    const told = smsTo(office, phone).slice(endNotices);
    expect(told).toHaveLength(1);
    expect(told[0]).toContain(orderId);
    expect(told[0]).toMatch(/refunded/);

    // Stripe's word on that refund is known as the box office's own pay-back, not a stranger's refund.
    const refundCreated = refundEvent(office, 'refund.created', refund!.id);
    expect((await postStripeEvent(office, refundCreated)).status).toBe(200);
    expect((await jobEnd(office, 'payments', refundCreated.id)).returnvalue).toBe('late_payment_pay_back');

    // Stripe's event again, and another type for the same payment: nothing more.
    await deliver('checkout.session.completed', sessionId!);
    await deliver('checkout.session.async_payment_succeeded', sessionId!);
    expect(refundsOf(paid)).toHaveLength(1);
    expect(refundPostsFor(orderId)).toHaveLength(1);
    expect(refundPostsFor(orderId)[0]!.idempotencyKey).toContain(sessionId!);
    expect(smsTo(office, phone).slice(endNotices)).toHaveLength(1);
    expect(await attentionFor(office, orderId)).toEqual([]);
  });

  it('ends nothing on an async payment failure for a session Stripe still shows open', async () => {
    const phone = newPhone();
    const orderId = await holdSeats(office, phone);
    const { stripeSessionId: sessionId } = await staffOrder(office, orderId);
    const before = await allCounts(office);
    // The body says the payment failed; Stripe, asked by the worker, says the page is still open.
    const event = stripeEvent('checkout.session.async_payment_failed', { ...office.stripe!.sessions.get(sessionId!)!, status: 'complete', payment_status: 'unpaid' });

    expect((await postStripeEvent(office, event)).status).toBe(200);
    expect((await jobEnd(office, 'payments', event.id)).state).toBe('completed');

    expect((await staffOrder(office, orderId)).state).toBe('awaiting_payment');
    expect(await allCounts(office)).toEqual(before);
    expect(await office.foundation.queues.notifications.getJob(`payment_failed-${orderId}`)).toBeUndefined();
    expect(smsTo(office, phone)).toEqual([]);
  });
});

/** A Checkout Session made at Stripe directly, carrying our order's ids, as a tampered or stray integration might. */
function createSessionAtStripeFor(orderId: string, amount: number, currency: string): Promise<string> {
  return createSessionAtStripe(office.stripe!.url, TEST_STRIPE.secretKey, {
    'line_items[0][price_data][currency]': currency,
    'line_items[0][price_data][unit_amount]': String(amount),
    client_reference_id: orderId,
    'metadata[reference]': orderId,
    'metadata[kind]': 'tickets',
  });
}

describe('what was paid', () => {
  /** Delivers the paid session's completed event; the order must stay unpaid, its seats held, and staff be told. */
  async function expectRefused(phone: string, orderId: string, paidSessionId: string): Promise<void> {
    const before = await allCounts(office);
    office.stripe!.markPaid(paidSessionId);

    for (const type of ['checkout.session.completed', 'checkout.session.async_payment_succeeded']) {
      expect((await deliver(type, paidSessionId)).state).toBe('completed');
    }

    const order = await staffOrder(office, orderId);
    expect(order.state).toBe('awaiting_payment');
    expect(order.tickets).toEqual([]);
    expect(await allCounts(office)).toEqual(before);
    expect(await office.foundation.queues.notifications.getJob(`tickets-${orderId}`)).toBeUndefined();
    expect(smsTo(office, phone)).toEqual([]);
    const flags = await attentionFor(office, orderId);
    expect(flags).toEqual([expect.objectContaining({ orderId, kind: 'payment_mismatch', about: paidSessionId })]);
  }

  it('refuses a paid session that is not the one recorded on the order, flags it for staff, and never fulfils it', async () => {
    const phone = newPhone();
    const orderId = await holdSeats(office, phone);
    const order = await staffOrder(office, orderId);

    await expectRefused(phone, orderId, await createSessionAtStripeFor(orderId, order.amount, order.currency));
  });

  it.each<[string, Partial<FakeCheckoutSession>]>([
    ['another amount and currency', { amount_total: 1, currency: 'jpy' }],
    ['another amount', { amount_total: 1 }],
    ['another currency', { currency: 'jpy' }],
  ])('refuses the order\'s own session when it paid %s, flags it, and never fulfils it', async (_what, paidWith) => {
    const phone = newPhone();
    const orderId = await holdSeats(office, phone);
    const { stripeSessionId } = await staffOrder(office, orderId);
    office.stripe!.setSession(stripeSessionId!, paidWith);

    await expectRefused(phone, orderId, stripeSessionId!);
  });
});
