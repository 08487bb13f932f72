// The short pay link (/p/…) end to end: customers texting the real
// /sms/inbound, Stripe on the local recording server, the link opened as a
// customer's browser would. Typed order ids span 31^4, so a link that named
// only the order could be found by counting; every link carries a secret.
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { startBoxOffice, type BoxOffice } from './support/box-office.harness.js';
import { newPhone, payLinkIn, smsTo, staffOrder, textBoxOffice, type PayLink } from './support/sms.client.js';
import { buyAndPay } from './support/purchases.js';

let office: BoxOffice;
/** Everything the box office logged. */
let logged = '';

beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      logged += chunk.toString();
      done();
    },
  });
  office = await startBoxOffice({ log: createLogger('info', { format: 'json', destination: sink }) });
});

afterAll(async () => {
  await office?.stop();
});

/** A customer texts for seats and is sent a pay link. */
async function holdBySms(text = '2 tickets lakers section 101'): Promise<{ phone: string; link: PayLink }> {
  const phone = newPhone();
  const reply = await textBoxOffice(office, phone, text);
  const link = payLinkIn(reply.messages.join('\n'));
  expect(link, `a pay link in ${JSON.stringify(reply.messages)}`).toBeDefined();
  return { phone, link: link! };
}

/** What opening a path on the box office shows: status, body and where it sends the browser. */
async function open(path: string): Promise<{ status: number; body: string; location: string | null }> {
  const response = await fetch(`${office.url}${path}`, { redirect: 'manual' });
  return { status: response.status, body: await response.text(), location: response.headers.get('location') };
}

/** The link's path with a secret that is not the one sent. */
function withWrongSecret(link: PayLink): string {
  return `/p/${link.orderId}/${randomBytes(16).toString('base64url')}`;
}

/** A well-formed order id no order has (6-character ids are only drawn after 4- and 5-character ones keep colliding). */
const UNKNOWN_ORDER = '/p/BX-ZZZZZZ';

describe('pay links carry a secret', () => {
  it('sends a link with a secret of at least 96 bits of its own, which Stripe sends the customer back to', async () => {
    const first = await holdBySms();
    const second = await holdBySms('1 ticket lakers section 102');
    for (const { link } of [first, second]) {
      expect(link.secret, `a secret in ${link.url}`).toBeDefined();
      // base64url: 6 bits a character, so 16 characters are 96 bits.
      expect(link.secret).toMatch(/^[A-Za-z0-9_-]{16,}$/);
      expect(link.secret!.toUpperCase()).not.toContain(link.orderId.slice(3));
    }
    expect(first.link.secret).not.toBe(second.link.secret);

    const order = await staffOrder(office, first.link.orderId);
    const create = office.stripe!.requests.find((r) => r.method === 'POST' && r.path === '/v1/checkout/sessions' && r.body.client_reference_id === order.id);
    expect(create?.body.success_url).toBe(`${first.link.url}?paid=1`);
    expect(create?.body.cancel_url).toBe(`${first.link.url}?back=1`);

    const opened = await open(first.link.path);
    expect(opened.status).toBe(303);
    expect(opened.location).toBe(office.stripe!.sessions.get(order.stripeSessionId!)!.url);
  });

  it('answers the order id alone, or a wrong secret, exactly as it answers an order that does not exist', async () => {
    const { link } = await holdBySms();
    const unknown = await open(UNKNOWN_ORDER);
    expect(unknown.status).toBe(404);
    const unknownPaid = await open(`${UNKNOWN_ORDER}?paid=1`);

    const guesses = [`/p/${link.orderId}`, withWrongSecret(link), `/p/${link.orderId}/${link.secret!.slice(0, -1)}`, `/p/${link.orderId}/${link.secret}x`];
    for (const guess of guesses) {
      expect(await open(guess), guess).toEqual(unknown);
      expect(await open(`${guess}?back=1`), `${guess}?back=1`).toEqual(unknown);
      expect(await open(`${guess}?paid=1`), `${guess}?paid=1`).toEqual(unknownPaid);
    }
    expect(await open(`${UNKNOWN_ORDER}/${link.secret}`)).toEqual(unknown);
  });
});

describe('the secret stays out of the log', () => {
  it('logs the requests of a link without its secret', async () => {
    const { link } = await holdBySms();
    await open(link.path);
    await open(`${link.path}?paid=1`);
    expect(logged).toContain(`/p/${link.orderId}`);
    expect(logged).not.toContain(link.secret);
  });

  it('logs the requests of a ticket page, and the texts that link it, without its secret', async () => {
    const phone = newPhone();
    await buyAndPay(office, phone);
    const secret = /\/t\/([A-Za-z0-9_-]{22})/.exec(smsTo(office, phone).find((text) => text.startsWith('Paid'))!)![1]!;
    expect((await fetch(`${office.url}/t/${secret}`)).status).toBe(200);
    expect(logged).toContain('/t/…');
    expect(logged).not.toContain(secret);
  });
});

describe('the thank-you page (?paid=1)', () => {
  it('confirms a payment only once Stripe has it, and only to the holder of the link', async () => {
    const { link } = await holdBySms();
    const order = await staffOrder(office, link.orderId);

    const early = await open(`${link.path}?paid=1`);
    expect(early.body).not.toContain('We have your payment');
    expect(early.body).toContain('No payment');

    // Stripe has the money; its webhook has not come yet. The page asks Stripe.
    office.stripe!.markPaid(order.stripeSessionId!);
    const paid = await open(`${link.path}?paid=1`);
    expect(paid.status).toBe(200);
    expect(paid.body).toContain(`We have your payment for order ${order.id}`);

    const stranger = await open(`${withWrongSecret(link)}?paid=1`);
    expect(stranger.body).not.toContain('We have your payment');
    expect(stranger).toEqual(await open(`${UNKNOWN_ORDER}?paid=1`));
  });

  it('does not thank anyone for an order that was cancelled', async () => {
    const { phone, link } = await holdBySms();
    const left = await textBoxOffice(office, phone, 'EXIT');
    expect(left.messages.join(' ')).toContain('cancelled');
    expect((await staffOrder(office, link.orderId)).state).toBe('cancelled');

    const answer = await open(`${link.path}?paid=1`);
    expect(answer.body).not.toContain('We have your payment');
    expect(answer.body).toContain('cancelled');
  });
});

describe('an order stored before links carried a secret', () => {
  it('no longer opens by its old link, and the customer is sent a working one in the conversation', async () => {
    const { phone, link } = await holdBySms();
    const orders = office.foundation.commerce.orders;
    // As an order written before this change lies in Redis: no secret.
    await office.foundation.redis.hdel(orders.orderKeys(link.orderId)[0], 'linkSecret');

    expect(await open(`/p/${link.orderId}`)).toEqual(await open(UNKNOWN_ORDER));

    const status = await textBoxOffice(office, phone, 'status');
    const sent = payLinkIn(status.messages.join('\n'));
    expect(sent?.orderId).toBe(link.orderId);
    expect(sent?.secret, `a secret in ${sent?.url}`).toMatch(/^[A-Za-z0-9_-]{16,}$/);
    const opened = await open(sent!.path);
    expect(opened.status).toBe(303);
    expect(opened.location).toBe((await staffOrder(office, link.orderId)).checkoutUrl);
  });
});
