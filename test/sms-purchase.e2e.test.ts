// Buying tickets by text message, end to end: the customer's texts go through
// the signed Twilio webhook, the link leads to a (local) Stripe Checkout
// Session, Stripe's signed webhook goes through the queue to the worker, and
// the tickets come back by SMS through Twilio's REST API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startBoxOffice, TEST_PUBLIC_BASE_URL, TEST_TWILIO, type BoxOffice } from './support/box-office.harness.js';
import {
  jobEnd,
  newPhone,
  payLinkIn,
  sectionInventory,
  smsTo,
  staffOrder,
  textBoxOffice,
} from './support/sms.client.js';
import { postStripeEvent, sessionEvent } from './support/stripe-events.js';

let office: BoxOffice;

beforeAll(async () => {
  office = await startBoxOffice();
});

afterAll(async () => {
  await office?.stop();
});

/** Texts a message that should hold seats; returns the one reply, its link and the order. */
async function buy(from: string, text: string) {
  const reply = await textBoxOffice(office, from, text);
  expect(reply.status).toBe(200);
  expect(reply.messages).toHaveLength(1);
  const link = payLinkIn(reply.messages[0]!);
  expect(link, `a pay link in ${JSON.stringify(reply.messages[0])}`).toBeDefined();
  return { text: reply.messages[0]!, link: link!.url, orderId: link!.orderId };
}

/** The customer pays on Stripe's page and Stripe tells the webhook so. */
async function payFor(orderId: string): Promise<void> {
  const order = await staffOrder(office, orderId);
  office.stripe!.markPaid(order.stripeSessionId!);
  const delivery = await postStripeEvent(office, sessionEvent(office, 'checkout.session.completed', order.stripeSessionId!));
  expect(delivery.status).toBe(200);
}

function fulfilled(orderId: string) {
  return eventually(async () => {
    const order = await staffOrder(office, orderId);
    return order.state === 'fulfilled' ? order : undefined;
  }, 10_000, `order ${orderId} fulfilled`);
}

describe('buying tickets by SMS', () => {
  it('holds two seats, sends a short pay link, and after payment texts the tickets once', async () => {
    const customer = newPhone();
    const before = await sectionInventory(office, '101');

    // The customer texts; the answer comes back as TwiML in the same request.
    const reply = await textBoxOffice(office, customer, '2 tickets for the lakers game section 101');
    expect(reply.status).toBe(200);
    expect(reply.twiml).toMatch(/^<\?xml[^>]*\?><Response><Message>/);
    expect(reply.messages).toHaveLength(1);
    const text = reply.messages[0]!;
    const link = payLinkIn(text);
    expect(link).toBeDefined();
    const orderId = link!.orderId;
    expect(link!.url).toBe(`${TEST_PUBLIC_BASE_URL}/p/${orderId}/${link!.secret}`);
    expect(text).toContain('Section 101');
    expect(text).toContain('$400');
    const promisedSeats = /row [A-Z]+, seats? [\d-]+/.exec(text)?.[0];
    expect(promisedSeats, 'the reply names the row and seats').toBeDefined();

    // The Checkout Session was asked for with our ids, the price and an expiry.
    const creates = office.stripe!.requests.filter((r) => r.method === 'POST' && r.path === '/v1/checkout/sessions' && r.body.client_reference_id === orderId);
    expect(creates).toHaveLength(1);
    const create = creates[0]!;
    const sentAt = Math.floor(Date.now() / 1000);
    expect(create.body).toMatchObject({
      mode: 'payment',
      client_reference_id: orderId,
      metadata: { reference: orderId },
      line_items: [{ quantity: '2', price_data: { currency: 'usd', unit_amount: '20000' } }],
    });
    const expiresIn = Number(create.body.expires_at) - sentAt;
    expect(expiresIn).toBeGreaterThanOrEqual(30 * 60 - 5);
    expect(expiresIn).toBeLessThanOrEqual(35 * 60);
    expect(String(create.body.success_url).startsWith(`${TEST_PUBLIC_BASE_URL}/`)).toBe(true);
    expect(String(create.body.cancel_url).startsWith(`${TEST_PUBLIC_BASE_URL}/`)).toBe(true);
    expect(create.idempotencyKey).toBeDefined();
    expect(create.idempotencyKey).toContain(orderId);

    // The short link leads to Stripe's page.
    const order = await staffOrder(office, orderId);
    const session = office.stripe!.sessions.get(order.stripeSessionId!)!;
    const redirect = await fetch(`${office.url}${link!.path}`, { redirect: 'manual' });
    expect(redirect.status).toBe(303);
    expect(redirect.headers.get('location')).toBe(session.url);

    // Two seats are held and none sold yet.
    const held = await sectionInventory(office, '101');
    expect(held.held - before.held).toBe(2);
    expect(held.sold - before.sold).toBe(0);
    expect(held.available - before.available).toBe(-2);

    await payFor(orderId);

    const done = await fulfilled(orderId);
    expect(done.tickets).toHaveLength(2);
    const after = await sectionInventory(office, '101');
    expect(after.sold - before.sold).toBe(2);
    expect(after.held - before.held).toBe(0);

    // Exactly one text with the tickets, from the box office number.
    const ticketTexts = await eventually(async () => {
      const sent = office.twilio.messages.filter((m) => m.to === customer);
      return sent.length > 0 ? sent : undefined;
    }, 10_000, 'the ticket SMS');
    await jobEnd(office, 'notifications', `tickets-${orderId}`);
    expect(office.twilio.messages.filter((m) => m.to === customer)).toHaveLength(1);
    const ticketSms = ticketTexts[0]!;
    expect(ticketSms.from).toBe(TEST_TWILIO.fromNumber);
    for (const code of done.tickets) expect(ticketSms.body).toContain(code);
    expect(ticketSms.body).toContain('Section 101');
    expect(ticketSms.body).toContain(promisedSeats!);
    expect(ticketSms.body).toContain(orderId);

    // Asking for the status shows the paid order and its tickets.
    const status = await textBoxOffice(office, customer, 'status');
    expect(status.status).toBe(200);
    const statusText = status.messages.join('\n');
    expect(statusText).toContain(orderId);
    expect(statusText).toMatch(/\bPaid\b/);
    for (const code of done.tickets) expect(statusText).toContain(code);
    expect(payLinkIn(statusText)).toBeUndefined();

    // The link now explains instead of sending the customer to pay again.
    const paidLink = await fetch(`${office.url}${link!.path}`, { redirect: 'manual' });
    expect(paidLink.status).not.toBe(303);
    expect(await paidLink.text()).toContain('is paid');
  });

  it('answers a customer who writes in Spanish in Spanish, over several texts, and texts the tickets in Spanish', async () => {
    const customer = newPhone();
    const sections = await textBoxOffice(office, customer, 'Hola, quiero 2 boletos para los lakers');
    expect(sections.messages).toHaveLength(1);
    expect(sections.messages[0]).toMatch(/^Lakers vs Warriors: ¿qué seccion\?/);
    expect(sections.messages[0]).toMatch(/^3\) Seccion 101 - \$200 \(quedan \d+\)/m);

    // A reply that says nothing of its language ("101") keeps the conversation's.
    const { text, orderId } = await buy(customer, '3');
    expect(text).toMatch(/^Le aparto Seccion 101, fila [A-Z]+, asientos \d+-\d+ para Lakers vs Warriors, [a-z]{3} \d{1,2} [a-z]{3}, 7:30pm/);
    expect(text).toContain('$400 por 2 boletos. Pague en 30 min: ');
    expect(await staffOrder(office, orderId)).toMatchObject({ language: 'es' });

    await payFor(orderId);
    const done = await fulfilled(orderId);
    const [ticketSms] = await eventually(async () => {
      const sent = office.twilio.messages.filter((m) => m.to === customer);
      return sent.length > 0 ? sent : undefined;
    }, 10_000, 'the ticket SMS');
    expect(ticketSms!.body).toMatch(/^¡Pagado, gracias! Lakers vs Warriors, [a-z]{3} \d{1,2} [a-z]{3}, 7:30pm/);
    for (const code of done.tickets) expect(ticketSms!.body).toContain(code);
    expect(ticketSms!.body).toMatch(new RegExp(`\nMuestre sus codigos QR en la entrada: https://tickets\\.example\\.test/t/[A-Za-z0-9_-]{22}\nPedido ${orderId}\\.$`));
  });

  it('walks a customer who only says hi through numbered choices to a held pair of seats', async () => {
    const customer = newPhone();
    const before = await sectionInventory(office, '101');

    const greeting = await textBoxOffice(office, customer, 'hi');
    expect(greeting.status).toBe(200);
    expect(greeting.messages).toHaveLength(1);
    expect(greeting.messages[0]).toMatch(/which event/i);
    expect(greeting.messages[0]).toMatch(/^1\) Lakers vs Warriors/m);
    expect(greeting.messages[0]).toMatch(/^2\) /m);

    const sections = await textBoxOffice(office, customer, '1');
    expect(sections.messages).toHaveLength(1);
    expect(sections.messages[0]).toMatch(/which section/i);
    expect(sections.messages[0]).toMatch(/^1\) Courtside/m);
    expect(sections.messages[0]).toMatch(/^3\) Section 101 - \$200/m);

    const quantity = await textBoxOffice(office, customer, '3');
    expect(quantity.messages).toHaveLength(1);
    expect(quantity.messages[0]).toMatch(/how many tickets/i);
    expect(payLinkIn(quantity.messages[0]!)).toBeUndefined();

    const { text, orderId } = await buy(customer, '2');
    expect(text).toContain('Section 101');
    expect(text).toContain('$400 for 2');

    const order = await staffOrder(office, orderId);
    expect(order).toMatchObject({ state: 'awaiting_payment', sectionId: '101', quantity: 2, customer: { channel: 'sms', address: customer } });
    expect((await sectionInventory(office, '101')).held - before.held).toBe(2);
    // Nothing is sent by REST while the conversation is going on: replies ride on the webhook.
    expect(smsTo(office, customer)).toEqual([]);
  });

  it('picks the cheapest section when the customer asks for the cheapest', async () => {
    const customer = newPhone();
    const before = await sectionInventory(office, 'ga');

    const ask = await textBoxOffice(office, customer, 'cheapest lakers tickets');
    expect(ask.messages).toHaveLength(1);
    expect(ask.messages[0]).toMatch(/how many tickets/i);

    const { text, orderId } = await buy(customer, '2');
    expect(text).toContain('Standing');
    expect(text).toContain('$100 for 2');
    expect(await staffOrder(office, orderId)).toMatchObject({ sectionId: 'ga', quantity: 2, amount: 10000 });
    expect((await sectionInventory(office, 'ga')).held - before.held).toBe(2);
  });

  it('holds the one section under the price the customer names, without asking', async () => {
    const customer = newPhone();
    const { text, orderId } = await buy(customer, '2 lakers tickets under $100');
    expect(text).toContain('Standing');
    expect(await staffOrder(office, orderId)).toMatchObject({ sectionId: 'ga', quantity: 2, unitAmount: 5000 });
  });
});
