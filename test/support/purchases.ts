// A whole purchase as a customer makes it, for tests that start from a paid order.
import { expect } from 'vitest';
import type { Order } from '../../src/orders/order.js';
import type { RefundRecord } from '../../src/orders/refund.js';
import type { SectionInventory } from '../../src/seats/seat.store.js';
import { TEST_STAFF_TOKEN, type BoxOffice } from './box-office.harness.js';
import { jobEnd, payLinkIn, sectionInventory, smsTo, staffOrder, textBoxOffice } from './sms.client.js';
import { postStripeEvent, sessionEvent } from './stripe-events.js';

/** A customer texts, pays on Stripe's page, and the worker issues and texts the tickets. */
export async function buyAndPay(office: BoxOffice, phone: string, text = '2 tickets lakers section 101'): Promise<Order> {
  const reply = await textBoxOffice(office, phone, text);
  const link = payLinkIn(reply.messages.join('\n'));
  expect(link, `a pay link in ${JSON.stringify(reply.messages)}`).toBeDefined();
  const held = await staffOrder(office, link!.orderId);
  office.stripe!.markPaid(held.stripeSessionId!);
  const event = sessionEvent(office, 'checkout.session.completed', held.stripeSessionId!);
  expect((await postStripeEvent(office, event)).status).toBe(200);
  await jobEnd(office, 'payments', event.id);
  await jobEnd(office, 'sms', `tickets-${held.id}`);
  const order = await staffOrder(office, held.id);
  expect(order.state).toBe('fulfilled');
  return order;
}

/** What the staff refund route answered. */
export interface StaffRefundAnswer {
  status: number;
  body: { refund?: RefundRecord; replay?: boolean; order?: Order; error?: string; message?: string; stripe?: { code?: string } };
}

/** `POST /staff/orders/:id/refund` with `body` as JSON (none when undefined) and the bearer `token`. */
export async function staffRefund(office: BoxOffice, orderId: string, body?: unknown, token = TEST_STAFF_TOKEN): Promise<StaffRefundAnswer> {
  const response = await fetch(`${office.url}/staff/orders/${orderId}/refund`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as StaffRefundAnswer['body'] };
}

/** The order's refund records, as staff see them. */
export async function staffRefunds(office: BoxOffice, orderId: string): Promise<RefundRecord[]> {
  const response = await fetch(`${office.url}/staff/orders/${orderId}`, { headers: { authorization: `Bearer ${TEST_STAFF_TOKEN}` } });
  return ((await response.json()) as { refunds: RefundRecord[] }).refunds;
}

/** Refund requests Stripe received for the order. */
export function refundPosts(office: BoxOffice, orderId: string) {
  return office.stripe!.requests.filter(
    (r) => r.method === 'POST' && r.path === '/v1/refunds' && (r.body.metadata as Record<string, string> | undefined)?.orderId === orderId,
  );
}

/** Refunds Stripe holds for the order's payment. */
export function stripeRefundsOf(office: BoxOffice, order: Order) {
  const pi = office.stripe!.sessions.get(order.stripeSessionId!)!.payment_intent;
  return [...office.stripe!.refunds.values()].filter((r) => r.payment_intent === pi);
}

/**
 * What a customer sees when a worker died or stopped mid-fulfilment and
 * another took over: the order paid and fulfilled once each, its two seats
 * in section 101 sold and none left held (against `before`), one ticket SMS
 * carrying every ticket code.
 */
export async function expectFulfilledOnce(office: BoxOffice, orderId: string, customer: string, before: SectionInventory): Promise<Order> {
  const order = await staffOrder(office, orderId);
  expect(order.state).toBe('fulfilled');
  expect(order.timeline.filter((entry) => entry.to === 'paid')).toHaveLength(1);
  expect(order.timeline.filter((entry) => entry.to === 'fulfilled')).toHaveLength(1);
  const after = await sectionInventory(office, '101');
  expect(after.sold - before.sold).toBe(2);
  expect(after.held - before.held).toBe(0);
  const texts = smsTo(office, customer);
  expect(texts).toHaveLength(1);
  for (const code of order.tickets) expect(texts[0]).toContain(code);
  return order;
}
