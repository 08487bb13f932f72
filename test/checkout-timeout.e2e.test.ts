// A Checkout Session create that timed out on our side: Stripe was slower
// than our client's timeout and made the session after we gave up, told the
// customer and let the seats go. Nothing may stay payable: reconciliation
// finds the session (the same create, under the same idempotency key, answers
// with it) and expires it; and a payment that reached it anyway is refunded.
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { processReconcile } from '../src/jobs/reconcile.job.js';
import { createWorkerServices } from '../src/roles/worker.services.js';
import { eventually, startBoxOffice, type BoxOffice } from './support/box-office.harness.js';
import { allCounts, jobEnd, newPhone, payLinkIn, smsTo, staffOrder, textBoxOffice } from './support/sms.client.js';
import type { FakeCheckoutSession } from './support/stripe-api.server.js';
import { postStripeEvent, sessionEvent } from './support/stripe-events.js';

const MINUTE = 60_000;
/** Our client's timeout for Stripe calls here, and how long Stripe takes to answer the create. */
const TIMEOUT_MS = 300;
const STRIPE_LATENCY_MS = 1_200;

let office: BoxOffice;

beforeEach(async () => {
  office = await startBoxOffice({ env: { STRIPE_TIMEOUT_MS: String(TIMEOUT_MS) } });
});

afterEach(async () => {
  await office?.stop();
});

/**
 * A customer asks for seats while Stripe is slow: they are told the payment
 * page could not be opened, and nothing stays held. Resolves with the order
 * and the session Stripe made for it after our client gave up.
 */
async function createTimesOut(phone: string): Promise<{ orderId: string; session: FakeCheckoutSession }> {
  const before = await allCounts(office);
  const seen = office.stripe!.requests.length;
  office.stripe!.setLatency(STRIPE_LATENCY_MS);
  const reply = await textBoxOffice(office, phone, '2 tickets lakers section 101');
  office.stripe!.setLatency(0);

  expect(reply.messages.join(' ')).toMatch(/payment page/i);
  expect(payLinkIn(reply.messages.join(' '))).toBeUndefined();
  const create = office.stripe!.requests.slice(seen).find((r) => r.method === 'POST' && r.path === '/v1/checkout/sessions');
  const orderId = create!.body.client_reference_id as string;
  expect((await staffOrder(office, orderId)).state).toBe('cancelled');
  expect(await allCounts(office)).toEqual(before);
  const session = await eventually(
    async () => [...office.stripe!.sessions.values()].find((s) => s.client_reference_id === orderId),
    10_000,
    `the session Stripe made for ${orderId}`,
  );
  // The bug: a page the customer was told does not exist, open and payable.
  expect(session.status).toBe('open');
  return { orderId, session };
}

async function reconcileAt(now: number) {
  const { reconcile } = createWorkerServices(office.foundation);
  return processReconcile({}, { ...reconcile, log: pino({ level: 'silent' }), now: () => now });
}

describe('a Checkout Session made after our client gave up', () => {
  it('is expired at Stripe by reconciliation, and the order stays cancelled with nothing held', async () => {
    const before = await allCounts(office);
    const { orderId, session } = await createTimesOut(newPhone());

    await reconcileAt(Date.now() + MINUTE);

    expect(office.stripe!.sessions.get(session.id)!.status).toBe('expired');
    expect((await staffOrder(office, orderId)).state).toBe('cancelled');
    expect(await allCounts(office)).toEqual(before);
    // Done once: a later run does not ask Stripe again.
    const asked = office.stripe!.requests.length;
    await reconcileAt(Date.now() + 10 * MINUTE);
    expect(office.stripe!.requests.length).toBe(asked);
  });

  it('has a payment on it refunded and the customer told, once, whether the webhook or reconciliation sees it first', async () => {
    const phone = newPhone();
    const { orderId, session } = await createTimesOut(phone);
    const paid = office.stripe!.markPaid(session.id);

    const event = sessionEvent(office, 'checkout.session.completed', session.id);
    expect((await postStripeEvent(office, event)).status).toBe(200);
    await jobEnd(office, 'payments', event.id);
    await reconcileAt(Date.now() + MINUTE);

    const refunds = [...office.stripe!.refunds.values()].filter((r) => r.payment_intent === paid.payment_intent);
    expect(refunds).toEqual([expect.objectContaining({ amount: paid.amount_total, status: 'succeeded' })]);
    await jobEnd(office, 'notifications', `late_payment_refunded-${orderId}`);
    const texts = smsTo(office, phone);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toMatch(/refunded/);
    expect((await staffOrder(office, orderId)).state).toBe('cancelled');
  });
});
