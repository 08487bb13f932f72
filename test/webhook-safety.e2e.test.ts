// The rules that keep money and seats safe (DESIGN.md), checked from outside:
// only signed webhooks are read; Stripe events are taken once whatever the
// duplicates, order or timing; Stripe's word on a session beats the event
// body; failures of Stripe or Twilio never sell, hold or lose a seat; and
// odd texts get a plain answer and hold nothing.
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startBoxOffice, TEST_PUBLIC_BASE_URL, TEST_STRIPE, type BoxOffice } from './support/box-office.harness.js';
import {
  allCounts,
  inboundSmsParams,
  jobEnd,
  newPhone,
  payLinkIn,
  payLinkPath,
  postTwilioForm,
  sectionInventory,
  smsTo,
  staffOrder,
  textBoxOffice,
  twilioRequestsFor,
  twilioSignature,
} from './support/sms.client.js';
import { postStripeEvent, sessionEvent, stripeEvent } from './support/stripe-events.js';
import { createSessionAtStripe } from './support/stripe-api.server.js';

let office: BoxOffice;

beforeAll(async () => {
  office = await startBoxOffice();
});

afterAll(async () => {
  await office?.stop();
});

/** Holds seats by text and returns the order id and its Checkout Session id. */
async function holdSeats(from: string, text = '2 tickets lakers section 101'): Promise<{ orderId: string; sessionId: string }> {
  const reply = await textBoxOffice(office, from, text);
  expect(reply.status).toBe(200);
  const link = payLinkIn(reply.messages.join('\n'));
  expect(link, `a pay link in ${JSON.stringify(reply.messages)}`).toBeDefined();
  const order = await staffOrder(office, link!.orderId);
  expect(order.state).toBe('awaiting_payment');
  return { orderId: order.id, sessionId: order.stripeSessionId! };
}

async function orderState(orderId: string): Promise<string> {
  return (await staffOrder(office, orderId)).state;
}

async function untilState(orderId: string, state: string) {
  return eventually(async () => {
    const order = await staffOrder(office, orderId);
    return order.state === state ? order : undefined;
  }, 10_000, `order ${orderId} ${state}`);
}

/** Delivers a checkout.session.* event for the session as Stripe holds it and waits for the worker to finish with it. */
async function deliver(type: string, sessionId: string, eventId?: string) {
  const event = sessionEvent(office, type, sessionId, eventId);
  const delivery = await postStripeEvent(office, event);
  expect(delivery.status).toBe(200);
  return jobEnd(office, 'payments', event.id);
}

describe('Twilio webhook signatures', () => {
  it('refuses a forged signature: 403, no reply, nothing held', async () => {
    const from = newPhone();
    const before = await allCounts(office);
    const params = inboundSmsParams(from, '2 tickets lakers section 101');
    const forged = twilioSignature({ ...params, Body: 'something else' });

    const reply = await postTwilioForm(office, params, { signature: forged });

    expect(reply.status).toBe(403);
    expect(reply.messages).toEqual([]);
    expect(await allCounts(office)).toEqual(before);
  });

  it('refuses a request with no signature', async () => {
    const before = await allCounts(office);
    const reply = await postTwilioForm(office, inboundSmsParams(newPhone(), '2 tickets lakers section 101'), { signature: null });
    expect(reply.status).toBe(403);
    expect(reply.messages).toEqual([]);
    expect(await allCounts(office)).toEqual(before);
  });

  it('refuses a signature computed for another URL', async () => {
    const before = await allCounts(office);
    const params = inboundSmsParams(newPhone(), '2 tickets lakers section 101');
    for (const url of [`${office.url}/sms/inbound`, `${TEST_PUBLIC_BASE_URL}/sms/status`, 'https://evil.example.test/sms/inbound']) {
      const reply = await postTwilioForm(office, params, { signature: twilioSignature(params, url) });
      expect(reply.status, url).toBe(403);
      expect(reply.messages).toEqual([]);
    }
    expect(await allCounts(office)).toEqual(before);
  });

  it('checks the signature on delivery status callbacks too', async () => {
    const params = { MessageSid: 'SM0123456789abcdef0123456789abcdef', MessageStatus: 'delivered', AccountSid: 'AC00', To: newPhone() };
    const forged = await postTwilioForm(office, params, { path: '/sms/status', signature: twilioSignature({ ...params, MessageStatus: 'failed' }, `${TEST_PUBLIC_BASE_URL}/sms/status`) });
    const missing = await postTwilioForm(office, params, { path: '/sms/status', signature: null });
    const signed = await postTwilioForm(office, params, { path: '/sms/status' });
    expect(forged.status).toBe(403);
    expect(missing.status).toBe(403);
    expect(signed.status).toBe(204);
  });

  it('answers 400 to a signed request without a From number', async () => {
    const { From: _from, ...params } = inboundSmsParams(newPhone(), '2 tickets lakers section 101');
    const before = await allCounts(office);
    const reply = await postTwilioForm(office, params);
    expect(reply.status).toBe(400);
    expect(reply.messages).toEqual([]);
    expect(await allCounts(office)).toEqual(before);
  });

  it('answers 400 to a signed request whose body is not a Twilio form', async () => {
    const before = await allCounts(office);
    const response = await fetch(`${office.url}/sms/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-twilio-signature': twilioSignature({}) },
      body: JSON.stringify({ From: newPhone(), Body: '2 tickets lakers section 101' }),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).not.toContain('<Message>');
    expect(await allCounts(office)).toEqual(before);
  });
});

describe('Stripe webhook signatures', () => {
  it('refuses forged, missing and stale signatures: 400, nothing queued, the order does not move', async () => {
    const { orderId, sessionId } = await holdSeats(newPhone());
    office.stripe!.markPaid(sessionId);
    const before = await allCounts(office);

    const forged = sessionEvent(office, 'checkout.session.completed', sessionId);
    const unsigned = sessionEvent(office, 'checkout.session.completed', sessionId);
    const stale = sessionEvent(office, 'checkout.session.completed', sessionId);
    const tampered = sessionEvent(office, 'checkout.session.completed', sessionId);
    const goodHeader = Stripe.webhooks.generateTestHeaderString({ payload: JSON.stringify(tampered), secret: TEST_STRIPE.webhookSecret });
    const deliveries = [
      await postStripeEvent(office, forged, { secret: 'whsec_not_ours' }),
      await postStripeEvent(office, unsigned, { signature: null }),
      await postStripeEvent(office, stale, { timestamp: Math.floor(Date.now() / 1000) - 10 * 60 }),
      // A signature made for other bytes: the body was changed on the way.
      await postStripeEvent(office, JSON.stringify({ ...tampered, type: 'checkout.session.completed', created: tampered.created + 1 }), { signature: goodHeader }),
      await postStripeEvent(office, forged, { signature: 't=123,v1=deadbeef' }),
    ];

    for (const delivery of deliveries) expect(delivery.status).toBe(400);
    for (const event of [forged, unsigned, stale, tampered]) {
      expect(await office.foundation.queues.payments.getJob(event.id)).toBeUndefined();
    }
    expect(await orderState(orderId)).toBe('awaiting_payment');
    expect(await allCounts(office)).toEqual(before);
  });
});

describe('duplicate and concurrent Stripe events', () => {
  it('takes the same event delivered twice at once only once', async () => {
    const customer = newPhone();
    const { orderId, sessionId } = await holdSeats(customer);
    const before = await sectionInventory(office, '101');
    office.stripe!.markPaid(sessionId);
    const event = sessionEvent(office, 'checkout.session.completed', sessionId);

    const deliveries = await Promise.all([postStripeEvent(office, event), postStripeEvent(office, event)]);
    for (const delivery of deliveries) expect(delivery.status).toBe(200);

    const order = await untilState(orderId, 'fulfilled');
    await jobEnd(office, 'payments', event.id);
    await jobEnd(office, 'notifications', `tickets-${orderId}`);
    expect(order.tickets).toHaveLength(2);
    const after = await sectionInventory(office, '101');
    expect(after.sold - before.sold).toBe(2);
    expect(after.held - before.held).toBe(-2);
    expect(smsTo(office, customer)).toHaveLength(1);
  });

  it('fulfils once when two different events for one paid session arrive together', async () => {
    const customer = newPhone();
    const { orderId, sessionId } = await holdSeats(customer);
    const before = await sectionInventory(office, '101');
    office.stripe!.markPaid(sessionId);
    const completed = sessionEvent(office, 'checkout.session.completed', sessionId);
    const succeeded = sessionEvent(office, 'checkout.session.async_payment_succeeded', sessionId);
    const redelivered = sessionEvent(office, 'checkout.session.completed', sessionId);

    const deliveries = await Promise.all([completed, succeeded, redelivered].map((event) => postStripeEvent(office, event)));
    for (const delivery of deliveries) expect(delivery.status).toBe(200);
    for (const event of [completed, succeeded, redelivered]) expect((await jobEnd(office, 'payments', event.id)).state).toBe('completed');
    await jobEnd(office, 'notifications', `tickets-${orderId}`);

    const order = await staffOrder(office, orderId);
    expect(order.state).toBe('fulfilled');
    expect(order.tickets).toHaveLength(2);
    expect(order.timeline.filter((entry) => entry.to === 'fulfilled')).toHaveLength(1);
    const after = await sectionInventory(office, '101');
    expect(after.sold - before.sold).toBe(2);
    expect(after.held - before.held).toBe(-2);
    const texts = smsTo(office, customer);
    expect(texts).toHaveLength(1);
    for (const code of order.tickets) expect(texts[0]).toContain(code);
  });
});

describe('expiry', () => {
  it('releases the seats of an expired session and tells the customer once', async () => {
    const customer = newPhone();
    const before = await sectionInventory(office, '101');
    const { orderId, sessionId } = await holdSeats(customer);
    expect((await sectionInventory(office, '101')).held - before.held).toBe(2);
    office.stripe!.setSession(sessionId, { status: 'expired', url: null });

    expect((await deliver('checkout.session.expired', sessionId)).state).toBe('completed');
    // Stripe may send it again under another id.
    expect((await deliver('checkout.session.expired', sessionId)).state).toBe('completed');
    await jobEnd(office, 'notifications', `hold_expired-${orderId}`);

    expect(await orderState(orderId)).toBe('expired');
    const after = await sectionInventory(office, '101');
    expect(after.held).toBe(before.held);
    expect(after.sold).toBe(before.sold);
    const texts = smsTo(office, customer);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain(orderId);
    expect(texts[0]).toMatch(/released/);

    // The link now says what happened instead of sending the customer to pay.
    const link = await fetch(`${office.url}${payLinkPath(await staffOrder(office, orderId))}`, { redirect: 'manual' });
    expect(link.status).toBe(410);
  });

  it('changes nothing on an expired event for a session Stripe says is still open', async () => {
    const customer = newPhone();
    const { orderId, sessionId } = await holdSeats(customer);
    const before = await allCounts(office);
    const event = stripeEvent('checkout.session.expired', { ...office.stripe!.sessions.get(sessionId)!, status: 'expired' });

    expect((await postStripeEvent(office, event)).status).toBe(200);
    expect((await jobEnd(office, 'payments', event.id)).state).toBe('completed');

    expect(await orderState(orderId)).toBe('awaiting_payment');
    expect(await allCounts(office)).toEqual(before);
    expect(smsTo(office, customer)).toEqual([]);
  });

  it('sells nothing when a completed event arrives after expiry for a session that was never paid', async () => {
    const customer = newPhone();
    const { orderId, sessionId } = await holdSeats(customer);
    office.stripe!.setSession(sessionId, { status: 'expired', url: null });
    await deliver('checkout.session.expired', sessionId);
    await jobEnd(office, 'notifications', `hold_expired-${orderId}`);
    const before = await allCounts(office);

    // The body claims it was paid; Stripe says otherwise.
    const late = stripeEvent('checkout.session.completed', { ...office.stripe!.sessions.get(sessionId)!, status: 'complete', payment_status: 'paid' });
    expect((await postStripeEvent(office, late)).status).toBe(200);
    expect((await jobEnd(office, 'payments', late.id)).state).toBe('completed');

    const order = await staffOrder(office, orderId);
    expect(order.state).toBe('expired');
    expect(order.tickets).toEqual([]);
    expect(await allCounts(office)).toEqual(before);
    expect(smsTo(office, customer)).toHaveLength(1); // the expiry notice only
  });
});

describe('Stripe has the last word on a session', () => {
  it('fulfils when an expired event arrives for a session Stripe says was paid', async () => {
    const customer = newPhone();
    const { orderId, sessionId } = await holdSeats(customer);
    const before = await sectionInventory(office, '101');
    office.stripe!.markPaid(sessionId);
    const event = stripeEvent('checkout.session.expired', { ...office.stripe!.sessions.get(sessionId)!, status: 'expired', payment_status: 'unpaid' });

    expect((await postStripeEvent(office, event)).status).toBe(200);
    await jobEnd(office, 'payments', event.id);
    await jobEnd(office, 'notifications', `tickets-${orderId}`);

    expect(await orderState(orderId)).toBe('fulfilled');
    expect((await sectionInventory(office, '101')).sold - before.sold).toBe(2);
    expect(smsTo(office, customer)).toHaveLength(1);
  });

  it('changes nothing and tells the customer nothing when a completed event names a session Stripe says is still open', async () => {
    const customer = newPhone();
    const { orderId, sessionId } = await holdSeats(customer);
    const before = await allCounts(office);
    // The body says paid; Stripe, asked by the worker, says open and unpaid.
    const event = stripeEvent('checkout.session.completed', { ...office.stripe!.sessions.get(sessionId)!, status: 'complete', payment_status: 'paid' });

    expect((await postStripeEvent(office, event)).status).toBe(200);
    expect((await jobEnd(office, 'payments', event.id)).state).toBe('completed');

    const order = await staffOrder(office, orderId);
    expect(order.state).toBe('awaiting_payment');
    expect(order.timeline.some((entry) => entry.cause === `stripe:${event.id}`)).toBe(false);
    expect(await office.foundation.queues.notifications.getJob(`payment_pending-${orderId}`)).toBeUndefined();
    expect(await allCounts(office)).toEqual(before);
    expect(smsTo(office, customer)).toEqual([]);
  });

  it('keeps the seats held and says the payment is processing when checkout completed with the money still on its way', async () => {
    const customer = newPhone();
    const { orderId, sessionId } = await holdSeats(customer);
    const before = await allCounts(office);
    office.stripe!.setSession(sessionId, { status: 'complete', payment_status: 'unpaid', url: null });

    await deliver('checkout.session.completed', sessionId);
    await deliver('checkout.session.completed', sessionId);
    await jobEnd(office, 'notifications', `payment_pending-${orderId}`);

    expect(await orderState(orderId)).toBe('awaiting_payment');
    expect(await allCounts(office)).toEqual(before);
    const texts = smsTo(office, customer);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toMatch(/processing/);

    // The money arrives.
    office.stripe!.markPaid(sessionId);
    await deliver('checkout.session.async_payment_succeeded', sessionId);
    await jobEnd(office, 'notifications', `tickets-${orderId}`);
    expect(await orderState(orderId)).toBe('fulfilled');
    expect(smsTo(office, customer)).toHaveLength(2);
  });

  it('retries when Stripe cannot be reached from the worker, then fulfils once', async () => {
    const customer = newPhone();
    const { orderId, sessionId } = await holdSeats(customer);
    const before = await sectionInventory(office, '101');
    office.stripe!.markPaid(sessionId);
    office.stripe!.failNext(503, { type: 'api_error', message: 'Service unavailable' }, { method: 'GET', path: /^\/v1\/checkout\/sessions\// });

    const end = await deliver('checkout.session.completed', sessionId);
    await jobEnd(office, 'notifications', `tickets-${orderId}`);

    expect(end.state).toBe('completed');
    expect(end.attemptsMade).toBe(2);
    expect(await orderState(orderId)).toBe('fulfilled');
    expect((await sectionInventory(office, '101')).sold - before.sold).toBe(2);
    expect(smsTo(office, customer)).toHaveLength(1);
  });

  it('sells nothing for a payment Stripe reports after the hold ended, and refunds it', async () => {
    const customer = newPhone();
    const { orderId, sessionId } = await holdSeats(customer);
    office.stripe!.setSession(sessionId, { status: 'expired', url: null });
    await deliver('checkout.session.expired', sessionId);
    await jobEnd(office, 'notifications', `hold_expired-${orderId}`);
    const before = await allCounts(office);

    // However unlikely, Stripe now says the session was paid.
    office.stripe!.markPaid(sessionId);
    await deliver('checkout.session.completed', sessionId);

    const order = await staffOrder(office, orderId);
    expect(order.state).toBe('expired');
    expect(order.tickets).toEqual([]);
    expect(order.timeline.some((entry) => entry.cause.startsWith('late-payment-refund:') && /refunded/.test(entry.note ?? ''))).toBe(true);
    expect(await allCounts(office)).toEqual(before);
    await jobEnd(office, 'notifications', `late_payment_refunded-${orderId}`);
    const texts = smsTo(office, customer);
    expect(texts).toHaveLength(2); // the expiry notice, then the refund: no tickets
    expect(texts[1]).toMatch(/refunded/);
  });
});

describe('events that are not for one of our orders', () => {
  it('acknowledges an event for an unknown session, then fails the job without retrying and moves nothing', async () => {
    const before = await allCounts(office);
    const event = stripeEvent('checkout.session.completed', {
      id: 'cs_test_not_on_this_account',
      object: 'checkout.session',
      status: 'complete',
      payment_status: 'paid',
      client_reference_id: 'BX-2345',
      metadata: { reference: 'BX-2345', kind: 'tickets' },
    });

    expect((await postStripeEvent(office, event)).status).toBe(200);
    const end = await jobEnd(office, 'payments', event.id);

    expect(end.state).toBe('failed');
    expect(end.attemptsMade).toBe(1);
    expect(await allCounts(office)).toEqual(before);
  });

  it('does not trust our ids in an event body when the session at Stripe does not carry them', async () => {
    const { orderId, sessionId: ourSession } = await holdSeats(newPhone());
    // A session someone else created on the account, paid, with none of our metadata.
    const foreign = await createSessionAtStripe(office.stripe!.url, TEST_STRIPE.secretKey);
    office.stripe!.markPaid(foreign);
    const before = await allCounts(office);

    // The body is dressed up with our order's ids; the worker asks Stripe instead.
    const event = stripeEvent('checkout.session.completed', {
      ...office.stripe!.sessions.get(foreign)!,
      client_reference_id: orderId,
      metadata: { reference: orderId, kind: 'tickets' },
    });
    expect((await postStripeEvent(office, event)).status).toBe(200);
    const end = await jobEnd(office, 'payments', event.id);

    expect(end.state).toBe('failed');
    expect(end.attemptsMade).toBe(1);
    expect(await orderState(orderId)).toBe('awaiting_payment');
    expect(office.stripe!.sessions.get(ourSession)!.payment_status).toBe('unpaid');
    expect(await allCounts(office)).toEqual(before);
  });

  it('moves nothing for a paid session that names an order we never issued', async () => {
    const sessionId = await createSessionAtStripe(office.stripe!.url, TEST_STRIPE.secretKey, { client_reference_id: 'BX-ZZZZ', 'metadata[reference]': 'BX-ZZZZ', 'metadata[kind]': 'tickets' });
    office.stripe!.markPaid(sessionId);
    const before = await allCounts(office);

    const end = await deliver('checkout.session.completed', sessionId);

    expect(end.state).toBe('failed');
    expect(end.attemptsMade).toBe(1);
    expect(end.failedReason).toMatch(/unknown order/);
    expect(await allCounts(office)).toEqual(before);
  });

  it('acknowledges and ignores an event of an unrelated type', async () => {
    const before = await allCounts(office);
    const event = stripeEvent('customer.created', { id: 'cus_TestCustomer01', object: 'customer', email: null, metadata: {} });

    const delivery = await postStripeEvent(office, event);
    expect(delivery.status).toBe(200);
    const end = await jobEnd(office, 'payments', event.id);

    expect(end.state).toBe('completed');
    expect(end.returnvalue).toBe('ignored');
    expect(await allCounts(office)).toEqual(before);
  });
});

describe('when Stripe or Twilio fail', () => {
  it('tells the customer plainly and lets the seats go when Stripe cannot open a payment page', async () => {
    const customer = newPhone();
    const before = await allCounts(office);
    office.stripe!.failNext(500, { type: 'api_error', message: 'An unknown error occurred' }, { method: 'POST', path: '/v1/checkout/sessions' });

    const reply = await textBoxOffice(office, customer, '2 tickets lakers section 101');

    expect(reply.status).toBe(200);
    expect(reply.messages).toHaveLength(1);
    expect(reply.messages[0]).toMatch(/payment page/i);
    expect(reply.messages[0]).toMatch(/try again/i);
    expect(payLinkIn(reply.messages[0]!)).toBeUndefined();
    expect(reply.messages[0]).not.toContain('/p/');
    expect(await allCounts(office)).toEqual(before);

    // Once Stripe is back, the same customer can buy: the failed try left no hold behind.
    const retry = await textBoxOffice(office, customer, '2 tickets lakers section 101');
    expect(payLinkIn(retry.messages.join('\n'))).toBeDefined();
  });

  it('still fulfils when Twilio refuses the ticket SMS (21610), records it, and does not retry', async () => {
    const customer = newPhone();
    const { orderId, sessionId } = await holdSeats(customer);
    const before = await sectionInventory(office, '101');
    office.twilio.failFor(customer, { code: 21610 });
    office.stripe!.markPaid(sessionId);

    await deliver('checkout.session.completed', sessionId);
    const notice = await jobEnd(office, 'notifications', `tickets-${orderId}`);

    const order = await staffOrder(office, orderId);
    expect(order.state).toBe('fulfilled');
    expect(order.tickets).toHaveLength(2);
    expect((await sectionInventory(office, '101')).sold - before.sold).toBe(2);
    expect(order.timeline.some((entry) => entry.cause === 'notify:tickets:undeliverable' && /21610/.test(entry.note ?? ''))).toBe(true);
    expect(order.timeline.some((entry) => entry.cause === 'notify:tickets')).toBe(false);
    expect(notice.state).toBe('failed');
    expect(notice.attemptsMade).toBe(1);
    expect(twilioRequestsFor(office, customer)).toBe(1);
    expect(smsTo(office, customer)).toEqual([]);
  });
});

describe('odd texts', () => {
  const cases: Array<[string, string, Record<string, string>, RegExp]> = [
    ['an empty message', '', {}, /tell me the event/i],
    ['a picture with no text', '', { NumMedia: '1', MediaUrl0: 'https://api.twilio.com/2010-04-01/Accounts/AC/Messages/MM/Media/ME', MediaContentType0: 'image/jpeg' }, /only read text/i],
    ['a 1,600-character message', `Hello there, ${'I was wondering about things to do this winter. '.repeat(40)}`.slice(0, 1600), {}, /which event/i],
    ['emoji only', '🎟️🎟️🙏', {}, /which event/i],
    ['an absurd quantity', '1000 tickets lakers section 101', {}, /\(1-8\)|up to 8\b/],
    ['zero tickets', '0 tickets', {}, /which event|how many/i],
    ['zero tickets for an event', '0 tickets lakers section 101', {}, /how many tickets/i],
  ];

  it.each(cases)('answers %s with a plain reply and holds nothing', async (_what, body, extra, expected) => {
    const customer = newPhone();
    const before = await allCounts(office);

    const reply = await textBoxOffice(office, customer, body, extra);

    expect(reply.status).toBe(200);
    expect(reply.twiml).toMatch(/<Response>/);
    expect(reply.messages.length).toBeGreaterThanOrEqual(1);
    const text = reply.messages.join('\n');
    expect(text).toMatch(expected);
    expect(text).not.toMatch(/sorry, something went wrong/i);
    expect(payLinkIn(text)).toBeUndefined();
    expect(await allCounts(office)).toEqual(before);
  });

  it('tells a customer who asks for more than the limit what the limit is, and holds nothing', async () => {
    const customer = newPhone();
    const before = await allCounts(office);

    const reply = await textBoxOffice(office, customer, '20 tickets lakers section 101');

    expect(reply.status).toBe(200);
    const text = reply.messages.join('\n');
    expect(text).toMatch(/up to 8 tickets/i);
    expect(payLinkIn(text)).toBeUndefined();
    expect(await allCounts(office)).toEqual(before);
  });
});
