// Buying again in one reply: a customer who saved their card on an earlier
// payment page is offered, with their next hold, "Reply YES to pay … with
// Visa ending 4242, or open <link>". YES closes the page, charges the card
// off-session under a key of the order, and the tickets follow through the
// payment_intent.succeeded webhook, queue and worker. A YES sent twice, or a
// YES after the link was paid, charges once; a declined card, or one whose
// bank wants the customer, leaves the hold and a link that pays; a lost
// webhook is found by reconciliation. With SAVED_CARDS=on, by SMS, against
// the test Redis and the local Stripe and Twilio servers.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processReconcile } from '../src/jobs/reconcile.job.js';
import type { Order } from '../src/orders/order.js';
import { createWorkerServices } from '../src/roles/worker.services.js';
import { eventually, startBoxOffice, type BoxOffice } from './support/box-office.harness.js';
import { refundPosts, staffRefund } from './support/purchases.js';
import { jobEnd, newPhone, payLinkIn, payLinkPath, sectionInventory, smsTo, staffOrder, textBoxOffice } from './support/sms.client.js';
import { paymentIntentEvent, postStripeEvent, sessionEvent } from './support/stripe-events.js';

let office: BoxOffice;

beforeAll(async () => {
  office = await startBoxOffice({ env: { SAVED_CARDS: 'on', STAFF_IDS: STAFF_PHONE } });
});

afterAll(async () => {
  await office?.stop();
});

const MINUTE = 60_000;
const STAFF_PHONE = '+15550009876';

async function say(phone: string, text: string): Promise<string> {
  return (await textBoxOffice(office, phone, text)).messages.join('\n');
}

/** Stripe's word on a checkout session, through the webhook and the worker. */
async function deliverSession(order: Order, type = 'checkout.session.completed') {
  const event = sessionEvent(office, type, order.stripeSessionId!);
  expect((await postStripeEvent(office, event)).status).toBe(200);
  return jobEnd(office, 'payments', event.id);
}

/** Stripe's word on a PaymentIntent, through the webhook and the worker. */
async function deliverPayment(paymentId: string, type = 'payment_intent.succeeded') {
  const event = paymentIntentEvent(office, type, paymentId);
  expect((await postStripeEvent(office, event)).status).toBe(200);
  return jobEnd(office, 'payments', event.id);
}

/** A customer who bought once and ticked "save my card": their number, with the first tickets text received. */
async function returningCustomer(): Promise<string> {
  const phone = newPhone();
  const link = payLinkIn(await say(phone, '2 tickets lakers section 101'))!;
  const first = await staffOrder(office, link.orderId);
  office.stripe!.markPaid(first.stripeSessionId!, { saveCard: true });
  await deliverSession(first);
  await eventually(async () => (smsTo(office, phone).length === 1 ? true : undefined), 10_000, 'the first tickets text');
  return phone;
}

/** The returning customer's next hold: the reply and the order. */
async function holdAgain(phone: string, text = '2 tickets hozier section 101') {
  const reply = await say(phone, text);
  const link = payLinkIn(reply)!;
  expect(link).toBeDefined();
  return { reply, order: await staffOrder(office, link.orderId) };
}

/** The order's payments to a saved card: those of its own, not behind a Checkout Session. */
function intentsFor(orderId: string) {
  const behindPages = new Set([...office.stripe!.sessions.values()].map((session) => session.payment_intent));
  return [...office.stripe!.paymentIntents.values()].filter((intent) => intent.metadata.reference === orderId && !behindPages.has(intent.id));
}
const confirmsOf = (paymentId: string) => office.stripe!.requests.filter((request) => request.path === `/v1/payment_intents/${paymentId}/confirm`);

describe('buying again in one reply', () => {
  it('offers YES with the saved card beside the link, charges it off-session on YES, and sends the tickets once Stripe confirms', async () => {
    const phone = await returningCustomer();
    const started = Date.now();
    const { reply, order } = await holdAgain(phone);
    expect(reply).toMatch(/Pay within \d+ min\. Reply YES to pay \$[\d,.]+ with Visa ending 4242, or open https:\/\/tickets\.example\.test\/p\/BX-/);
    expect(order.cardPayment).toMatchObject({ status: 'offered', brand: 'visa', last4: '4242' });

    expect(await say(phone, 'YES')).toMatch(new RegExp(`^Paying \\$[\\d,.]+ with Visa ending 4242\\. Your tickets follow in a moment \\(order ${order.id}\\)\\.$`));
    // The page was closed first, so it cannot be paid as well.
    expect(office.stripe!.sessions.get(order.stripeSessionId!)!.status).toBe('expired');
    const [intent] = intentsFor(order.id);
    expect(intent).toMatchObject({ status: 'succeeded', amount: order.amount, currency: order.currency.toLowerCase(), metadata: { reference: order.id, kind: 'tickets' } });
    expect(confirmsOf(intent!.id)).toHaveLength(1);
    expect(confirmsOf(intent!.id)[0]!.body).toMatchObject({ off_session: 'true' });
    // Made under a key of the order, so a retry or a second YES finds the same payment.
    const made = office.stripe!.requests.filter((request) => request.path === '/v1/payment_intents' && request.idempotencyKey === `card-${order.id}`);
    expect(made).toHaveLength(1);

    // Stripe also says the session expired: that is our own closing, and ends nothing.
    expect((await deliverSession(order, 'checkout.session.expired')).returnvalue).toBe('ignored');
    expect((await deliverPayment(intent!.id)).returnvalue).toBe('fulfilled');
    const paid = await staffOrder(office, order.id);
    expect(paid).toMatchObject({ state: 'fulfilled', paidWith: 'saved_card', cardPayment: { status: 'charging', paymentId: intent!.id } });
    const tickets = await eventually(async () => smsTo(office, phone).find((text) => text.includes(paid.tickets[0]!)), 10_000, 'the tickets text');
    const seconds = (Date.now() - started) / 1000;
    for (const code of paid.tickets) expect(tickets).toContain(code);
    // Two messages from the customer: the purchase and YES.
    expect(seconds).toBeGreaterThan(0);
    console.log(`paying by reply: 2 customer messages, ${seconds.toFixed(2)} s from the purchase text to the tickets text`);

    // Another event about the same payment changes nothing.
    expect((await deliverPayment(intent!.id)).returnvalue).toBe('already_fulfilled');
    expect((await staffOrder(office, order.id)).timeline.filter((entry) => entry.to === 'fulfilled')).toHaveLength(1);

    // Staff see how it was paid.
    expect(await say(STAFF_PHONE, `order ${order.id}`)).toContain(`Paid by reply with Visa ending 4242 (${intent!.id}).`);

    // A refund pays back that same payment.
    const refund = await staffRefund(office, order.id, {});
    expect(refund.status).toBe(202);
    const [asked] = refundPosts(office, order.id);
    expect(asked!.body).toMatchObject({ payment_intent: intent!.id, amount: String(order.amount) });
  });

  it('charges once for a YES sent twice', async () => {
    const phone = await returningCustomer();
    const { order } = await holdAgain(phone);
    // Two at once, as a double tap sends them, and one more after.
    const replies = await Promise.all([say(phone, 'YES'), say(phone, 'yes')]);
    expect(replies.filter((reply) => reply.startsWith('Paying '))).toHaveLength(1);
    expect(replies.filter((reply) => reply.startsWith('Already paying '))).toHaveLength(1);
    expect(await say(phone, 'yes please')).toBe(`Already paying with Visa ending 4242: your tickets for order ${order.id} follow in a moment.`);
    const intents = intentsFor(order.id);
    expect(intents).toHaveLength(1);
    expect(confirmsOf(intents[0]!.id)).toHaveLength(1);
  });

  it('does not charge the card when the link was paid first', async () => {
    const phone = await returningCustomer();
    const { order } = await holdAgain(phone);
    office.stripe!.markPaid(order.stripeSessionId!);
    expect(await say(phone, 'YES')).toBe(`Order ${order.id} was already paid on the payment page, so your card was not charged. Your tickets follow.`);
    // Made while the page was being closed, never confirmed, and cancelled.
    const intents = intentsFor(order.id);
    expect(intents.map((intent) => intent.status)).toEqual(['canceled']);
    expect(confirmsOf(intents[0]!.id)).toEqual([]);
    expect((await deliverSession(order)).returnvalue).toBe('fulfilled');
    expect(await staffOrder(office, order.id)).toMatchObject({ state: 'fulfilled', paidWith: 'checkout' });
    expect(await say(STAFF_PHONE, `order ${order.id}`)).toContain('Paid on the payment page.');
  });

  it('tells a declined customer, keeps the hold, and the same link pays on a new page', async () => {
    const phone = await returningCustomer();
    const { order } = await holdAgain(phone);
    const held = await sectionInventory(office, '101', order.eventId);
    office.stripe!.nextCharges('card_declined');
    const reply = await say(phone, 'YES');
    expect(reply).toBe(`Visa ending 4242 was declined, so nothing was charged. Your seats are still held: pay another way on the payment page: https://tickets.example.test${payLinkPath(order)}`);
    const [intent] = intentsFor(order.id);
    // Cancelled, so nothing can charge it later.
    expect(intent!.status).toBe('canceled');
    const after = await staffOrder(office, order.id);
    expect(after).toMatchObject({ state: 'awaiting_payment', cardPayment: { status: 'refused', code: 'card_declined', paymentId: intent!.id } });
    expect(after.stripeSessionId).not.toBe(order.stripeSessionId);
    expect((await sectionInventory(office, '101', order.eventId)).held).toBe(held.held);

    // The pay link now opens the new page; the old one's expiry, and the failed payment's event, end nothing.
    const opened = await fetch(`${office.url}${payLinkPath(order)}`, { redirect: 'manual' });
    expect(opened.headers.get('location')).toBe(after.checkoutUrl);
    expect((await deliverSession(order, 'checkout.session.expired')).returnvalue).toBe('ignored');
    expect((await deliverPayment(intent!.id, 'payment_intent.payment_failed')).returnvalue).toBe('ignored');
    // A second YES does not try the card again.
    expect(await say(phone, 'YES')).toMatch(/^Visa ending 4242 was declined/);
    expect(confirmsOf(intent!.id)).toHaveLength(1);

    office.stripe!.markPaid(after.stripeSessionId!);
    expect((await deliverSession(after)).returnvalue).toBe('fulfilled');
    expect(await staffOrder(office, order.id)).toMatchObject({ state: 'fulfilled', paidWith: 'checkout' });
  });

  it.each(['authentication_required', 'requires_action'] as const)('sends a customer whose bank wants to confirm (%s) to the payment page, and never charges twice', async (answer) => {
    const phone = await returningCustomer();
    const { order } = await holdAgain(phone);
    office.stripe!.nextCharges(answer);
    expect(await say(phone, 'YES')).toBe(
      `Your bank wants to confirm this payment with you, so Visa ending 4242 was not charged. Your seats are still held: pay and confirm on the payment page: https://tickets.example.test${payLinkPath(order)}`,
    );
    const intents = intentsFor(order.id);
    expect(intents.map((intent) => intent.status)).toEqual(['canceled']);
    expect(await staffOrder(office, order.id)).toMatchObject({ state: 'awaiting_payment', cardPayment: { status: 'refused', code: 'authentication_required' } });
  });

  it('finds a payment whose webhook never came, and fulfils it once', async () => {
    const phone = await returningCustomer();
    const { order } = await holdAgain(phone);
    await say(phone, 'YES');
    const [intent] = intentsFor(order.id);
    expect(intent!.status).toBe('succeeded');
    const { reconcile } = createWorkerServices(office.foundation);
    const run = (now: number) => processReconcile({}, { ...reconcile, log: pino({ level: 'silent' }), now: () => now });

    // Earlier tests' YESes whose webhook was never posted are found too.
    const first = await run(Date.now() + 11 * MINUTE);
    expect(first.fulfilled).toBeGreaterThanOrEqual(1);
    const paid = await staffOrder(office, order.id);
    expect(paid).toMatchObject({ state: 'fulfilled', paidWith: 'saved_card' });
    await eventually(async () => smsTo(office, phone).find((text) => text.includes(paid.tickets[0]!)), 10_000, 'the tickets text');
    // Late, the webhook finds it done.
    expect((await deliverPayment(intent!.id)).returnvalue).toBe('already_fulfilled');
    expect((await run(Date.now() + 30 * MINUTE)).fulfilled).toBe(0);
    expect((await staffOrder(office, order.id)).timeline.filter((entry) => entry.to === 'paid')).toHaveLength(1);
  });

  it('looks again at a payment still processing, and sells once the bank settles it', async () => {
    const phone = await returningCustomer();
    const { order } = await holdAgain(phone);
    office.stripe!.nextCharges('processing');
    expect(await say(phone, 'YES')).toMatch(/^Paying /);
    const [intent] = intentsFor(order.id);
    expect((await deliverPayment(intent!.id, 'payment_intent.processing')).returnvalue).toBe('noted');
    expect((await staffOrder(office, order.id)).state).toBe('awaiting_payment');
    const { reconcile } = createWorkerServices(office.foundation);
    const summary = await processReconcile({}, { ...reconcile, log: pino({ level: 'silent' }), now: () => Date.now() + 11 * MINUTE });
    expect(summary.fulfilled).toBe(0);
    expect((await staffOrder(office, order.id)).state).toBe('awaiting_payment');

    office.stripe!.settlePayment(intent!.id, 'succeeded');
    expect((await deliverPayment(intent!.id)).returnvalue).toBe('fulfilled');
  });

  it('tells the customer when a processing payment fails later, and puts the payment page back', async () => {
    const phone = await returningCustomer();
    const { order } = await holdAgain(phone);
    office.stripe!.nextCharges('processing');
    await say(phone, 'YES');
    const [intent] = intentsFor(order.id);
    office.stripe!.settlePayment(intent!.id, 'requires_payment_method');
    expect((await deliverPayment(intent!.id, 'payment_intent.payment_failed')).returnvalue).toBe('noted');
    const after = await staffOrder(office, order.id);
    expect(after).toMatchObject({ state: 'awaiting_payment', cardPayment: { status: 'refused' } });
    expect(office.stripe!.sessions.get(after.stripeSessionId!)!.status).toBe('open');
    const told = await eventually(async () => smsTo(office, phone).find((text) => text.startsWith(`Order ${order.id}: Visa ending 4242 was not charged`)), 10_000, 'the card_refused text');
    expect(told).toBe(`Order ${order.id}: Visa ending 4242 was not charged (the bank declined it). Your seats are still held: pay here https://tickets.example.test${payLinkPath(order)}`);
  });

  it.each([
    ['confirming the payment', /\/confirm$/],
    ['closing the page', /\/expire$/],
  ])('tells the customer when Stripe fails %s, and reconciliation puts one payment page back without charging', async (_step, failing) => {
    const phone = await returningCustomer();
    const { order } = await holdAgain(phone);
    office.stripe!.failNext(500, { type: 'api_error', message: 'Something went wrong on our end.' }, { method: 'POST', path: failing });
    expect(await say(phone, 'YES')).toBe(`Your card payment for order ${order.id} couldn't be finished just now. Your seats stay held, and we'll text you as soon as we know how it went.`);
    const [intent] = intentsFor(order.id);
    expect(intent!.status).toBe('requires_confirmation');
    expect(await staffOrder(office, order.id)).toMatchObject({ state: 'awaiting_payment', cardPayment: { status: 'charging', paymentId: intent!.id } });
    // A YES meanwhile does not try again.
    expect(await say(phone, 'YES')).toMatch(/^Already paying/);

    const { reconcile } = createWorkerServices(office.foundation);
    await processReconcile({}, { ...reconcile, log: pino({ level: 'silent' }), now: () => Date.now() + 11 * MINUTE });
    expect(office.stripe!.paymentIntents.get(intent!.id)!.status).toBe('canceled');
    const after = await staffOrder(office, order.id);
    expect(after).toMatchObject({ state: 'awaiting_payment', cardPayment: { status: 'refused', code: 'not_completed' } });
    expect(office.stripe!.sessions.get(after.stripeSessionId!)!.status).toBe('open');
    // The first page is closed, whichever step failed: one page can take the payment.
    expect(office.stripe!.sessions.get(order.stripeSessionId!)!.status).toBe('expired');
    await eventually(async () => smsTo(office, phone).find((text) => text === `Order ${order.id}: Visa ending 4242 was not charged (the payment could not be finished). Your seats are still held: pay here https://tickets.example.test${payLinkPath(order)}`), 10_000, 'the card_refused text');
  });

  it('charges nothing once the card is forgotten, and the link still pays', async () => {
    const phone = await returningCustomer();
    const { order } = await holdAgain(phone);
    expect(await say(phone, 'forget my card')).toMatch(/^Done: Visa ending 4242 is removed/);
    expect(await say(phone, 'YES')).toBe(`No card is saved for paying by reply any more, so nothing was charged. Your seats are still held: pay on the payment page: https://tickets.example.test${payLinkPath(order)}`);
    expect(intentsFor(order.id)).toEqual([]);
    expect(office.stripe!.sessions.get(order.stripeSessionId!)!.status).toBe('open');
    // The next hold offers no card.
    const next = await say(phone, '1 ticket lakers section 102');
    expect(next).not.toContain('YES');
  });

  it('offers it in Spanish, and SI pays', async () => {
    const phone = await returningCustomer();
    const reply = await say(phone, 'quiero 2 boletos para hozier seccion 101');
    expect(reply).toMatch(/Responda SI para pagar \$[\d,.]+ con Visa terminada en 4242, o pague aqui https:\/\/tickets\.example\.test\/p\/BX-/);
    expect(await say(phone, 'si')).toMatch(/^Pagando \$[\d,.]+ con Visa terminada en 4242\. Sus boletos llegan en un momento/);
  });

  it('refuses a card payment that is not for the order\'s amount, and flags it for staff', async () => {
    const phone = await returningCustomer();
    const { order } = await holdAgain(phone);
    office.stripe!.nextCharges('processing');
    await say(phone, 'YES');
    const [intent] = intentsFor(order.id);
    // Settled at Stripe for another amount than the order's (a tampered or mistaken payment).
    const settled = office.stripe!.settlePayment(intent!.id, 'succeeded');
    Object.assign(settled, { amount: 100, amount_received: 100 });
    expect((await deliverPayment(intent!.id)).returnvalue).toBe('refused');
    expect((await staffOrder(office, order.id)).state).toBe('awaiting_payment');
    expect((await office.foundation.commerce.attention.of(order.id)).map((flag) => flag.kind)).toEqual(['payment_mismatch']);
    // The payment behind a Checkout Session carries our ids too; its session's events speak for it, so its own event is ignored.
    const first = (await office.foundation.commerce.orders.listByCustomer('sms', phone)).find((other) => other.paidWith === 'checkout')!;
    const pagePayment = office.stripe!.sessions.get(first.stripeSessionId!)!.payment_intent!;
    expect((await deliverPayment(pagePayment)).returnvalue).toBe('ignored');
  });

  it('reads a YES with nothing offered as any other word', async () => {
    const phone = newPhone();
    expect(await say(phone, 'YES')).toMatch(/^Hi! This is the Box Office\./);
  });
});
