// Reconciliation: nothing depends on one webhook. The reconcile job is a
// plain function, called here with a clock set past the moments that matter
// (the first check, the hold's end plus the grace), against a box office
// running in-process with its worker (which sends the customer's messages)
// and local Stripe and Twilio servers. Each test gets a box office of its
// own, because a run looks at every order that is due.
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { ProcessedEvents } from '../src/jobs/payment-event.job.js';
import { processReconcile, RECONCILIATION_CAUSE, type ReconcileDeps, type ReconcileSummary } from '../src/jobs/reconcile.job.js';
import type { Order } from '../src/orders/order.js';
import { newOrderId } from '../src/orders/order-id.js';
import { RECONCILE_SCHEDULER_ID } from '../src/queue/reconcile.schedule.js';
import { createWorkerServices } from '../src/roles/worker.services.js';
import { buyAndPay } from './support/purchases.js';
import { offerUpgrade } from './support/upgrades.js';
import { eventually, startBoxOffice, type BoxOffice } from './support/box-office.harness.js';
import { scanKeys, testRedis, uniquePrefix } from './support/redis.js';
import { jobEnd, LAKERS, newPhone, payLinkIn, sectionInventory, smsTo, textBoxOffice } from './support/sms.client.js';
import { postStripeEvent, sessionEvent } from './support/stripe-events.js';

const MINUTE = 60_000;
const GRACE_MS = 5 * MINUTE;
const RECHECK_MS = 10 * MINUTE;

let office: BoxOffice;

beforeEach(async () => {
  office = await startBoxOffice();
});

afterEach(async () => {
  await office?.stop();
});

/** The reconcile job's services, as the worker role builds them, with the clock at `now`. */
function deps(now: number): ReconcileDeps {
  const { reconcile } = createWorkerServices(office.foundation);
  return { ...reconcile, log: pino({ level: 'silent' }), options: { graceMs: GRACE_MS, recheckMs: RECHECK_MS }, now: () => now };
}

function reconcileAt(now: number): Promise<ReconcileSummary> {
  return processReconcile({}, deps(now));
}

/** A customer texts for two seats in section 101: the order, awaiting payment on an open session. */
async function holdTwo(customer = newPhone()): Promise<{ customer: string; order: Order; sessionId: string }> {
  const reply = await textBoxOffice(office, customer, '2 tickets lakers section 101');
  const orderId = payLinkIn(reply.messages[0] ?? '')?.orderId;
  if (!orderId) throw new Error(`no pay link in ${JSON.stringify(reply.messages)}`);
  const order = (await office.foundation.commerce.orders.get(orderId))!;
  expect(order.state).toBe('awaiting_payment');
  return { customer, order, sessionId: order.stripeSessionId! };
}

async function order(orderId: string): Promise<Order> {
  return (await office.foundation.commerce.orders.get(orderId))!;
}

/** Timeline entries that moved the order into `state`. */
function movesTo(current: Order, state: Order['state']) {
  return current.timeline.filter((entry) => entry.to === state && entry.from !== undefined);
}

function expireRequests(sessionId: string) {
  return office.stripe!.requests.filter((r) => r.method === 'POST' && r.path === `/v1/checkout/sessions/${sessionId}/expire`);
}

describe('upgrade offers', () => {
  it('swaps the seats of an upgrade whose payment webhook never came, and releases one whose session expired', async () => {
    const paidOrder = await buyAndPay(office, newPhone(), '2 tickets lakers section 101');
    const lapsedOrder = await buyAndPay(office, newPhone(), '2 tickets lakers section 102');
    const paidOffer = await order((await offerUpgrade(office, paidOrder.id, { section: 'club' })).body.offer!.id);
    const lapsedOffer = await order((await offerUpgrade(office, lapsedOrder.id, { section: 'club' })).body.offer!.id);
    office.stripe!.markPaid(paidOffer.stripeSessionId!); // …and both webhooks are lost.
    office.stripe!.setSession(lapsedOffer.stripeSessionId!, { status: 'expired' });
    const club = await sectionInventory(office, 'club');

    const summary = await reconcileAt(lapsedOffer.holdExpiresAt + GRACE_MS + MINUTE);

    expect(summary).toMatchObject({ ordersChecked: 2, fulfilled: 1, expired: 1, errors: 0 });
    expect(await order(paidOffer.id)).toMatchObject({ state: 'fulfilled' });
    expect(await order(paidOrder.id)).toMatchObject({ sectionId: 'club', seats: paidOffer.seats });
    expect(await order(lapsedOffer.id)).toMatchObject({ state: 'expired' });
    expect(await order(lapsedOrder.id)).toMatchObject({ sectionId: '102', seats: lapsedOrder.seats, tickets: lapsedOrder.tickets });
    const after = await sectionInventory(office, 'club');
    expect(after.held).toBe(club.held - 4);
    expect(after.sold).toBe(club.sold + 2);
  });
});

describe('orders awaiting payment', () => {
  it('fulfils a paid session whose webhook never came: cause "reconciliation", seats sold, one ticket SMS', async () => {
    const before = await sectionInventory(office, '101');
    const { customer, order: held, sessionId } = await holdTwo();
    office.stripe!.markPaid(sessionId); // …and Stripe's webhook is lost.

    // Older than the threshold, still before the session's end.
    const summary = await reconcileAt(Date.parse(held.createdAt) + RECHECK_MS + MINUTE);

    expect(summary).toMatchObject({ ordersChecked: 1, fulfilled: 1, expired: 0, errors: 0 });
    await jobEnd(office, 'notifications', `tickets-${held.id}`);
    const done = await order(held.id);
    expect(done.state).toBe('fulfilled');
    expect(done.tickets).toHaveLength(2);
    expect(movesTo(done, 'paid')).toEqual([expect.objectContaining({ from: 'awaiting_payment', cause: RECONCILIATION_CAUSE })]);
    const after = await sectionInventory(office, '101');
    expect(after.sold - before.sold).toBe(2);
    expect(after.held - before.held).toBe(0);
    const texts = smsTo(office, customer);
    expect(texts).toHaveLength(1);
    for (const code of done.tickets) expect(texts[0]).toContain(code);
    // Settled: the next run has nothing to look at.
    expect(await office.foundation.commerce.orders.unsettledDue(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
  });

  it('expires an order whose session expired: seats released, the customer told once', async () => {
    const before = await sectionInventory(office, '101');
    const { customer, order: held, sessionId } = await holdTwo();
    office.stripe!.setSession(sessionId, { status: 'expired', url: null });
    const at = Date.parse(held.createdAt) + RECHECK_MS + MINUTE;

    const first = await reconcileAt(at);
    const second = await reconcileAt(at + RECHECK_MS);

    expect(first).toMatchObject({ ordersChecked: 1, expired: 1 });
    expect(second.ordersChecked).toBe(0);
    await jobEnd(office, 'notifications', `hold_expired-${held.id}`);
    const ended = await order(held.id);
    expect(ended.state).toBe('expired');
    expect(movesTo(ended, 'expired')).toEqual([expect.objectContaining({ cause: RECONCILIATION_CAUSE })]);
    const after = await sectionInventory(office, '101');
    expect(after.held).toBe(before.held);
    expect(after.sold).toBe(before.sold);
    const texts = smsTo(office, customer);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain(held.id);
    expect(texts[0]).toMatch(/released/);
  });

  it('leaves an order alone while its session is open and before its end, and looks again later', async () => {
    const before = await sectionInventory(office, '101');
    const { customer, order: held, sessionId } = await holdTwo();
    const at = Date.parse(held.createdAt) + RECHECK_MS + MINUTE;

    const summary = await reconcileAt(at);

    expect(summary).toMatchObject({ ordersChecked: 1, leftOpen: 1, fulfilled: 0, expired: 0 });
    const still = await order(held.id);
    expect(still.state).toBe('awaiting_payment');
    expect(still.timeline.some((entry) => entry.cause.startsWith(RECONCILIATION_CAUSE))).toBe(false);
    expect((await sectionInventory(office, '101')).held - before.held).toBe(2);
    expect(expireRequests(sessionId)).toEqual([]);
    expect(smsTo(office, customer)).toEqual([]);
    // Not due again at once; due again after the recheck interval.
    expect((await reconcileAt(at + MINUTE)).ordersChecked).toBe(0);
    expect((await reconcileAt(at + RECHECK_MS)).leftOpen).toBe(1);
  });

  it('closes a session Stripe still shows open past its end (plus the grace) before releasing the seats', async () => {
    const before = await sectionInventory(office, '101');
    const { customer, order: held, sessionId } = await holdTwo();

    // Within the grace Stripe's own expiry webhook is awaited: nothing moves.
    expect((await reconcileAt(held.holdExpiresAt + GRACE_MS - MINUTE)).leftOpen).toBe(1);
    expect(expireRequests(sessionId)).toEqual([]);

    const summary = await reconcileAt(held.holdExpiresAt + GRACE_MS + MINUTE);

    expect(summary).toMatchObject({ ordersChecked: 1, expired: 1 });
    expect(expireRequests(sessionId)).toHaveLength(1);
    expect(office.stripe!.sessions.get(sessionId)!.status).toBe('expired');
    await jobEnd(office, 'notifications', `hold_expired-${held.id}`);
    expect((await order(held.id)).state).toBe('expired');
    expect((await sectionInventory(office, '101')).held).toBe(before.held);
    expect(smsTo(office, customer)).toHaveLength(1);
  });

  it('fulfils a session paid near its end even when it is looked at long after: payment wins over expiry', async () => {
    const before = await sectionInventory(office, '101');
    const { customer, order: held, sessionId } = await holdTwo();
    office.stripe!.markPaid(sessionId);

    const summary = await reconcileAt(held.holdExpiresAt + GRACE_MS + MINUTE);

    expect(summary).toMatchObject({ fulfilled: 1, expired: 0 });
    expect(expireRequests(sessionId)).toEqual([]);
    await jobEnd(office, 'notifications', `tickets-${held.id}`);
    expect((await order(held.id)).state).toBe('fulfilled');
    expect((await sectionInventory(office, '101')).sold - before.sold).toBe(2);
    expect(smsTo(office, customer)).toHaveLength(1);
  });

  it('keeps the seats of a completed checkout whose payment is still processing', async () => {
    const before = await sectionInventory(office, '101');
    const { order: held, sessionId } = await holdTwo();
    office.stripe!.setSession(sessionId, { status: 'complete', payment_status: 'unpaid', url: null });

    const summary = await reconcileAt(held.holdExpiresAt + GRACE_MS + MINUTE);

    expect(summary).toMatchObject({ pending: 1, expired: 0 });
    await jobEnd(office, 'notifications', `payment_pending-${held.id}`);
    expect((await order(held.id)).state).toBe('awaiting_payment');
    expect((await sectionInventory(office, '101')).held - before.held).toBe(2);
  });

  it('finishes a paid order whose payment job never got to fulfilment', async () => {
    const before = await sectionInventory(office, '101');
    const { customer, order: held, sessionId } = await holdTwo();
    office.stripe!.markPaid(sessionId);
    // The payment job moved it to paid, then its process died and its retries ran out.
    await office.foundation.commerce.orders.transition(held.id, { to: 'paid', cause: 'stripe:evt_lost' });

    const early = await reconcileAt(Date.now() + MINUTE);
    const summary = await reconcileAt(Date.now() + RECHECK_MS + MINUTE);

    expect(early.ordersChecked).toBe(0); // the payment path gets its time first
    expect(summary).toMatchObject({ ordersChecked: 1, fulfilled: 1 });
    await jobEnd(office, 'notifications', `tickets-${held.id}`);
    const done = await order(held.id);
    expect(done.state).toBe('fulfilled');
    expect(done.timeline.some((entry) => entry.cause === `${RECONCILIATION_CAUSE}:fulfilment`)).toBe(true);
    expect((await sectionInventory(office, '101')).sold - before.sold).toBe(2);
    expect(smsTo(office, customer)).toHaveLength(1);
  });
});

describe('applied once', () => {
  it('fulfils once when two runs and the webhook handle the same paid session at the same time', async () => {
    const before = await sectionInventory(office, '101');
    const { customer, order: held, sessionId } = await holdTwo();
    office.stripe!.markPaid(sessionId);
    const event = sessionEvent(office, 'checkout.session.completed', sessionId);
    const at = Date.parse(held.createdAt) + RECHECK_MS + MINUTE;

    const [one, two, delivery] = await Promise.all([reconcileAt(at), reconcileAt(at), postStripeEvent(office, event)]);

    expect(delivery.status).toBe(200);
    expect((await jobEnd(office, 'payments', event.id)).state).toBe('completed');
    expect(one.errors + two.errors).toBe(0);
    await jobEnd(office, 'notifications', `tickets-${held.id}`);
    const done = await order(held.id);
    expect(done.state).toBe('fulfilled');
    expect(movesTo(done, 'paid')).toHaveLength(1);
    expect(movesTo(done, 'fulfilled')).toHaveLength(1);
    const after = await sectionInventory(office, '101');
    expect(after.sold - before.sold).toBe(2);
    expect(after.held - before.held).toBe(0);
    expect(smsTo(office, customer)).toHaveLength(1);
    // A later run finds nothing left to do.
    expect(await reconcileAt(at + RECHECK_MS)).toMatchObject({ ordersChecked: 0, fulfilled: 0 });
  });

  it('expires once when a run and Stripe\'s expiry webhook race', async () => {
    const { customer, order: held, sessionId } = await holdTwo();
    office.stripe!.setSession(sessionId, { status: 'expired', url: null });
    const event = sessionEvent(office, 'checkout.session.expired', sessionId);

    const [summary, delivery] = await Promise.all([reconcileAt(held.holdExpiresAt + GRACE_MS + MINUTE), postStripeEvent(office, event)]);

    expect(delivery.status).toBe(200);
    expect(summary.errors).toBe(0);
    await jobEnd(office, 'payments', event.id);
    await jobEnd(office, 'notifications', `hold_expired-${held.id}`);
    const ended = await order(held.id);
    expect(movesTo(ended, 'expired')).toHaveLength(1);
    expect(smsTo(office, customer)).toHaveLength(1);
  });
});

describe('orphans', () => {
  it('releases an order that never got a payment page once its hold has ended, and not before', async () => {
    const { commerce } = office.foundation;
    const before = await sectionInventory(office, '101');
    const customer = newPhone();
    // The process stopped between the hold and the Checkout Session.
    const id = newOrderId();
    const expiresAt = Date.now() + 30 * MINUTE;
    const hold = await commerce.seats.hold({ eventId: LAKERS, sectionId: '101', quantity: 2, holdId: id, customerKey: 'orphan-test', expiresAt });
    expect(hold.ok).toBe(true);
    const seats = hold.ok ? hold.allocation.seats : [];
    await commerce.orders.create(
      { customer: { channel: 'sms', address: customer }, eventId: LAKERS, sectionId: '101', quantity: 2, seats, unitAmount: 20000, currency: 'usd', holdExpiresAt: expiresAt },
      { id },
    );

    expect((await reconcileAt(Date.now() + RECHECK_MS + MINUTE)).leftOpen).toBe(1);
    expect((await order(id)).state).toBe('held');
    expect((await sectionInventory(office, '101')).held - before.held).toBe(2);

    const summary = await reconcileAt(expiresAt + GRACE_MS + MINUTE);

    expect(summary).toMatchObject({ ordersChecked: 1, expired: 1 });
    await jobEnd(office, 'notifications', `hold_expired-${id}`);
    const ended = await order(id);
    expect(ended.state).toBe('expired');
    expect(movesTo(ended, 'expired')).toEqual([expect.objectContaining({ from: 'held', cause: RECONCILIATION_CAUSE })]);
    expect(ended.timeline.some((entry) => entry.cause === `${RECONCILIATION_CAUSE}:no-session`)).toBe(true);
    expect((await sectionInventory(office, '101')).held).toBe(before.held);
    expect(smsTo(office, customer)).toHaveLength(1);
  });

  it('releases a hold no order ever came for once it is a minute old; leaves a newer one, and one whose order is open, alone', async () => {
    const { seats } = office.foundation.commerce;
    const before = await sectionInventory(office, '101');
    const now = Date.now();
    const hold = (holdId: string, madeAt: number) =>
      seats.hold({ eventId: LAKERS, sectionId: '101', quantity: 2, holdId, customerKey: `orphan-${holdId}`, expiresAt: madeAt + 30 * MINUTE, now: madeAt });
    const ownerless = newOrderId();
    const justMade = newOrderId();
    expect((await hold(ownerless, now - 2 * MINUTE)).ok).toBe(true);
    expect((await hold(justMade, now)).ok).toBe(true);
    const { order: open } = await holdTwo();

    // 30 seconds on: `ownerless` was made 2.5 minutes ago and still has no
    // order; `justMade` may still be getting one; `open` has its order.
    // (The worker's own first run, on the real clock, may free `ownerless` first: either way it is freed once.)
    const summary = await reconcileAt(now + 30_000);

    expect(summary.errors).toBe(0);
    expect((await seats.allocation(LAKERS, ownerless))?.state).toBe('released');
    expect((await seats.allocation(LAKERS, justMade))?.state).toBe('held');
    expect((await seats.allocation(LAKERS, open.id))?.state).toBe('held');
    expect((await sectionInventory(office, '101')).held - before.held).toBe(4);
    // Again: nothing more.
    expect((await reconcileAt(now + 30_000)).holdsReleased).toBe(0);
    // A minute later the one made at `now` has had its minute.
    expect((await reconcileAt(now + 2 * MINUTE)).holdsReleased).toBe(1);
  });

  it('releases a hold with no order past its end and the grace', async () => {
    const { seats } = office.foundation.commerce;
    const now = Date.now();
    const orphan = newOrderId();
    expect((await seats.hold({ eventId: LAKERS, sectionId: '101', quantity: 2, holdId: orphan, customerKey: 'orphan-ended', expiresAt: now + MINUTE, now })).ok).toBe(true);

    expect((await reconcileAt(now + 21 * MINUTE)).holdsReleased).toBe(1);
    expect((await seats.allocation(LAKERS, orphan))?.state).toBe('released');
  });

  it('releases seats still held after their order ended (the process stopped in between), noting it on the order', async () => {
    const before = await sectionInventory(office, '101');
    const { order: held } = await holdTwo();
    // Cancelled, and the process stopped before the release.
    await office.foundation.commerce.orders.transition(held.id, { to: 'cancelled', cause: 'customer:test' });
    expect((await sectionInventory(office, '101')).held - before.held).toBe(2);

    // No need to wait for the hold's end: the order has ended.
    const summary = await reconcileAt(Date.parse(held.createdAt) + MINUTE);

    expect(summary.holdsReleased).toBe(1);
    expect((await sectionInventory(office, '101')).held).toBe(before.held);
    const ended = await order(held.id);
    expect(ended.state).toBe('cancelled');
    expect(ended.timeline.some((entry) => entry.cause === `${RECONCILIATION_CAUSE}:orphan-hold`)).toBe(true);
  });

  it('never releases the hold of an order Stripe has not settled, even long past its end', async () => {
    const before = await sectionInventory(office, '101');
    const { order: held, sessionId } = await holdTwo();
    // Stripe cannot be reached: the order is not checked, and its hold is not an orphan.
    office.stripe!.failNext(500, { type: 'api_error', message: 'down' }, { method: 'GET' });

    const summary = await reconcileAt(held.holdExpiresAt + GRACE_MS + MINUTE);

    expect(summary).toMatchObject({ errors: 1, holdsReleased: 0, expired: 0 });
    expect((await order(held.id)).state).toBe('awaiting_payment');
    expect((await sectionInventory(office, '101')).held - before.held).toBe(2);
    expect(expireRequests(sessionId)).toEqual([]);
    // The next run tries again and settles it.
    expect(await reconcileAt(held.holdExpiresAt + GRACE_MS + 2 * MINUTE)).toMatchObject({ expired: 1, errors: 0 });
  });
});

describe('the schedule', () => {
  it('is registered by the worker role as a BullMQ job scheduler and runs at once', async () => {
    const scheduler = await office.foundation.queues.maintenance.getJobScheduler(RECONCILE_SCHEDULER_ID);
    expect(scheduler).toMatchObject({ every: 5 * MINUTE });
    const run = await eventually(async () => (await office.foundation.queues.maintenance.getCompleted())[0], 15_000, 'a reconciliation run');
    expect(run.returnvalue).toMatchObject({ errors: 0 });
  });
});

describe('processed Stripe event ids', () => {
  it('are kept for longer than Stripe retries (3 days)', async () => {
    const redis = testRedis();
    try {
      const prefix = uniquePrefix();
      const processed = new ProcessedEvents(redis, prefix);
      await processed.mark('evt_ttl_check', 'fulfilled');
      const [key, ...others] = await scanKeys(redis, `${prefix}*`);
      expect(others).toEqual([]);
      expect(await processed.has('evt_ttl_check')).toBe(true);
      expect(await redis.ttl(key!)).toBeGreaterThan(3 * 24 * 3600);
    } finally {
      await redis.quit();
    }
  });
});

describe('configuration', () => {
  it('defaults: a run every 5 minutes, first check after 10, 5 minutes of grace; BullMQ lock and stall check 30 s', () => {
    const config = loadConfig({});
    expect(config.reconcile).toEqual({ everyMinutes: 5, afterMinutes: 10, graceMinutes: 5 });
    expect(config.worker).toEqual({ lockDurationMs: 30_000, stalledIntervalMs: 30_000 });
  });

  it.each([
    [{ RECONCILE_EVERY_MINUTES: '0' }, /^Configuration error: RECONCILE_EVERY_MINUTES must be a whole number/],
    [{ RECONCILE_AFTER_MINUTES: 'ten' }, /^Configuration error: RECONCILE_AFTER_MINUTES /],
    [{ RECONCILE_GRACE_MINUTES: '-1' }, /^Configuration error: RECONCILE_GRACE_MINUTES /],
    [{ WORKER_LOCK_DURATION_MS: '10' }, /^Configuration error: WORKER_LOCK_DURATION_MS /],
    [{ WORKER_STALLED_INTERVAL_MS: '1.5' }, /^Configuration error: WORKER_STALLED_INTERVAL_MS /],
  ])('refuses %j with one line naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
