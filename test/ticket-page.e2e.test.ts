// A ticket holder's page, `GET /t/<secret>`, linked from the tickets text:
// the event, each ticket's section and seat, its QR code and its state as it
// changes (valid, admitted at a gate, refunded, replaced by an upgrade); an
// unknown, altered or malformed secret finds nothing. Against the test Redis
// and the local Stripe and Twilio servers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order } from '../src/orders/order.js';
import { startBoxOffice, TEST_STAFF_TOKEN, type BoxOffice } from './support/box-office.harness.js';
import { buyAndPay, staffRefund, stripeRefundsOf } from './support/purchases.js';
import { writeRefundCatalog } from './support/refund-catalog.js';
import { jobEnd, newPhone, payLinkIn, smsTo, staffOrder, textBoxOffice } from './support/sms.client.js';
import { resendTickets } from './support/staff-attention.js';
import { postStripeEvent, refundEvent } from './support/stripe-events.js';
import { offerUpgrade, payOffer } from './support/upgrades.js';

let office: BoxOffice;
let catalog: ReturnType<typeof writeRefundCatalog>;

beforeAll(async () => {
  catalog = writeRefundCatalog();
  office = await startBoxOffice({ env: { CATALOG_PATH: catalog.path, CHECKIN_OPENS_HOURS_BEFORE: '48' } });
});

afterAll(async () => {
  await office?.stop();
  catalog?.remove();
});

const PAGE_LINK = /(https?:\/\/\S+)\/t\/([A-Za-z0-9_-]{22})\b/;

/** The ticket page link in the last text to `phone` that has one. */
function pageLinkTo(phone: string): { base: string; secret: string } {
  const found = smsTo(office, phone)
    .map((text) => PAGE_LINK.exec(text))
    .filter((match) => match !== null)
    .at(-1);
  expect(found, `a ticket page link in ${JSON.stringify(smsTo(office, phone))}`).toBeDefined();
  return { base: found![1]!, secret: found![2]! };
}

async function ticketPage(secret: string): Promise<{ status: number; html: string; headers: Headers }> {
  const response = await fetch(`${office.url}/t/${secret}`);
  return { status: response.status, html: await response.text(), headers: response.headers };
}

/** Each ticket card's code, class (its state) and state line, in page order. */
function cards(html: string): { code: string; state: string; text: string; qr: boolean }[] {
  return [...html.matchAll(/<section class="ticket (\w+)" data-code="([^"]+)">(.*?)<\/section>/gs)].map(([, state, code, inner]) => ({
    code: code!,
    state: state!,
    text: /<p class="state">(.*?)<\/p>/s.exec(inner!)![1]!,
    qr: inner!.includes('<svg'),
  }));
}

async function checkin(code: string, gate?: string): Promise<number> {
  const response = await fetch(`${office.url}/staff/checkin`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_STAFF_TOKEN}` },
    body: JSON.stringify({ code, ...(gate ? { gate } : {}) }),
  });
  return response.status;
}

async function buy(text = '2 tickets late show section 101'): Promise<{ phone: string; order: Order; secret: string }> {
  const phone = newPhone();
  const order = await buyAndPay(office, phone, text);
  return { phone, order, secret: pageLinkTo(phone).secret };
}

describe('the ticket page', () => {
  it('is linked from the tickets text on PUBLIC_BASE_URL and shows the event, each seat, a QR code and "valid"', async () => {
    const { phone, order, secret } = await buy();
    expect(pageLinkTo(phone).base).toBe(office.foundation.config.publicBaseUrl);
    const { status, html, headers } = await ticketPage(secret);
    expect(status).toBe(200);
    expect(headers.get('cache-control')).toBe('no-store');
    expect(headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(html).toContain('Late Show');
    expect(html).toContain('Section 101');
    const [row, seat] = order.seats[0]!.split('-');
    expect(html).toContain(`Row ${row}, seat ${seat}`);
    expect(cards(html)).toEqual(order.tickets.map((code) => ({ code, state: 'valid', text: 'Valid. Show this code at the door.', qr: true })));
    // Nothing about the customer: not their number, in any spelling.
    expect(html).not.toContain(phone);
    expect(html).not.toContain(phone.slice(-7));
    // Nothing drawn from elsewhere: the QR codes are inline SVG.
    expect(html).not.toMatch(/<(img|script|link)\b/);
  });

  it('says when and at which gate a ticket was admitted, and stops showing its QR code', async () => {
    const { order, secret } = await buy();
    expect(await checkin(order.tickets[0]!, 'North 1')).toBe(200);
    const [admitted, other] = cards((await ticketPage(secret)).html);
    expect(admitted).toMatchObject({ code: order.tickets[0], state: 'admitted', qr: false });
    expect(admitted!.text).toMatch(/^Admitted \w{3} \w{3} \d{1,2}, \d{1,2}(:\d{2})?[ap]m at North 1\.$/);
    expect(other).toMatchObject({ code: order.tickets[1], state: 'valid', qr: true });
  });

  it('marks a refunded ticket no longer valid, and keeps the same link when staff send the tickets again', async () => {
    const { phone, order, secret } = await buy();
    expect((await staffRefund(office, order.id, { tickets: 1 })).status).toBe(202);
    const [refund] = stripeRefundsOf(office, order);
    const event = refundEvent(office, 'refund.created', refund!.id);
    expect((await postStripeEvent(office, event)).status).toBe(200);
    await jobEnd(office, 'payments', event.id);
    const after = await staffOrder(office, order.id);
    const page = cards((await ticketPage(secret)).html);
    expect(page.find((card) => card.code === after.refundedTickets[0])).toMatchObject({ state: 'void', text: 'No longer valid: refunded.', qr: false });
    expect(page.filter((card) => card.state === 'valid')).toHaveLength(1);

    const resend = await resendTickets(office, order.id);
    expect(resend.status).toBe(202);
    await jobEnd(office, 'sms', `tickets-${order.id}-resend-${resend.body.resend}`);
    expect(smsTo(office, phone).filter((text) => text.includes(`/t/${secret}`))).toHaveLength(2);
  });

  it('after an upgrade shows the new seats as valid and the replaced codes as no longer valid, on the same page', async () => {
    const { phone, order, secret } = await buy('2 tickets late show standing');
    const offered = await offerUpgrade(office, order.id, { section: '101' });
    expect(offered.status).toBe(201);
    await payOffer(office, offered.body.offer!.id);
    await jobEnd(office, 'sms', `upgraded.${offered.body.offer!.id}-${order.id}`);
    const upgraded = await staffOrder(office, order.id);
    expect(smsTo(office, phone).at(-1)).toContain(`/t/${secret}`);
    const page = cards((await ticketPage(secret)).html);
    expect(page.filter((card) => card.state === 'valid').map((card) => card.code)).toEqual(upgraded.tickets);
    expect(page.filter((card) => card.state === 'void').map((card) => [card.code, card.text])).toEqual(
      order.tickets.map((code) => [code, 'No longer valid: replaced by your upgraded seats.']),
    );
  });

  it('answers an unknown, altered, malformed or order-id path with the same 404, and a page of one order never shows another', async () => {
    const { order, secret } = await buy();
    const { secret: otherSecret, order: other } = await buy();
    const notFound = await ticketPage('A'.repeat(22));
    expect(notFound.status).toBe(404);
    const altered = `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    for (const path of [altered, secret.slice(0, 21), `${secret}x`, order.id, order.tickets[0]!, '%F0%9F%8E%9F', 'x'.repeat(1600)]) {
      const answer = await ticketPage(path);
      expect(answer.status, path).toBe(404);
      expect(answer.html).toBe(notFound.html);
    }
    const page = (await ticketPage(otherSecret)).html;
    expect(order.tickets.some((code) => page.includes(code))).toBe(false);
    expect(other.tickets.every((code) => page.includes(code))).toBe(true);
  });

  it('is not given to an order before it has tickets', async () => {
    const phone = newPhone();
    const reply = await textBoxOffice(office, phone, '2 tickets late show section 101');
    const link = payLinkIn(reply.messages.join('\n'));
    expect(link).toBeDefined();
    expect(reply.messages.join('\n')).not.toMatch(PAGE_LINK);
    const key = `${office.foundation.commerce.orders.orderKeys(link!.orderId)[0]}:ticket-page`;
    expect(await office.foundation.redis.exists(key)).toBe(0);
  });
});
