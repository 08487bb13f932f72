// Check-in at the door, `POST /staff/checkin`: a ticket bought by text and
// paid is admitted once, whether its signed QR value is scanned or its code
// typed; a second scan, two hundred at once, a made-up or altered value, a
// ticket of another event, before the doors open, and a refunded ticket are
// each refused with their reason. Against the test Redis and the local Stripe
// and Twilio servers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order } from '../src/orders/order.js';
import { TicketSigner } from '../src/tickets/scan-code.js';
import { startBoxOffice, TEST_STAFF_TOKEN, type BoxOffice } from './support/box-office.harness.js';
import { buyAndPay, staffRefund, stripeRefundsOf } from './support/purchases.js';
import { GALA, LATE, writeRefundCatalog } from './support/refund-catalog.js';
import { counterValue, sampleValue, scrape } from './support/metrics.js';
import { jobEnd, newPhone, sectionInventory, staffOrder } from './support/sms.client.js';
import { postStripeEvent, refundEvent } from './support/stripe-events.js';
import { offerUpgrade, payOffer } from './support/upgrades.js';

let office: BoxOffice;
let catalog: ReturnType<typeof writeRefundCatalog>;

beforeAll(async () => {
  catalog = writeRefundCatalog();
  // The late show starts in 24 hours, the gala in 30 days: doors open 48 hours before.
  office = await startBoxOffice({ env: { CATALOG_PATH: catalog.path, CHECKIN_OPENS_HOURS_BEFORE: '48' } });
});

afterAll(async () => {
  await office?.stop();
  catalog?.remove();
});

interface CheckinAnswer {
  status: number;
  body: { admitted: boolean; reason?: string; ticket?: { code: string; orderId: string; eventId: string; seat?: string }; admittedAt?: string; gate?: string; opensAt?: string; admission?: { at: string; gate?: string } };
}

async function checkin(body: unknown, token: string | null = TEST_STAFF_TOKEN): Promise<CheckinAnswer> {
  const response = await fetch(`${office.url}/staff/checkin`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as CheckinAnswer['body'] };
}

const scan = (code: string) => office.foundation.ticketSigner.scanValue(code);
const buyLate = () => buyAndPay(office, newPhone(), '2 tickets late show section 101');

describe('check-in at the door', () => {
  it('admits a scanned ticket once, says when and at which gate on the second scan, and puts it on the timeline', async () => {
    const order = await buyLate();
    const [code] = order.tickets;
    const first = await checkin({ code: scan(code!), gate: 'North 1' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ admitted: true, ticket: { code, orderId: order.id, eventId: LATE, seat: order.seats[0] }, admission: { gate: 'North 1' } });

    const again = await checkin({ code: scan(code!), gate: 'South 3' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ admitted: false, reason: 'already_admitted', admittedAt: first.body.admission!.at, gate: 'North 1' });
    // The order's other ticket is its own.
    expect((await checkin({ code: scan(order.tickets[1]!) })).status).toBe(200);
    const timeline = (await staffOrder(office, order.id)).timeline.map((entry) => entry.cause);
    expect(timeline.filter((cause) => cause.startsWith('checkin:'))).toEqual([`checkin:${code}`, `checkin:${order.tickets[1]}`]);
  });

  it('takes the typed ticket code, in any case and with spaces around, for a door without a camera', async () => {
    const order = await buyLate();
    const typed = await checkin({ code: `  ${order.tickets[0]!.toLowerCase()} ` });
    expect(typed.status).toBe(200);
    expect((await checkin({ code: scan(order.tickets[0]!) })).body.reason).toBe('already_admitted');
  });

  it('admits one of two hundred scans of one code at the same moment, from two gates', async () => {
    const order = await buyLate();
    const value = scan(order.tickets[0]!);
    const answers = await Promise.all(Array.from({ length: 200 }, (_, n) => checkin({ code: value, gate: n % 2 ? 'East' : 'West' })));
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1);
    expect(answers.filter((answer) => answer.status === 409 && answer.body.reason === 'already_admitted')).toHaveLength(199);
  });

  it('refuses a made-up or altered value without a lookup (400), and a well-signed code of no ticket (404)', async () => {
    const order = await buyLate();
    const value = scan(order.tickets[0]!);
    const otherSeat = order.tickets[0]!.replace(/-([A-Z]+)(\d+)-/, (_, row: string, n: string) => `-${row}${Number(n) + 10}-`);
    const altered = `${otherSeat}${value.slice(value.lastIndexOf('.'))}`;
    const signedElsewhere = new TicketSigner(TicketSigner.newPrivateKeyPem()).scanValue(order.tickets[0]!);
    for (const code of [altered, signedElsewhere, `${order.tickets[0]}.not-a-signature`, `${value}x`]) {
      const answer = await checkin({ code });
      expect(answer.status, code).toBe(400);
      expect(answer.body).toEqual({ admitted: false, reason: 'forged' });
    }
    expect((await checkin({ code: scan(otherSeat) })).status).toBe(404);
    expect((await checkin({ code: scan('BX-ZZZZ-A1-ZZZZ') })).status).toBe(404);
    expect((await checkin({ code: 'BX-ZZZZ-A1-ZZZZ' })).status).toBe(404);
    expect((await checkin({ code: '🎟️🎟️' })).status).toBe(404);
    // Nothing was admitted by any of them.
    expect((await checkin({ code: value })).status).toBe(200);
  });

  it('refuses a ticket of another event at a door for one event, and one whose doors are not open yet', async () => {
    const late = await buyLate();
    const wrong = await checkin({ code: scan(late.tickets[0]!), event: GALA });
    expect(wrong.status).toBe(409);
    expect(wrong.body.reason).toBe('wrong_event');
    const gala: Order = await buyAndPay(office, newPhone(), '1 ticket gala section 101');
    const early = await checkin({ code: scan(gala.tickets[0]!), event: GALA });
    expect(early.status).toBe(409);
    expect(early.body.reason).toBe('not_yet_open');
    expect(Date.parse(early.body.opensAt!)).toBeGreaterThan(Date.now());
    // Neither scan used the ticket up.
    expect((await checkin({ code: scan(late.tickets[0]!), event: LATE })).status).toBe(200);
  });

  it('refuses a refunded ticket with "refunded", and admits the one still valid', async () => {
    const order = await buyLate();
    expect((await staffRefund(office, order.id, { tickets: 1 })).status).toBe(202);
    const [refund] = stripeRefundsOf(office, order);
    const event = refundEvent(office, 'refund.created', refund!.id);
    expect((await postStripeEvent(office, event)).status).toBe(200);
    await jobEnd(office, 'payments', event.id);
    const after = await staffOrder(office, order.id);
    expect(after.refundedTickets).toHaveLength(1);
    const refunded = await checkin({ code: scan(after.refundedTickets[0]!) });
    expect(refunded.status).toBe(409);
    expect(refunded.body.reason).toBe('refunded');
    const valid = after.tickets.find((code) => !after.refundedTickets.includes(code))!;
    expect((await checkin({ code: scan(valid) })).status).toBe(200);
  });

  it('refuses the codes an upgrade replaced with "upgraded", and admits the new ones', async () => {
    const order = await buyAndPay(office, newPhone(), '2 tickets late show standing');
    const offered = await offerUpgrade(office, order.id, { section: '101' });
    expect(offered.status).toBe(201);
    await payOffer(office, offered.body.offer!.id);
    const upgraded = await staffOrder(office, order.id);
    expect(upgraded.sectionId).toBe('101');
    for (const old of order.tickets) {
      const answer = await checkin({ code: scan(old) });
      expect(answer.status).toBe(409);
      expect(answer.body.reason).toBe('upgraded');
    }
    expect((await checkin({ code: scan(upgraded.tickets[0]!) })).status).toBe(200);
  });

  it('answers only staff, and a body that is not a check-in with 400', async () => {
    const order = await buyLate();
    expect((await checkin({ code: scan(order.tickets[0]!) }, null)).status).toBe(401);
    expect((await checkin({ code: scan(order.tickets[0]!) }, 'not-the-staff-token-at-all')).status).toBe(401);
    for (const body of ['{not json', {}, { code: '' }, { code: 'x'.repeat(301) }, { code: 'BX-1', extra: 1 }, { code: 5 }]) {
      expect((await checkin(body)).status, JSON.stringify(body)).toBe(400);
    }
    // Nothing of that admitted the ticket.
    expect((await checkin({ code: scan(order.tickets[0]!) })).status).toBe(200);
  });

  it('counts admissions per section in the inventory, at the door page, and in /metrics, once per ticket however often it is scanned', async () => {
    const before = await sectionInventory(office, '101', LATE);
    const metricsBefore = await scrape(office.url);
    const order = await buyLate();
    for (const code of [...order.tickets, order.tickets[0]!]) await checkin({ code: scan(code) });
    await checkin({ code: `${order.tickets[0]}.forged` });
    const after = await sectionInventory(office, '101', LATE);
    expect(after.admitted).toBe(before.admitted + 2);

    const basic = `Basic ${Buffer.from(`door:${TEST_STAFF_TOKEN}`).toString('base64')}`;
    const count = await fetch(`${office.url}/staff/door/count?event=${LATE}`, { headers: { authorization: basic } });
    expect(count.status).toBe(200);
    expect(await count.json()).toEqual({ event: LATE, admitted: expect.any(Number), sold: expect.any(Number) });
    expect((await fetch(`${office.url}/staff/door/count?event=no-such-event`, { headers: { authorization: basic } })).status).toBe(404);
    expect((await fetch(`${office.url}/staff/door/count?event=${LATE}`)).status).toBe(401);

    const metrics = await scrape(office.url);
    const moved = (outcome: string) => counterValue(metrics, 'box_office_checkins_total', { outcome }) - counterValue(metricsBefore, 'box_office_checkins_total', { outcome });
    expect([moved('admitted'), moved('already_admitted'), moved('forged')]).toEqual([2, 1, 1]);
    expect(sampleValue(metrics, 'box_office_tickets_admitted', { event: LATE })).toBe((sampleValue(metricsBefore, 'box_office_tickets_admitted', { event: LATE }) ?? 0) + 2);
  });
});
