// Refunds end to end: the staff API and the customer's "cancel my order" ask
// Stripe (the local Stripe-compatible server) with an idempotency key;
// Stripe's signed refund events come back through the webhook, the queue and
// the worker, which return the seats, void the tickets and tell the customer
// by SMS (the local Twilio-compatible server).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order } from '../src/orders/order.js';
import { eventually, startBoxOffice, TEST_STAFF_TOKEN, type BoxOffice } from './support/box-office.harness.js';
import { GALA, writeRefundCatalog } from './support/refund-catalog.js';
import { allCounts, jobEnd, newPhone, payLinkIn, sectionInventory, smsTo, staffOrder, textBoxOffice } from './support/sms.client.js';
import { chargeRefundedEvent, postStripeEvent, refundEvent, sessionEvent } from './support/stripe-events.js';
import { buyAndPay, refundPosts, staffRefund, staffRefunds, stripeRefundsOf } from './support/purchases.js';

let office: BoxOffice;
let catalog: ReturnType<typeof writeRefundCatalog>;

beforeAll(async () => {
  catalog = writeRefundCatalog();
  office = await startBoxOffice({ env: { CATALOG_PATH: catalog.path } });
});

afterAll(async () => {
  await office?.stop();
  catalog?.remove();
});

// ---- helpers ------------------------------------------------------------------

/** Stripe tells the webhook; resolves once the worker is done with the event. */
async function confirm(event: ReturnType<typeof refundEvent>) {
  expect((await postStripeEvent(office, event)).status).toBe(200);
  return jobEnd(office, 'payments', event.id);
}

async function smsAfter(phone: string, jobId: string): Promise<string[]> {
  await jobEnd(office, 'sms', jobId);
  return smsTo(office, phone);
}

// ---- staff refunds --------------------------------------------------------------

describe('staff refunds', () => {
  it('refunds a whole order: Stripe asked once with our ids; on its confirmation the seats go back and the customer is told', async () => {
    const phone = newPhone();
    const before = await sectionInventory(office, '101', GALA);
    const order = await buyAndPay(office, phone, '2 tickets gala section 101');
    const paid = await sectionInventory(office, '101', GALA);
    expect(paid.sold - before.sold).toBe(2);

    const answer = await staffRefund(office, order.id, {});
    expect(answer.status).toBe(202);
    const refund = answer.body.refund!;
    expect(refund).toMatchObject({ orderId: order.id, status: 'requested', amount: 20_000, tickets: order.tickets, seats: order.seats, places: 2, by: 'staff' });

    // Stripe was asked for the right money, on the order's payment, with our ids and an idempotency key.
    const [post, ...more] = refundPosts(office, order.id);
    expect(more).toHaveLength(0);
    const session = office.stripe!.sessions.get(order.stripeSessionId!)!;
    expect(post!.body).toMatchObject({ payment_intent: session.payment_intent, amount: '20000', metadata: { orderId: order.id, refundId: refund.id } });
    expect(post!.idempotencyKey).toBe(`refund-${refund.id}`);

    // Nothing changes until Stripe confirms.
    expect(await staffOrder(office, order.id)).toMatchObject({ state: 'fulfilled', refundedTickets: [] });
    expect(await sectionInventory(office, '101', GALA)).toMatchObject({ sold: paid.sold, available: paid.available });

    const [stripeRefund] = stripeRefundsOf(office, order);
    expect((await confirm(refundEvent(office, 'refund.created', stripeRefund!.id))).returnvalue).toBe('refunded');

    const after = await staffOrder(office, order.id);
    expect(after).toMatchObject({ state: 'refunded', refundedAmount: 20_000 });
    expect([...after.refundedTickets].sort()).toEqual([...order.tickets].sort());
    expect(after.timeline.find((entry) => entry.cause === `refund:${refund.id}`)).toMatchObject({ from: 'fulfilled', to: 'refunded' });
    expect(await sectionInventory(office, '101', GALA)).toMatchObject({ sold: before.sold, available: before.available });
    expect((await staffRefunds(office, order.id)).map((r) => r.status)).toEqual(['succeeded']);

    const texts = await smsAfter(phone, `refunded-${order.id}`);
    expect(texts).toHaveLength(2);
    expect(texts[1]).toContain(`Order ${order.id} is refunded: $200 back to your card`);
    expect(texts[1]).toContain('no longer valid');
  });

  it('refunds part of an order by ticket count, then the rest, ending refunded', async () => {
    const phone = newPhone();
    const before = await sectionInventory(office, '101', GALA);
    const order = await buyAndPay(office, phone, '3 tickets gala section 101');

    const first = await staffRefund(office, order.id, { tickets: 1, reason: 'one guest cannot come' });
    expect(first.status).toBe(202);
    // The last seat of the block goes back: the customer keeps two together.
    expect(first.body.refund).toMatchObject({ tickets: [order.tickets[2]], seats: [order.seats[2]], places: 1, amount: 10_000, reason: 'one guest cannot come' });
    expect(refundPosts(office, order.id)[0]!.body).toMatchObject({ amount: '10000', metadata: { note: 'one guest cannot come' } });

    // Confirmed by charge.refunded (a charge, not a refund: the worker looks up the charge's refunds).
    const [partial] = stripeRefundsOf(office, order);
    expect((await confirm(chargeRefundedEvent(office, partial!.id))).returnvalue).toBe('partially_refunded');

    const middle = await staffOrder(office, order.id);
    expect(middle).toMatchObject({ state: 'fulfilled', refundedTickets: [order.tickets[2]], refundedAmount: 10_000 });
    // In the timeline, with no change of state.
    const entry = middle.timeline.find((e) => e.cause === `refund:${first.body.refund!.id}`);
    expect(entry?.note).toContain(`1 ticket (${order.seats[2]}), $100`);
    expect(entry?.to).toBeUndefined();
    expect((await sectionInventory(office, '101', GALA)).sold - before.sold).toBe(2);
    const partialText = (await smsAfter(phone, `refund_partial.${first.body.refund!.id}-${order.id}`)).at(-1)!;
    expect(partialText).toContain(`Order ${order.id}: 1 of your 3 tickets refunded, $100 back to your card`);
    expect(partialText).toContain(`No longer valid: ${order.tickets[2]}`);
    expect(partialText).toContain(`Still valid: ${order.tickets[0]}, ${order.tickets[1]}`);

    // The customer's status shows only the tickets that still count.
    const status = (await textBoxOffice(office, phone, 'status')).messages.join('\n');
    expect(status).toContain(order.tickets[0]);
    expect(status).not.toContain(order.tickets[2]);

    // The rest: no count means every ticket still valid, and the rest of the money.
    const rest = await staffRefund(office, order.id);
    expect(rest.status).toBe(202);
    expect(rest.body.refund).toMatchObject({ tickets: [order.tickets[0], order.tickets[1]], places: 2, amount: 20_000 });
    const second = stripeRefundsOf(office, order).find((r) => r.id !== partial!.id)!;
    expect((await confirm(refundEvent(office, 'refund.created', second.id))).returnvalue).toBe('refunded');

    const end = await staffOrder(office, order.id);
    expect(end).toMatchObject({ state: 'refunded', refundedAmount: 30_000 });
    expect(end.refundedTickets).toHaveLength(3);
    expect(stripeRefundsOf(office, order).map((r) => r.amount).sort()).toEqual([10_000, 20_000]);
    expect((await sectionInventory(office, '101', GALA)).sold).toBe(before.sold);
    expect((await smsAfter(phone, `refunded-${order.id}`)).at(-1)).toContain(`Order ${order.id} is refunded: $300`);

    // Nothing is left to refund.
    const again = await staffRefund(office, order.id, {});
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('already_refunded');
    expect(stripeRefundsOf(office, order)).toHaveLength(2);
  });

  it('makes one Stripe refund of the same request sent twice, and returns its seats once', async () => {
    const phone = newPhone();
    const order = await buyAndPay(office, phone, '2 tickets gala section 101');
    const sold = (await sectionInventory(office, '101', GALA)).sold;

    // Sent at once (two staff clicks, two web processes): one refund.
    const [a, b] = await Promise.all([staffRefund(office, order.id, { tickets: 1 }), staffRefund(office, order.id, { tickets: 1 })]);
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(b.body.refund!.id).toBe(a.body.refund!.id);
    expect([a.body.replay, b.body.replay].sort()).toEqual([false, true]);
    expect(stripeRefundsOf(office, order)).toHaveLength(1);

    // Sent again later (a retry after a timeout): the same refund, the same key.
    const c = await staffRefund(office, order.id, { tickets: 1 });
    expect(c).toMatchObject({ status: 202, body: { replay: true, refund: { id: a.body.refund!.id } } });
    const posts = refundPosts(office, order.id);
    expect(posts).toHaveLength(3);
    expect(new Set(posts.map((p) => p.idempotencyKey))).toEqual(new Set([`refund-${a.body.refund!.id}`]));
    expect(stripeRefundsOf(office, order)).toHaveLength(1);

    const [refund] = stripeRefundsOf(office, order);
    await confirm(refundEvent(office, 'refund.created', refund!.id));
    expect((await sectionInventory(office, '101', GALA)).sold).toBe(sold - 1);
    expect((await staffOrder(office, order.id)).refundedTickets).toEqual([order.tickets[1]]);
  });

  it('applies a refund once however often, and by however many events, Stripe tells us', async () => {
    const phone = newPhone();
    const order = await buyAndPay(office, phone, '2 tickets gala section 101');
    const sold = (await sectionInventory(office, '101', GALA)).sold;
    const { refund } = (await staffRefund(office, order.id)).body;
    const [stripeRefund] = stripeRefundsOf(office, order);

    const created = refundEvent(office, 'refund.created', stripeRefund!.id);
    await confirm(created);
    // The same delivery again (BullMQ keeps one job per event id), then other events about the same refund.
    expect((await postStripeEvent(office, created)).status).toBe(200);
    expect((await confirm(refundEvent(office, 'refund.updated', stripeRefund!.id))).returnvalue).toBe('duplicate');
    expect((await confirm(chargeRefundedEvent(office, stripeRefund!.id))).returnvalue).toBe('duplicate');

    const after = await staffOrder(office, order.id);
    expect(after).toMatchObject({ state: 'refunded', refundedAmount: 20_000 });
    expect(after.refundedTickets).toHaveLength(2);
    expect(after.timeline.filter((entry) => entry.cause === `refund:${refund!.id}`)).toHaveLength(1);
    expect((await sectionInventory(office, '101', GALA)).sold).toBe(sold - 2);
    const texts = await smsAfter(phone, `refunded-${order.id}`);
    expect(texts.filter((text) => text.includes('is refunded'))).toHaveLength(1);
  });

  it('changes nothing when Stripe rejects a refund, says why, and lets a later try through', async () => {
    const phone = newPhone();
    const order = await buyAndPay(office, phone, '2 tickets gala section 101');
    const counts = await allCounts(office, GALA);

    office.stripe!.failNext(
      400,
      { type: 'invalid_request_error', code: 'charge_already_refunded', message: 'Charge ch_123 has already been refunded.' },
      { method: 'POST', path: '/v1/refunds' },
    );
    const answer = await staffRefund(office, order.id, { tickets: 1 });
    expect(answer.status).toBe(409);
    expect(answer.body).toMatchObject({ error: 'refund_rejected', stripe: { code: 'charge_already_refunded' } });
    expect(answer.body.message).toContain('Charge ch_123 has already been refunded.');
    expect(answer.body.refund).toMatchObject({ status: 'failed', error: expect.stringContaining('charge_already_refunded') });

    const after = await staffOrder(office, order.id);
    expect(after).toMatchObject({ state: 'fulfilled', tickets: order.tickets, refundedTickets: [], refundedAmount: 0 });
    expect(await allCounts(office, GALA)).toEqual(counts);
    expect(stripeRefundsOf(office, order)).toHaveLength(0);

    // Asking again is a new attempt, under a new idempotency key (Stripe would replay its refusal for the old one).
    const retry = await staffRefund(office, order.id, { tickets: 1 });
    expect(retry.status).toBe(202);
    expect(retry.body.refund).toMatchObject({ id: answer.body.refund!.id, attempt: 2, status: 'requested' });
    expect(refundPosts(office, order.id).at(-1)!.idempotencyKey).toBe(`refund-${answer.body.refund!.id}-2`);
    expect(stripeRefundsOf(office, order)).toHaveLength(1);
  });

  it('records a refund Stripe fails after accepting it, and changes nothing else', async () => {
    const phone = newPhone();
    const order = await buyAndPay(office, phone, '2 tickets gala section 101');
    const counts = await allCounts(office, GALA);
    const { refund } = (await staffRefund(office, order.id)).body;
    const [stripeRefund] = stripeRefundsOf(office, order);
    office.stripe!.setRefund(stripeRefund!.id, { status: 'failed', failure_reason: 'expired_or_canceled_card' });

    expect((await confirm(refundEvent(office, 'refund.failed', stripeRefund!.id))).returnvalue).toBe('refund_failed');
    const after = await staffOrder(office, order.id);
    expect(after).toMatchObject({ state: 'fulfilled', refundedTickets: [] });
    expect(after.timeline.find((entry) => entry.cause.startsWith(`refund-failed:${refund!.id}`))?.note).toContain('expired_or_canceled_card');
    expect(await allCounts(office, GALA)).toEqual(counts);
    expect(await staffRefunds(office, order.id)).toEqual([expect.objectContaining({ id: refund!.id, status: 'failed' })]);
  });

  it('gives the money back for a paid order whose seats were gone, touching no seats', async () => {
    const phone = newPhone();
    const reply = await textBoxOffice(office, phone, '2 tickets gala section 101');
    const held = await staffOrder(office, payLinkIn(reply.messages.join('\n'))!.orderId);
    // The hold ended before the payment arrived: the worker cannot sell the seats.
    await office.foundation.commerce.seats.release(GALA, held.id);
    office.stripe!.markPaid(held.stripeSessionId!);
    const paidEvent = sessionEvent(office, 'checkout.session.completed', held.stripeSessionId!);
    await postStripeEvent(office, paidEvent);
    expect((await jobEnd(office, 'payments', paidEvent.id)).returnvalue).toBe('seats_gone');
    const counts = await allCounts(office, GALA);

    const answer = await staffRefund(office, held.id, {});
    expect(answer.status).toBe(202);
    expect(answer.body.refund).toMatchObject({ tickets: [], places: 0, amount: 20_000 });
    const [refund] = stripeRefundsOf(office, held);
    expect((await confirm(refundEvent(office, 'refund.created', refund!.id))).returnvalue).toBe('refunded');
    expect(await staffOrder(office, held.id)).toMatchObject({ state: 'refunded', refundedAmount: 20_000, refundedTickets: [] });
    expect(await allCounts(office, GALA)).toEqual(counts);
    expect((await smsAfter(phone, `refunded-${held.id}`)).at(-1)).toContain(`Order ${held.id} is refunded: $200`);
  });

  it('waits for the tickets of an order paid a moment ago before refunding it', async () => {
    const reply = await textBoxOffice(office, newPhone(), '2 tickets gala section 101');
    const orderId = payLinkIn(reply.messages.join('\n'))!.orderId;
    // Paid, and the worker has not sold the seats yet.
    await office.foundation.commerce.orders.transition(orderId, { to: 'paid', cause: 'test:paid' });
    expect(await staffRefund(office, orderId, {})).toMatchObject({ status: 409, body: { error: 'fulfilment_pending' } });
    expect(refundPosts(office, orderId)).toHaveLength(0);
  });

  it('answers plainly for orders that cannot be refunded, and for bad requests', async () => {
    // Unpaid: held and waiting for payment.
    const reply = await textBoxOffice(office, newPhone(), '2 tickets gala section 101');
    const unpaid = payLinkIn(reply.messages.join('\n'))!.orderId;
    expect(await staffRefund(office, unpaid, {})).toMatchObject({ status: 409, body: { error: 'not_paid', message: expect.stringContaining('nothing was paid') } });

    expect(await staffRefund(office, 'BX-2222', {})).toMatchObject({ status: 404, body: { error: 'unknown_order' } });
    expect(await staffRefund(office, 'not-an-order', {})).toMatchObject({ status: 404, body: { error: 'unknown_order' } });

    const order = await buyAndPay(office, newPhone(), '2 tickets gala section 101');
    expect(await staffRefund(office, order.id, { tickets: 0 })).toMatchObject({ status: 400, body: { error: 'bad_request' } });
    expect(await staffRefund(office, order.id, { tickets: 'two' })).toMatchObject({ status: 400 });
    expect(await staffRefund(office, order.id, { seats: 2 })).toMatchObject({ status: 400 });
    expect(await staffRefund(office, order.id, { tickets: 3 })).toMatchObject({ status: 409, body: { error: 'too_many_tickets' } });
    const form = await fetch(`${office.url}/staff/orders/${order.id}/refund`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_STAFF_TOKEN}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'tickets=1',
    });
    expect(form.status).toBe(415);
    expect((await staffRefund(office, order.id, {}, 'not-the-staff-token-at-all')).status).toBe(401);

    // One refund at a time per order: another request waits for the first to be confirmed.
    expect((await staffRefund(office, order.id, { tickets: 1 })).status).toBe(202);
    expect(await staffRefund(office, order.id, { tickets: 2 })).toMatchObject({ status: 409, body: { error: 'refund_in_progress' } });

    expect(refundPosts(office, unpaid)).toHaveLength(0);
    expect(refundPosts(office, order.id)).toHaveLength(1);
    expect(await staffOrder(office, order.id)).toMatchObject({ state: 'fulfilled', refundedTickets: [] });
  });
});

// ---- customers cancelling --------------------------------------------------------

describe('customers cancelling a paid order', () => {
  it('refunds within the event’s policy after the customer confirms, and tells them when it is done', async () => {
    const phone = newPhone();
    const before = await sectionInventory(office, '101', GALA);
    const order = await buyAndPay(office, phone, '2 tickets gala section 101');

    const ask = await textBoxOffice(office, phone, `cancel my order ${order.id}`);
    expect(ask.messages).toEqual([`Cancel order ${order.id} and refund $200 for 2 tickets? Reply YES to cancel it, or NO to keep your tickets.`]);
    expect(refundPosts(office, order.id)).toHaveLength(0);

    const yes = await textBoxOffice(office, phone, 'yes');
    expect(yes.messages.join('\n')).toContain(`Done: order ${order.id} is cancelled and $200 is being refunded to your card.`);
    const [post] = refundPosts(office, order.id);
    expect(post!.body).toMatchObject({ amount: '20000', reason: 'requested_by_customer' });

    const [refund] = stripeRefundsOf(office, order);
    await confirm(refundEvent(office, 'refund.created', refund!.id));
    expect(await staffOrder(office, order.id)).toMatchObject({ state: 'refunded', refundedAmount: 20_000 });
    expect((await sectionInventory(office, '101', GALA)).sold).toBe(before.sold);
    expect((await smsAfter(phone, `refunded-${order.id}`)).at(-1)).toContain(`Order ${order.id} is refunded: $200`);

    // Asking again afterwards changes nothing.
    const again = await textBoxOffice(office, phone, `refund ${order.id}`);
    expect(again.messages).toEqual([`Order ${order.id} is already refunded.`]);
  });

  it('keeps the order when the customer says no', async () => {
    const phone = newPhone();
    const order = await buyAndPay(office, phone, '1 ticket gala section 101');
    expect((await textBoxOffice(office, phone, 'i want a refund')).messages[0]).toContain(`Cancel order ${order.id} and refund $100 for 1 ticket?`);
    expect((await textBoxOffice(office, phone, 'no')).messages).toEqual([`Okay, nothing changed: order ${order.id} and its tickets stay as they are.`]);
    expect(refundPosts(office, order.id)).toHaveLength(0);
    expect((await staffOrder(office, order.id)).state).toBe('fulfilled');
  });

  it('explains the policy and changes nothing once the refund window has closed, or when there is none', async () => {
    for (const [text, policy] of [
      ['2 tickets late show section 101', 'Refunds up to 48 hours before the show.'],
      ['2 tickets final sale section 101', 'All sales final: no refunds.'],
    ] as const) {
      const phone = newPhone();
      const order = await buyAndPay(office, phone, text);
      const counts = await allCounts(office, order.eventId);
      const reply = await textBoxOffice(office, phone, `cancel my order ${order.id}`);
      expect(reply.messages).toEqual([`Order ${order.id} can't be cancelled for a refund now. The policy for this event: ${policy}`]);
      // A "yes" afterwards is not a confirmation of anything.
      await textBoxOffice(office, phone, 'yes');
      expect(refundPosts(office, order.id)).toHaveLength(0);
      expect(await staffOrder(office, order.id)).toMatchObject({ state: 'fulfilled', refundedTickets: [] });
      expect(await allCounts(office, order.eventId)).toEqual(counts);
    }
  });

  it('cancels an order still waiting for payment without any refund', async () => {
    const phone = newPhone();
    const reply = await textBoxOffice(office, phone, '2 tickets gala section 101');
    const orderId = payLinkIn(reply.messages.join('\n'))!.orderId;
    const cancelled = await textBoxOffice(office, phone, `cancel ${orderId}`);
    expect(cancelled.messages).toEqual([`Order ${orderId} is cancelled and the seats are released. No payment was taken.`]);
    await eventually(async () => ((await staffOrder(office, orderId)).state === 'cancelled' ? true : undefined), 5_000, 'cancelled');
    expect(refundPosts(office, orderId)).toHaveLength(0);
  });
});
