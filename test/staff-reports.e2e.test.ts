// The staff reports, as staff call them: an event's orders (filtered, a page
// at a time) and its sales summary, after real purchases and refunds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order } from '../src/orders/order.js';
import { startBoxOffice, TEST_STAFF_TOKEN, type BoxOffice } from './support/box-office.harness.js';
import { buyAndPay, staffRefund, stripeRefundsOf } from './support/purchases.js';
import { GALA, writeRefundCatalog } from './support/refund-catalog.js';
import { jobEnd, newPhone, payLinkIn, textBoxOffice } from './support/sms.client.js';
import { postStripeEvent, refundEvent } from './support/stripe-events.js';

let office: BoxOffice;
let catalog: ReturnType<typeof writeRefundCatalog>;
/** Bought in beforeAll, newest last: fulfilled, awaiting payment, partly refunded, fully refunded. */
let orders: { whole: Order; waiting: string; partly: Order; refunded: Order; phone: string };

interface Listing {
  event: string;
  orders: Array<Record<string, unknown> & { id: string; state: string }>;
  nextCursor: string | null;
}

async function staffGet(path: string, token: string | null = TEST_STAFF_TOKEN): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(office.url + path, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function listing(query: string): Promise<Listing> {
  const answer = await staffGet(`/staff/orders?${query}`);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body as unknown as Listing;
}

/** Staff refund, confirmed by Stripe's refund event; resolves once the worker has applied it. */
async function refundConfirmed(order: Order, body: { tickets?: number }): Promise<void> {
  const already = new Set(stripeRefundsOf(office, order).map((refund) => refund.id));
  expect((await staffRefund(office, order.id, body)).status).toBe(202);
  const made = stripeRefundsOf(office, order).find((refund) => !already.has(refund.id))!;
  const event = refundEvent(office, 'refund.created', made.id);
  expect((await postStripeEvent(office, event)).status).toBe(200);
  expect((await jobEnd(office, 'payments', event.id)).state).toBe('completed');
}

beforeAll(async () => {
  catalog = writeRefundCatalog();
  office = await startBoxOffice({ env: { CATALOG_PATH: catalog.path } });
  const phone = newPhone();
  const whole = await buyAndPay(office, phone, '2 tickets gala section 101');
  const reply = await textBoxOffice(office, newPhone(), '1 ticket gala standing');
  const waiting = payLinkIn(reply.messages.join('\n'))!.orderId;
  const partly = await buyAndPay(office, newPhone(), '3 tickets gala section 101');
  await refundConfirmed(partly, { tickets: 1 });
  const refunded = await buyAndPay(office, newPhone(), '1 ticket gala standing');
  await refundConfirmed(refunded, {});
  orders = { whole, waiting, partly, refunded, phone };
}, 60_000);

afterAll(async () => {
  await office?.stop();
  catalog?.remove();
});

describe('GET /staff/orders', () => {
  it('lists the event\'s orders, newest first, without timelines and with SMS numbers masked', async () => {
    const page = await listing(`event=${GALA}`);

    expect(page.event).toBe(GALA);
    expect(page.orders.map((order) => order.id)).toEqual([orders.refunded.id, orders.partly.id, orders.waiting, orders.whole.id]);
    expect(page.orders.map((order) => order.state)).toEqual(['refunded', 'fulfilled', 'awaiting_payment', 'fulfilled']);
    expect(page.nextCursor).toBeNull();
    const whole = page.orders.find((order) => order.id === orders.whole.id)!;
    expect(whole).toMatchObject({ kind: 'tickets', quantity: 2, amount: 20_000, currency: 'usd', sectionId: '101', tickets: 2, refundedTickets: 0 });
    expect(whole).not.toHaveProperty('timeline');
    expect(whole.customer).toEqual({ channel: 'sms', address: `${orders.phone.slice(0, 5)}•••${orders.phone.slice(-4)}` });
    expect(JSON.stringify(page)).not.toContain(orders.phone);
  });

  it('filters by state', async () => {
    expect((await listing(`event=${GALA}&state=fulfilled`)).orders.map((order) => order.id)).toEqual([orders.partly.id, orders.whole.id]);
    expect((await listing(`event=${GALA}&state=awaiting_payment`)).orders.map((order) => order.id)).toEqual([orders.waiting]);
    expect((await listing(`event=${GALA}&state=expired`)).orders).toEqual([]);
  });

  it('pages with limit and the cursor it hands back, each order once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Listing = await listing(`event=${GALA}&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.orders.length).toBeLessThanOrEqual(3);
      seen.push(...page.orders.map((order) => order.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor !== null && pages < 10);

    expect(pages).toBe(2);
    expect(seen).toEqual([orders.refunded.id, orders.partly.id, orders.waiting, orders.whole.id]);
  });

  it.each([
    ['no event', '', 'event'],
    ['an unknown event', 'event=no-such-event', 'event'],
    ['an unknown state', `event=${GALA}&state=shipped`, 'state'],
    ['a limit of 0', `event=${GALA}&limit=0`, 'limit'],
    ['a limit that is not a number', `event=${GALA}&limit=all`, 'limit'],
    ['a cursor that is not an order of the listing', `event=${GALA}&cursor=BX-NOPE`, 'cursor'],
  ])('answers 400 for %s, naming the parameter', async (_what, query, parameter) => {
    const answer = await staffGet(`/staff/orders?${query}`);

    expect(answer.status).toBe(400);
    expect(String(answer.body.message)).toMatch(new RegExp(`^${parameter}: `));
  });

  it('refuses a caller without the staff token', async () => {
    expect((await staffGet(`/staff/orders?event=${GALA}`, null)).status).toBe(401);
    expect((await staffGet(`/staff/orders?event=${GALA}`, 'not-the-staff-token-at-all')).status).toBe(401);
  });
});

describe('GET /staff/events/:id/sales', () => {
  it('sums tickets, seats, revenue and refunds in the event\'s currency, minor units', async () => {
    const answer = await staffGet(`/staff/events/${GALA}/sales`);

    expect(answer.status).toBe(200);
    // Paid this run: on one day, or two if the run crossed midnight UTC.
    const byDay = answer.body.byDay as Array<{ day: string; tickets: number; amount: number }>;
    expect(byDay.every((day) => /^\d{4}-\d{2}-\d{2}$/.test(day.day))).toBe(true);
    expect([byDay.reduce((n, day) => n + day.tickets, 0), byDay.reduce((n, day) => n + day.amount, 0)]).toEqual([6, 55_000]);
    expect(answer.body).toEqual({
      event: GALA,
      currency: 'usd',
      // Paid for: 2 + 3 + 1; refunded: one of the three, and the single standing ticket.
      tickets: { sold: 6, refunded: 2, valid: 4 },
      // Held: the standing ticket awaiting payment; sold: the tickets still valid.
      seats: { capacity: 140, held: 1, sold: 4, available: 135 },
      upgrades: { taken: 0, paidBack: 0, amount: 0 },
      revenue: { gross: 20_000 + 30_000 + 5_000, refunded: 10_000 + 5_000, net: 40_000 },
      orders: {
        total: 4,
        byState: { held: 0, awaiting_payment: 1, paid: 0, fulfilled: 2, expired: 0, cancelled: 0, payment_failed: 0, refunded: 1 },
      },
      byDay,
      // By section in the catalog's order; refunds are not taken off these.
      bySection: [
        { section: '101', tickets: 5, amount: 50_000 },
        { section: 'ga', tickets: 1, amount: 5_000 },
      ],
    });
  });

  it('answers 404 for an unknown event and 401 without the staff token', async () => {
    expect((await staffGet('/staff/events/no-such-event/sales')).status).toBe(404);
    expect((await staffGet(`/staff/events/${GALA}/sales`, null)).status).toBe(401);
  });
});

describe('GET /staff/events', () => {
  it('lists every event with its id, soonest first, and each section\'s free, held and sold seats', async () => {
    const answer = await staffGet('/staff/events');
    expect(answer.status).toBe(200);
    const events = answer.body.events as Array<{ id: string; name: string; startsAt: string; started: boolean; sections: Array<Record<string, unknown>> }>;
    expect(events.map((event) => event.id)).toEqual(['late-show', 'gala-night', 'final-sale']);
    const gala = events.find((event) => event.id === GALA)!;
    expect(gala).toMatchObject({ name: 'Gala Night', venue: 'Town Hall', currency: 'usd', started: false });
    // What beforeAll bought: 2 + 3 in section 101 (one refunded), 1 standing held, 1 standing refunded.
    expect(gala.sections).toEqual([
      { id: '101', name: 'Section 101', seated: true, capacity: 40, held: 0, sold: 4, available: 36, admitted: 0 },
      { id: 'ga', name: 'Standing', seated: false, capacity: 100, held: 1, sold: 0, available: 99, admitted: 0 },
    ]);
    // The same counts as the event's own inventory route.
    const inventory = await staffGet(`/staff/events/${GALA}/inventory`);
    expect((inventory.body.sections as Array<Record<string, unknown>>).map(({ id, held, sold, available }) => ({ id, held, sold, available }))).toEqual(
      gala.sections.map(({ id, held, sold, available }) => ({ id, held, sold, available })),
    );
  });

  it('is refused without the staff token', async () => {
    expect((await staffGet('/staff/events', null)).status).toBe(401);
    expect((await staffGet('/staff/events', 'wrong-token')).status).toBe(401);
  });
});
