// A whole purchase as a customer makes it, for tests that start from a paid order.
import { expect } from 'vitest';
import type { Order } from '../../src/orders/order.js';
import type { BoxOffice } from './box-office.harness.js';
import { jobEnd, payLinkIn, staffOrder, textBoxOffice } from './sms.client.js';
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
