// A paid customer always ends with their tickets (DESIGN rule 11): a ticket
// message keeps trying through an outage of Twilio, on a schedule of hours
// (shortened here, as the box office's own option allows, so that its
// "minutes" pass in milliseconds); one that finally cannot be delivered is
// flagged for staff, on the staff API and on /metrics, and one staff call
// sends it again; and reconciliation sends the tickets of a fulfilled order
// whose message was lost.
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Order } from '../src/orders/order.js';
import { processReconcile } from '../src/jobs/reconcile.job.js';
import { createWorkerServices } from '../src/roles/worker.services.js';
import { eventually, startBoxOffice, type BoxOffice } from './support/box-office.harness.js';
import { jobEnd, newPhone, smsTo, staffOrder } from './support/sms.client.js';
import { holdSeats } from './support/sms-orders.js';
import { attentionFor, attentionGauge, resendTickets } from './support/staff-attention.js';
import { postStripeEvent, sessionEvent } from './support/stripe-events.js';

const MINUTE = 60_000;
/** Twilio's answer while it is down. */
const TWILIO_DOWN = { status: 500, code: 20500, message: 'Internal Server Error' };

/** The customer pays and Stripe says so; resolves with the fulfilled order (its ticket message may still be on its way). */
async function pay(office: BoxOffice, orderId: string): Promise<Order> {
  const { stripeSessionId } = await staffOrder(office, orderId);
  office.stripe!.markPaid(stripeSessionId!);
  expect((await postStripeEvent(office, sessionEvent(office, 'checkout.session.completed', stripeSessionId!))).status).toBe(200);
  return eventually(async () => {
    const order = await staffOrder(office, orderId);
    return order.state === 'fulfilled' ? order : undefined;
  }, 10_000, `order ${orderId} fulfilled`);
}

/** The ticket SMS job of an order once the SMS queue has it. */
async function ticketJob(office: BoxOffice, orderId: string) {
  return eventually(() => office.foundation.queues.sms.getJob(`tickets-${orderId}`), 10_000, `the ticket SMS job of ${orderId}`);
}

/** The one message a customer got, which must carry every ticket code of the order. */
async function expectTicketsOnce(office: BoxOffice, phone: string, orderId: string): Promise<void> {
  const order = await staffOrder(office, orderId);
  const texts = smsTo(office, phone);
  expect(texts, `messages to the customer of ${orderId}`).toHaveLength(1);
  expect(order.tickets).toHaveLength(2);
  for (const code of order.tickets) expect(texts[0]).toContain(code);
}

describe('an outage of Twilio', () => {
  // The production schedule (5 s, doubling, at most 10 minutes apart, for
  // hours) at a thousandth of its pace: a "minute" is 60 ms.
  const schedule = { firstDelayMs: 5, maxDelayMs: 600, windowMs: 6 * 3_600 };
  let office: BoxOffice;

  beforeAll(async () => {
    office = await startBoxOffice({ noticeRetry: schedule });
  });
  afterAll(async () => {
    await office?.stop();
  });

  it('loses no tickets: Twilio down for 10 minutes of the schedule, then up, and every paid customer gets their tickets, once', async () => {
    const customers = [newPhone(), newPhone(), newPhone()];
    for (const phone of customers) office.twilio.failFor(phone, TWILIO_DOWN);
    const orders = await Promise.all(customers.map((phone) => holdSeats(office, phone)));
    await Promise.all(orders.map((orderId) => pay(office, orderId)));

    // Retries 5, 10, 20, 40, 80, 160 and 320 "seconds" apart: seven failed
    // attempts take more than 10 minutes of the schedule. (Counted, not timed.)
    for (const orderId of orders) {
      await eventually(async () => {
        const job = await ticketJob(office, orderId);
        return job.attemptsMade >= 7 || (await job.getState()) === 'failed' ? job : undefined;
      }, 15_000, `seven failed attempts to send the tickets of ${orderId}`);
    }
    for (const phone of customers) expect(smsTo(office, phone)).toEqual([]);

    office.twilio.clearFailures();

    for (const [i, orderId] of orders.entries()) {
      expect((await jobEnd(office, 'sms', `tickets-${orderId}`, 15_000)).state).toBe('completed');
      await expectTicketsOnce(office, customers[i]!, orderId);
      expect(await attentionFor(office, orderId)).toEqual([]);
    }
  });
});

describe('a ticket message that finally cannot be delivered', () => {
  // Eight attempts within a fifth of a second: the end of "hours" of trying.
  const schedule = { firstDelayMs: 10, maxDelayMs: 40, windowMs: 200 };
  let office: BoxOffice;

  beforeAll(async () => {
    office = await startBoxOffice({ noticeRetry: schedule });
  });
  afterAll(async () => {
    await office?.stop();
  });

  it('is flagged for staff (staff API and /metrics) and sent again, once, with one staff call', async () => {
    const phone = newPhone();
    office.twilio.failFor(phone, TWILIO_DOWN);
    const orderId = await holdSeats(office, phone);
    await pay(office, orderId);

    const end = await jobEnd(office, 'sms', `tickets-${orderId}`, 15_000);
    expect(end.state).toBe('failed');
    expect(end.attemptsMade).toBeGreaterThan(6);

    const [flag, ...more] = await attentionFor(office, orderId);
    expect(more).toEqual([]);
    expect(flag).toMatchObject({ orderId, kind: 'notice_undelivered', about: 'tickets' });
    expect(flag!.note).toMatch(/tickets/);
    expect((await staffOrder(office, orderId)).timeline.some((entry) => entry.cause.startsWith('staff-attention:'))).toBe(true);
    expect(await attentionGauge(office, 'notice_undelivered')).toBe(1);
    // A duplicate of Stripe's event changes nothing: the flag stands, nothing is sent.
    const { stripeSessionId } = await staffOrder(office, orderId);
    const duplicate = sessionEvent(office, 'checkout.session.completed', stripeSessionId!);
    await postStripeEvent(office, duplicate);
    await jobEnd(office, 'payments', duplicate.id);
    expect(smsTo(office, phone)).toEqual([]);

    office.twilio.clearFailures();
    const resend = await resendTickets(office, orderId);

    expect(resend.status).toBe(202);
    await eventually(async () => (smsTo(office, phone).length > 0 ? true : undefined), 10_000, 'the tickets sent again');
    await eventually(async () => ((await attentionFor(office, orderId)).length === 0 ? true : undefined), 10_000, 'the flag cleared');
    await expectTicketsOnce(office, phone, orderId);
    expect(await attentionGauge(office, 'notice_undelivered')).toBe(0);
  });

  it('refuses to re-send the tickets of an order that has none, and without the staff token', async () => {
    const orderId = await holdSeats(office, newPhone());

    expect((await resendTickets(office, orderId)).status).toBe(409);
    expect((await resendTickets(office, 'BX-ZZZZ')).status).toBe(404);
    expect((await resendTickets(office, orderId, 'not-the-staff-token-at-all')).status).toBe(401);
  });
});

describe('reconciliation of fulfilled orders', () => {
  let office: BoxOffice;

  beforeEach(async () => {
    office = await startBoxOffice();
  });
  afterEach(async () => {
    await office?.stop();
  });

  it('sends the tickets of a fulfilled order whose ticket message was lost, once', async () => {
    const phone = newPhone();
    office.twilio.failFor(phone, TWILIO_DOWN);
    const orderId = await holdSeats(office, phone);
    const order = await pay(office, orderId);
    // The message is lost: its job is gone (a Redis failover dropped it, say).
    await eventually(async () => {
      const job = await ticketJob(office, orderId);
      return (await job.getState()) === 'delayed' ? job.remove().then(() => true, () => undefined) : undefined;
    }, 15_000, 'the ticket job waiting to retry, removed');
    office.twilio.clearFailures();
    expect(smsTo(office, phone)).toEqual([]);

    const { reconcile } = createWorkerServices(office.foundation);
    const fulfilledAt = Date.parse(order.timeline.find((entry) => entry.to === 'fulfilled')!.at);
    await processReconcile({}, { ...reconcile, log: pino({ level: 'silent' }), now: () => fulfilledAt + 11 * MINUTE });

    await eventually(async () => (smsTo(office, phone).length > 0 ? true : undefined), 10_000, 'the tickets sent by reconciliation');
    await expectTicketsOnce(office, phone, orderId);
    // A later run finds them sent and sends nothing more.
    await processReconcile({}, { ...reconcile, log: pino({ level: 'silent' }), now: () => fulfilledAt + 30 * MINUTE });
    await expectTicketsOnce(office, phone, orderId);
  });
});
