// Reconciliation settles refunds too: nothing depends on one webhook. A staff
// refund is recorded `requested` and asked of Stripe (the local
// Stripe-compatible server); here Stripe's refund webhook never comes, or the
// request never reached Stripe, and the reconcile job (a plain function, with
// a clock set past the grace) asks Stripe and applies the answer through the
// same RefundService the webhook path uses. The box office runs in-process
// with its worker, which sends the customer's SMS to the local Twilio server.
// Each test gets a box office of its own, because a run looks at everything due.
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { processReconcile, RECONCILIATION_CAUSE, type ReconcileSummary } from '../src/jobs/reconcile.job.js';
import type { Order } from '../src/orders/order.js';
import { createStripeClient } from '../src/payments/stripe.client.js';
import { createWorkerServices } from '../src/roles/worker.services.js';
import { startBoxOffice, TEST_STRIPE, type BoxOffice } from './support/box-office.harness.js';
import { allCounts, jobEnd, newPhone, sectionInventory, smsTo, staffOrder } from './support/sms.client.js';
import { postStripeEvent, refundEvent } from './support/stripe-events.js';
import { buyAndPay, refundPosts, staffRefund, staffRefunds, stripeRefundsOf } from './support/purchases.js';

const MINUTE = 60_000;
/** The box office's defaults: RECONCILE_GRACE_MINUTES and RECONCILE_AFTER_MINUTES. */
const GRACE_MS = 5 * MINUTE;
const RECHECK_MS = 10 * MINUTE;

let office: BoxOffice;

beforeEach(async () => {
  office = await startBoxOffice();
});

afterEach(async () => {
  await office?.stop();
});

// ---- helpers ------------------------------------------------------------------

/** One reconciliation run with the clock at `now`, with the services the worker role builds. */
function reconcileAt(now: number): Promise<ReconcileSummary> {
  const { reconcile } = createWorkerServices(office.foundation);
  return processReconcile({}, { ...reconcile, log: pino({ level: 'silent' }), options: { graceMs: GRACE_MS, recheckMs: RECHECK_MS }, now: () => now });
}

/** Past the grace a refund's webhook gets, counted from now (after the refund was requested). */
function pastGrace(): number {
  return Date.now() + GRACE_MS + MINUTE;
}

/** Timeline entries that applied this refund (whichever path did it). */
function applications(order: Order, refundId: string) {
  return order.timeline.filter((entry) => entry.cause === `refund:${refundId}` || entry.cause.endsWith(`:refund:${refundId}`));
}

function reconciliationEntries(order: Order) {
  return order.timeline.filter((entry) => entry.cause.startsWith(RECONCILIATION_CAUSE));
}

/** A refund the staff asked for, with Stripe's webhook about it lost. */
async function requestedRefund(body: object = {}) {
  const phone = newPhone();
  const before = await sectionInventory(office, '101');
  const order = await buyAndPay(office, phone);
  const answer = await staffRefund(office, order.id, body);
  expect(answer.status).toBe(202);
  const refund = answer.body.refund!;
  expect(refund.status).toBe('requested');
  const [stripeRefund, ...others] = stripeRefundsOf(office, order);
  expect(others).toEqual([]);
  return { phone, before, order, refund, stripeRefund: stripeRefund! };
}

// ---- tests --------------------------------------------------------------------

describe('a refund whose webhook never came', () => {
  it('is completed by reconciliation once: seats returned, tickets void, customer told; a late webhook changes nothing', async () => {
    const { phone, before, order, refund, stripeRefund } = await requestedRefund();

    // Within the grace Stripe's webhook is awaited: nothing is looked at.
    expect((await reconcileAt(Date.now() + GRACE_MS - MINUTE)).refundsChecked).toBe(0);

    const summary = await reconcileAt(pastGrace());

    expect(summary).toMatchObject({ refundsChecked: 1, refundsCompleted: 1, refundsFailed: 0, errors: 0 });
    await jobEnd(office, 'sms', `refunded-${order.id}`);
    const texts = smsTo(office, phone);
    expect(texts).toHaveLength(2);
    expect(texts[1]).toContain(`Order ${order.id} is refunded: $400 back to your card`);
    const after = await staffOrder(office, order.id);
    expect(after).toMatchObject({ state: 'refunded', refundedAmount: 40_000 });
    expect([...after.refundedTickets].sort()).toEqual([...order.tickets].sort());
    expect(applications(after, refund.id)).toEqual([
      expect.objectContaining({ from: 'fulfilled', to: 'refunded', cause: `${RECONCILIATION_CAUSE}:refund:${refund.id}` }),
    ]);
    expect(await sectionInventory(office, '101')).toMatchObject({ sold: before.sold, available: before.available });
    expect(await staffRefunds(office, order.id)).toEqual([expect.objectContaining({ id: refund.id, status: 'succeeded', stripeRefundId: stripeRefund.id })]);
    // Stripe was asked about the refund, not for another one.
    expect(refundPosts(office, order.id)).toHaveLength(1);
    expect(office.stripe!.requests.some((r) => r.method === 'GET' && r.path === `/v1/refunds/${stripeRefund.id}`)).toBe(true);

    // Settled: the next run has nothing to look at.
    expect((await reconcileAt(pastGrace() + RECHECK_MS)).refundsChecked).toBe(0);

    // The webhook arrives after all.
    const late = refundEvent(office, 'refund.created', stripeRefund.id);
    expect((await postStripeEvent(office, late)).status).toBe(200);
    expect((await jobEnd(office, 'payments', late.id)).returnvalue).toBe('duplicate');
    const final = await staffOrder(office, order.id);
    expect(final).toMatchObject({ state: 'refunded', refundedAmount: 40_000 });
    expect(applications(final, refund.id)).toHaveLength(1);
    expect(final.timeline.filter((entry) => entry.to === 'refunded')).toHaveLength(1);
    expect(await sectionInventory(office, '101')).toMatchObject({ sold: before.sold, available: before.available });
    expect(smsTo(office, phone)).toHaveLength(2);
  });

  it('frees the order for its next refund once a partial refund is completed', async () => {
    const { phone, before, order, refund } = await requestedRefund({ tickets: 1 });
    // While it waits for Stripe's word, the order cannot be refunded again.
    expect(await staffRefund(office, order.id)).toMatchObject({ status: 409, body: { error: 'refund_in_progress' } });

    expect(await reconcileAt(pastGrace())).toMatchObject({ refundsCompleted: 1, errors: 0 });

    await jobEnd(office, 'sms', `refund_partial.${refund.id}-${order.id}`);
    expect(smsTo(office, phone).at(-1)).toContain(`Order ${order.id}: 1 of your 2 tickets refunded, $200 back to your card`);
    expect(await staffOrder(office, order.id)).toMatchObject({ state: 'fulfilled', refundedTickets: [order.tickets[1]], refundedAmount: 20_000 });
    expect((await sectionInventory(office, '101')).sold - before.sold).toBe(1);
    const next = await staffRefund(office, order.id, { tickets: 1 });
    expect(next.status).toBe(202);
    expect(next.body.refund).toMatchObject({ tickets: [order.tickets[0]], status: 'requested' });
  });

  it('is applied once when reconciliation and the late webhook handle it at the same time', async () => {
    const { phone, before, order, refund, stripeRefund } = await requestedRefund();
    const event = refundEvent(office, 'refund.updated', stripeRefund.id);

    const [one, two, delivery] = await Promise.all([reconcileAt(pastGrace()), reconcileAt(pastGrace()), postStripeEvent(office, event)]);

    expect(delivery.status).toBe(200);
    expect((await jobEnd(office, 'payments', event.id)).state).toBe('completed');
    expect(one.errors + two.errors).toBe(0);
    await jobEnd(office, 'sms', `refunded-${order.id}`);
    const after = await staffOrder(office, order.id);
    expect(after).toMatchObject({ state: 'refunded', refundedAmount: 40_000 });
    expect(applications(after, refund.id)).toHaveLength(1);
    expect(await sectionInventory(office, '101')).toMatchObject({ sold: before.sold, available: before.available });
    expect(smsTo(office, phone).filter((text) => text.includes('is refunded'))).toHaveLength(1);
  });
});

describe('what Stripe says, applied', () => {
  it('records a refund Stripe failed as failed, changes nothing else, and lets staff ask again', async () => {
    const { phone, order, refund, stripeRefund } = await requestedRefund();
    const counts = await allCounts(office);
    office.stripe!.setRefund(stripeRefund.id, { status: 'failed', failure_reason: 'expired_or_canceled_card' });

    const summary = await reconcileAt(pastGrace());

    expect(summary).toMatchObject({ refundsChecked: 1, refundsFailed: 1, refundsCompleted: 0, errors: 0 });
    const after = await staffOrder(office, order.id);
    expect(after).toMatchObject({ state: 'fulfilled', tickets: order.tickets, refundedTickets: [], refundedAmount: 0 });
    const [entry, ...more] = reconciliationEntries(after);
    expect(more).toEqual([]);
    expect(entry).toMatchObject({ cause: `${RECONCILIATION_CAUSE}:refund-failed:${refund.id}:${stripeRefund.id}` });
    expect(entry!.note).toContain('expired_or_canceled_card');
    expect(entry!.note).toContain('nothing was changed');
    expect(await staffRefunds(office, order.id)).toEqual([expect.objectContaining({ id: refund.id, status: 'failed', error: expect.stringContaining('expired_or_canceled_card') })]);
    expect(await allCounts(office)).toEqual(counts);
    expect(smsTo(office, phone)).toHaveLength(1); // the tickets, nothing more
    expect((await reconcileAt(pastGrace() + RECHECK_MS)).refundsChecked).toBe(0);

    // Stripe's refund.failed arrives late: already recorded, nothing more said.
    const late = refundEvent(office, 'refund.failed', stripeRefund.id);
    expect((await postStripeEvent(office, late)).status).toBe(200);
    expect((await jobEnd(office, 'payments', late.id)).returnvalue).toBe('duplicate');
    expect((await staffOrder(office, order.id)).timeline).toHaveLength(after.timeline.length);

    // No longer in progress: staff can try again, as a new attempt.
    const retry = await staffRefund(office, order.id);
    expect(retry.status).toBe(202);
    expect(retry.body.refund).toMatchObject({ id: refund.id, attempt: 2, status: 'requested' });
  });

  it('leaves a refund still pending at Stripe alone, looks again later, and applies it once it succeeds', async () => {
    const { phone, before, order, refund, stripeRefund } = await requestedRefund();
    office.stripe!.setRefund(stripeRefund.id, { status: 'pending' });
    const at = pastGrace();

    const summary = await reconcileAt(at);

    expect(summary).toMatchObject({ refundsChecked: 1, refundsPending: 1, refundsCompleted: 0, refundsFailed: 0, errors: 0 });
    const still = await staffOrder(office, order.id);
    expect(still).toMatchObject({ state: 'fulfilled', refundedTickets: [], refundedAmount: 0 });
    expect(reconciliationEntries(still)).toEqual([]);
    expect(await staffRefunds(office, order.id)).toEqual([expect.objectContaining({ id: refund.id, status: 'requested' })]);
    expect((await sectionInventory(office, '101')).sold - before.sold).toBe(2);
    expect(smsTo(office, phone)).toHaveLength(1);
    // Not due again at once; due again after the recheck interval.
    expect((await reconcileAt(at + MINUTE)).refundsChecked).toBe(0);
    expect(await reconcileAt(at + RECHECK_MS)).toMatchObject({ refundsChecked: 1, refundsPending: 1 });

    office.stripe!.setRefund(stripeRefund.id, { status: 'succeeded' });
    expect(await reconcileAt(at + 2 * RECHECK_MS)).toMatchObject({ refundsCompleted: 1 });
    await jobEnd(office, 'sms', `refunded-${order.id}`);
    expect(await staffOrder(office, order.id)).toMatchObject({ state: 'refunded', refundedAmount: 40_000 });
    expect((await sectionInventory(office, '101')).sold).toBe(before.sold);
  });
});

describe('a request that never reached Stripe', () => {
  it('is made on the next run with the same idempotency key, then applied', async () => {
    const phone = newPhone();
    const before = await sectionInventory(office, '101');
    const order = await buyAndPay(office, phone);
    office.stripe!.failNext(500, { type: 'api_error', message: 'An unknown error occurred' }, { method: 'POST', path: '/v1/refunds' });

    const answer = await staffRefund(office, order.id);
    expect(answer).toMatchObject({ status: 502, body: { error: 'stripe_unavailable' } });
    const refund = answer.body.refund!;
    expect(refund.status).toBe('requested');
    expect(stripeRefundsOf(office, order)).toEqual([]);

    const summary = await reconcileAt(pastGrace());

    expect(summary).toMatchObject({ refundsChecked: 1, refundsCompleted: 1, errors: 0 });
    const [failed, sent, ...more] = refundPosts(office, order.id);
    expect(more).toEqual([]);
    expect(sent!.idempotencyKey).toBe(`refund-${refund.id}`);
    expect(sent!.idempotencyKey).toBe(failed!.idempotencyKey);
    expect(sent!.body).toEqual(failed!.body);
    const [made, ...others] = stripeRefundsOf(office, order);
    expect(others).toEqual([]);
    expect(made).toMatchObject({ amount: 40_000, metadata: { orderId: order.id, refundId: refund.id } });

    await jobEnd(office, 'sms', `refunded-${order.id}`);
    const after = await staffOrder(office, order.id);
    expect(after).toMatchObject({ state: 'refunded', refundedAmount: 40_000 });
    expect(reconciliationEntries(after).map((entry) => entry.cause)).toEqual([
      `${RECONCILIATION_CAUSE}:refund-requested:${refund.id}:1`,
      `${RECONCILIATION_CAUSE}:refund:${refund.id}`,
    ]);
    expect(await staffRefunds(office, order.id)).toEqual([expect.objectContaining({ status: 'succeeded', stripeRefundId: made!.id })]);
    expect(await sectionInventory(office, '101')).toMatchObject({ sold: before.sold, available: before.available });
    expect(smsTo(office, phone).at(-1)).toContain(`Order ${order.id} is refunded: $400`);
  });

  it('is found at Stripe, not made twice, when Stripe made it but its answer was lost', async () => {
    const phone = newPhone();
    const order = await buyAndPay(office, phone);
    office.stripe!.failNext(500, { type: 'api_error', message: 'An unknown error occurred' }, { method: 'POST', path: '/v1/refunds' });
    const refund = (await staffRefund(office, order.id)).body.refund!;
    // Stripe did make it (under a key reconciliation can no longer rely on: Stripe forgets keys after 24 hours).
    const stripe = createStripeClient({ secretKey: TEST_STRIPE.secretKey, apiUrl: office.stripe!.url });
    const paymentIntent = office.stripe!.sessions.get(order.stripeSessionId!)!.payment_intent!;
    const made = await stripe.refunds.create({ payment_intent: paymentIntent, amount: refund.amount, metadata: { orderId: order.id, refundId: refund.id } }, { idempotencyKey: 'forgotten' });

    expect(await reconcileAt(pastGrace())).toMatchObject({ refundsCompleted: 1, errors: 0 });

    expect(refundPosts(office, order.id)).toHaveLength(2); // the failed request, and the one made above
    expect(stripeRefundsOf(office, order)).toHaveLength(1);
    const after = await staffOrder(office, order.id);
    expect(after).toMatchObject({ state: 'refunded', refundedAmount: 40_000 });
    expect(await staffRefunds(office, order.id)).toEqual([expect.objectContaining({ status: 'succeeded', stripeRefundId: made.id })]);
    expect(reconciliationEntries(after).find((entry) => entry.cause === `${RECONCILIATION_CAUSE}:refund-requested:${refund.id}:1`)?.note).toContain('found it at Stripe');
  });

  it('is recorded failed, with Stripe\'s words, when Stripe refuses it on the next run', async () => {
    const phone = newPhone();
    const order = await buyAndPay(office, phone);
    const counts = await allCounts(office);
    office.stripe!.failNext(500, { type: 'api_error', message: 'An unknown error occurred' }, { method: 'POST', path: '/v1/refunds' });
    const refund = (await staffRefund(office, order.id)).body.refund!;
    office.stripe!.failNext(
      400,
      { type: 'invalid_request_error', code: 'charge_already_refunded', message: 'Charge ch_123 has already been refunded.' },
      { method: 'POST', path: '/v1/refunds' },
    );

    expect(await reconcileAt(pastGrace())).toMatchObject({ refundsFailed: 1, refundsCompleted: 0, errors: 0 });

    const after = await staffOrder(office, order.id);
    expect(after).toMatchObject({ state: 'fulfilled', refundedTickets: [], refundedAmount: 0 });
    expect(reconciliationEntries(after)).toEqual([
      expect.objectContaining({ cause: `${RECONCILIATION_CAUSE}:refund-refused:${refund.id}:1`, note: expect.stringContaining('charge_already_refunded') }),
    ]);
    expect(await staffRefunds(office, order.id)).toEqual([expect.objectContaining({ status: 'failed' })]);
    expect(await allCounts(office)).toEqual(counts);
    expect(smsTo(office, phone)).toHaveLength(1);
  });

  it('stays requested while Stripe cannot be reached, and is settled by a later run', async () => {
    const order = await buyAndPay(office, newPhone());
    office.stripe!.failNext(500, { type: 'api_error', message: 'An unknown error occurred' }, { method: 'POST', path: '/v1/refunds' });
    const refund = (await staffRefund(office, order.id)).body.refund!;
    // Down again when reconciliation reads the payment.
    office.stripe!.failNext(500, { type: 'api_error', message: 'down' }, { method: 'GET' });

    expect(await reconcileAt(pastGrace())).toMatchObject({ refundsChecked: 1, errors: 1, refundsCompleted: 0 });
    expect(await staffRefunds(office, order.id)).toEqual([expect.objectContaining({ id: refund.id, status: 'requested' })]);
    expect(reconciliationEntries(await staffOrder(office, order.id))).toEqual([]);

    expect(await reconcileAt(pastGrace() + MINUTE)).toMatchObject({ refundsCompleted: 1, errors: 0 });
    expect((await staffOrder(office, order.id)).state).toBe('refunded');
  });
});
