// Seat upgrades end to end: the staff API, Stripe's events through the webhook
// and the worker, the swap, the reissued tickets and the customer's messages,
// against a real Redis and the local Stripe and Twilio servers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order } from '../src/orders/order.js';
import { startBoxOffice, TEST_STAFF_TOKEN, type BoxOffice } from './support/box-office.harness.js';
import { buyAndPay, staffRefund } from './support/purchases.js';
import { allCounts, jobEnd, LAKERS, newPhone, payLinkPath, smsTo, staffOrder, textBoxOffice } from './support/sms.client.js';
import { postStripeEvent, refundEvent } from './support/stripe-events.js';
import { deliverSessionEvent, offerUpgrade, orderWithOffers, payOffer, withdrawOffer } from './support/upgrades.js';

let office: BoxOffice;

beforeAll(async () => {
  office = await startBoxOffice();
});

afterAll(async () => {
  await office?.stop();
});

/** The seat map of one section: row → one character per seat ('.' free, 'H' held, 'S' sold). */
async function seatMap(sectionId: string): Promise<Record<string, string>> {
  return (await office.foundation.commerce.seats.seatMap(LAKERS, sectionId))!;
}

function seatState(map: Record<string, string>, seat: string): string {
  const [row, number] = seat.split('-');
  return map[row!]![Number(number) - 1]!;
}

/** Checkout Sessions Stripe was asked to create for an offer. */
function sessionCreates(offerId: string) {
  return office.stripe!.requests.filter((r) => r.method === 'POST' && r.path === '/v1/checkout/sessions' && r.body.client_reference_id === offerId);
}

describe('staff offer an upgrade by API, the customer pays, the seats swap', () => {
  let order: Order;
  let phone: string;

  beforeAll(async () => {
    phone = newPhone();
    order = await buyAndPay(office, phone, '2 tickets lakers section 102');
  });

  it('holds adjacent seats in the better section, opens a session for the difference and texts the customer the offer', async () => {
    const before = await allCounts(office);
    const answer = await offerUpgrade(office, order.id, { section: 'courtside' });
    expect(answer.status).toBe(201);
    const offer = answer.body.offer!;
    expect(offer).toMatchObject({ orderId: order.id, state: 'awaiting_payment', sectionId: 'courtside', quantity: 2, unitAmount: 130_000, amount: 260_000, currency: 'usd' });
    expect(offer.id).toMatch(/^UP-/);
    expect(offer.payUrl).toBe(`${office.config.publicBaseUrl}${payLinkPath(await staffOrder(office, offer.id))}`);
    expect(offer.seats).toHaveLength(2);
    const [rowA, seatA] = offer.seats[0]!.split('-');
    const [rowB, seatB] = offer.seats[1]!.split('-');
    expect(rowA).toBe(rowB);
    expect(Math.abs(Number(seatA) - Number(seatB))).toBe(1);

    const [create] = sessionCreates(offer.id);
    expect(create?.body.metadata).toMatchObject({ reference: offer.id, kind: 'upgrade', upgradeOf: order.id });
    expect(create?.headers['idempotency-key']).toBe(`checkout-${offer.id}`);

    const after = await allCounts(office);
    expect(after.courtside!.held).toBe(before.courtside!.held + 2);
    expect(after['102']).toEqual(before['102']);

    await jobEnd(office, 'sms', `upgrade_offer-${offer.id}`);
    const texts = smsTo(office, phone);
    expect(texts.at(-1)).toContain(offer.payUrl);
    expect(texts.at(-1)).toContain('$2,600');
    expect(texts.at(-1)).toContain(order.id);

    const shown = await orderWithOffers(office, order.id);
    expect(shown.upgradeOffers.map((o) => [o.id, o.state])).toEqual([[offer.id, 'awaiting_payment']]);
    expect(shown.order.openOffer).toBe(offer.id);
    // The pay link leads to the offer's Checkout page.
    const link = await fetch(offer.payUrl.replace(office.config.publicBaseUrl, office.url), { redirect: 'manual' });
    expect(link.status).toBe(303);
  });

  it('on payment swaps the seats in one step, reissues the tickets and texts the new ones; a duplicate event changes nothing', async () => {
    const { upgradeOffers } = await orderWithOffers(office, order.id);
    const offer = upgradeOffers[0]!;
    const end = await payOffer(office, offer.id, `evt_upgrade_paid_${offer.id}`);
    expect(end.returnvalue).toBe('fulfilled');

    const upgraded = await staffOrder(office, order.id);
    expect(upgraded.sectionId).toBe('courtside');
    expect(upgraded.seats).toEqual(offer.seats);
    expect(upgraded.tickets).toHaveLength(2);
    expect(upgraded.tickets.some((ticket) => order.tickets.includes(ticket))).toBe(false);
    expect(upgraded.timeline.some((entry) => entry.cause === `upgrade:${offer.id}`)).toBe(true);
    expect((await staffOrder(office, offer.id)).state).toBe('fulfilled');
    // The offer is no longer open, so staff are not shown it as the order's open offer.
    expect((await orderWithOffers(office, order.id)).order.openOffer).toBeUndefined();

    const courtside = await seatMap('courtside');
    const section102 = await seatMap('102');
    for (const seat of offer.seats) expect(seatState(courtside, seat)).toBe('S');
    for (const seat of order.seats) expect(seatState(section102, seat)).toBe('.');

    await jobEnd(office, 'sms', `upgraded.${offer.id}-${order.id}`);
    const done = smsTo(office, phone).filter((text) => text.startsWith('Upgrade done'));
    expect(done).toHaveLength(1);
    for (const ticket of upgraded.tickets) expect(done[0]).toContain(ticket);

    // Stripe sends the same event again, and then a second event for the same payment.
    const counts = await allCounts(office);
    expect((await payOffer(office, offer.id, `evt_upgrade_paid_${offer.id}`)).returnvalue).toBe('fulfilled');
    expect((await payOffer(office, offer.id)).returnvalue).toBe('already_fulfilled');
    expect(await allCounts(office)).toEqual(counts);
    expect((await staffOrder(office, order.id)).tickets).toEqual(upgraded.tickets);
    expect(smsTo(office, phone).filter((text) => text.startsWith('Upgrade done'))).toHaveLength(1);
  });

  it("thanks the customer back from Stripe's page for the upgrade of their order, not for an UP-… they never saw", async () => {
    const [offer] = (await orderWithOffers(office, order.id)).upgradeOffers;
    const back = await fetch(`${offer!.payUrl.replace(office.config.publicBaseUrl, office.url)}?paid=1`);
    expect(back.status).toBe(200);
    const page = await back.text();
    expect(page).toContain(`We have your payment for your upgrade for order ${order.id}. Your new tickets are on their way to you as a message.`);
    expect(page).not.toContain(offer!.id);
    // The link opened again later says the same.
    const again = await fetch(offer!.payUrl.replace(office.config.publicBaseUrl, office.url));
    expect(again.status).toBe(410);
    expect(await again.text()).toContain(`Your upgrade for order ${order.id} is paid`);
  });
});

describe('refunding an upgraded order', () => {
  it('returns the new seats, voids the new tickets, and pays back the upgrade share of those tickets once Stripe confirms', async () => {
    const phone = newPhone();
    const order = await buyAndPay(office, phone, '2 tickets lakers section 101');
    const offerId = (await offerUpgrade(office, order.id, { section: 'club' })).body.offer!.id;
    await payOffer(office, offerId);
    const upgraded = await staffOrder(office, order.id);
    const offer = await staffOrder(office, offerId);
    const offerPayment = office.stripe!.sessions.get(offer.stripeSessionId!)!.payment_intent;
    const payBacks = () => office.stripe!.requests.filter((r) => r.method === 'POST' && r.path === '/v1/refunds' && r.body.payment_intent === offerPayment);

    const answer = await staffRefund(office, order.id, { tickets: 1 });
    expect(answer.status).toBe(202);
    // The ticket's first payment now; the upgrade's share once Stripe confirms the refund.
    expect(answer.body.refund!.amount).toBe(20_000);
    expect((answer.body as { upgradePayBacks?: unknown }).upgradePayBacks).toEqual([{ offerId, amount: 25_000, currency: 'usd' }]);
    expect(payBacks()).toHaveLength(0);

    const stripeRefund = [...office.stripe!.refunds.values()].find((r) => r.metadata?.orderId === order.id && r.payment_intent !== offerPayment)!;
    office.stripe!.setRefund(stripeRefund.id, { status: 'succeeded' });
    for (const eventId of ['evt_refund_confirmed_once', 'evt_refund_confirmed_twice']) {
      const confirmed = refundEvent(office, 'refund.updated', stripeRefund.id, `${eventId}_${order.id}`);
      expect((await postStripeEvent(office, confirmed)).status).toBe(200);
      await jobEnd(office, 'payments', confirmed.id);
    }

    expect(payBacks()).toHaveLength(1);
    expect(payBacks()[0]!.body.amount).toBe('25000');
    expect(payBacks()[0]!.headers['idempotency-key']).toBe(`pay-back-${offerId}-${answer.body.refund!.id}`);
    const after = await staffOrder(office, order.id);
    expect(after.refundedTickets).toEqual([upgraded.tickets[1]]);
    expect(after.timeline.filter((entry) => entry.cause.startsWith(`upgrade-pay-back:${offerId}:`))).toHaveLength(1);
    expect((await staffOrder(office, offerId)).refundedAmount).toBe(25_000);
    // The customer is told everything that comes back: $200 of the ticket and its $250 upgrade share.
    await jobEnd(office, 'sms', `refund_partial.${answer.body.refund!.id}-${order.id}`);
    expect(smsTo(office, phone).at(-1)).toContain('1 of your 2 tickets refunded, $450 back to your card');
    const club = await seatMap('club');
    expect(seatState(club, upgraded.seats[0]!)).toBe('S');
    expect(seatState(club, upgraded.seats[1]!)).toBe('.');
  });
});

describe('an upgrade and a refund never cross', () => {
  it('a refund asked while an offer is open withdraws the offer first (its session expired), then refunds', async () => {
    const phone = newPhone();
    const order = await buyAndPay(office, phone, '2 tickets lakers section 101');
    const offerId = (await offerUpgrade(office, order.id, { section: 'club' })).body.offer!.id;
    const session = (await staffOrder(office, offerId)).stripeSessionId!;

    const answer = await staffRefund(office, order.id);
    expect(answer.status).toBe(202);
    expect(await staffOrder(office, offerId)).toMatchObject({ state: 'cancelled' });
    expect(office.stripe!.sessions.get(session)!.status).toBe('expired');
    await jobEnd(office, 'sms', `upgrade_withdrawn-${offerId}`);
  });

  it('a refund waits while a paid upgrade is being swapped', async () => {
    const order = await buyAndPay(office, newPhone(), '2 tickets lakers section 101');
    const offerId = (await offerUpgrade(office, order.id, { section: 'club' })).body.offer!.id;
    // Paid, the worker not yet done with the swap.
    await office.foundation.commerce.orders.transition(offerId, { to: 'paid', cause: 'test:paid' });
    const answer = await staffRefund(office, order.id);
    expect(answer.status).toBe(409);
    expect(answer.body.error).toBe('upgrade_pending');
    expect(office.stripe!.requests.filter((r) => r.path === '/v1/refunds' && (r.body.metadata as Record<string, string> | undefined)?.orderId === order.id)).toHaveLength(0);
  });
});

describe('a second upgrade', () => {
  it('costs the difference from what the tickets have cost so far, upgrades included', async () => {
    const order = await buyAndPay(office, newPhone(), '2 tickets lakers section 101');
    const first = (await offerUpgrade(office, order.id, { section: 'club' })).body.offer!;
    expect(first.unitAmount).toBe(45_000 - 20_000);
    await payOffer(office, first.id);
    const second = (await offerUpgrade(office, order.id, { section: 'courtside' })).body.offer!;
    expect(second.unitAmount).toBe(150_000 - 45_000);
    expect(second.amount).toBe(2 * 105_000);
  });
});

describe('bad requests get a clear 4xx and change nothing', () => {
  let order: Order;

  beforeAll(async () => {
    order = await buyAndPay(office, newPhone(), '2 tickets lakers section 101');
  });

  async function refusedWithoutChange(call: () => Promise<{ status: number; body: { error?: string; message?: string } }>, status: number, error: string) {
    const counts = await allCounts(office);
    const creates = office.stripe!.requests.length;
    const answer = await call();
    expect(answer.status).toBe(status);
    expect(answer.body.error).toBe(error);
    expect(answer.body.message).toEqual(expect.any(String));
    expect(await allCounts(office)).toEqual(counts);
    expect(office.stripe!.requests.length).toBe(creates);
    expect((await orderWithOffers(office, order.id)).upgradeOffers.filter((offer) => offer.state !== 'cancelled')).toHaveLength(0);
  }

  it('no token, a wrong token: 401', async () => {
    await refusedWithoutChange(() => offerUpgrade(office, order.id, { section: 'club' }, null), 401, 'unauthorized');
    await refusedWithoutChange(() => offerUpgrade(office, order.id, { section: 'club' }, `${TEST_STAFF_TOKEN}x`), 401, 'unauthorized');
    await refusedWithoutChange(() => withdrawOffer(office, 'UP-2222', 'nope'), 401, 'unauthorized');
  });

  it('an unknown order: 404', async () => {
    await refusedWithoutChange(() => offerUpgrade(office, 'BX-ZZZZ', { section: 'club' }), 404, 'unknown_order');
    await refusedWithoutChange(() => offerUpgrade(office, 'not-an-order', { section: 'club' }), 404, 'unknown_order');
  });

  it('an order not paid: 409', async () => {
    const reply = await textBoxOffice(office, newPhone(), '2 tickets lakers section 101');
    const held = /BX-[A-Z0-9]{4,6}/.exec(reply.messages.join(' '))![0];
    await refusedWithoutChange(() => offerUpgrade(office, held, { section: 'club' }), 409, 'order_not_paid');
  });

  it('a section that is not better, or does not exist: 409 / 400', async () => {
    await refusedWithoutChange(() => offerUpgrade(office, order.id, { section: '102' }), 409, 'not_better');
    await refusedWithoutChange(() => offerUpgrade(office, order.id, { section: 'ga' }), 409, 'not_better');
    await refusedWithoutChange(() => offerUpgrade(office, order.id, { section: 'skybox' }), 400, 'unknown_section');
  });

  it('malformed bodies: 400 / 415', async () => {
    await refusedWithoutChange(() => offerUpgrade(office, order.id, {}), 400, 'bad_request');
    await refusedWithoutChange(() => offerUpgrade(office, order.id, { section: 'club', unitAmount: 100, discountPercent: 10 }), 400, 'bad_request');
    await refusedWithoutChange(() => offerUpgrade(office, order.id, { section: 'club', unitAmount: -5 }), 400, 'bad_request');
    await refusedWithoutChange(() => offerUpgrade(office, order.id, { section: 'club', expiresInMinutes: 5 }), 400, 'bad_request');
    // Stripe takes at most 24 hours, and the session gets two minutes on top.
    await refusedWithoutChange(() => offerUpgrade(office, order.id, { section: 'club', expiresInMinutes: 1440 }), 400, 'bad_request');
    await refusedWithoutChange(() => offerUpgrade(office, order.id, { section: '🎟️'.repeat(200) }), 400, 'bad_request');
    await refusedWithoutChange(() => offerUpgrade(office, order.id, '{"section": '), 400, 'malformed_body');
  });

  it('not enough adjacent seats: 409', async () => {
    // Other customers take courtside pairs until no pair is left together.
    for (let buyer = 0; buyer < 5; buyer += 1) {
      const reply = await textBoxOffice(office, newPhone(), '2 tickets lakers courtside');
      if (!/BX-/.test(reply.messages.join(' '))) break;
    }
    const courtside = (await office.foundation.commerce.seats.inventory(LAKERS))!.sections.find((section) => section.id === 'courtside')!;
    expect(courtside.largestBlock).toBeLessThan(2);
    await refusedWithoutChange(() => offerUpgrade(office, order.id, { section: 'courtside' }), 409, 'not_enough_seats');
  });

  it('an offer already open for the order: 409 naming it', async () => {
    const first = await offerUpgrade(office, order.id, { section: 'club', discountPercent: 50 });
    expect(first.status).toBe(201);
    expect(first.body.offer!.unitAmount).toBe(12_500);
    const counts = await allCounts(office);
    const again = await offerUpgrade(office, order.id, { section: 'club' });
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('offer_open');
    expect(again.body.offer?.id).toBe(first.body.offer!.id);
    expect(await allCounts(office)).toEqual(counts);
    expect((await withdrawOffer(office, first.body.offer!.id)).status).toBe(200);
  });
});

describe('an offer that is withdrawn, expires or fails leaves the original seats as they were', () => {
  it('withdrawn: the session is expired first, then the hold released and the customer told', async () => {
    const phone = newPhone();
    const order = await buyAndPay(office, phone, '2 tickets lakers section 101');
    const offer = (await offerUpgrade(office, order.id, { section: 'club', unitAmount: 9_900 })).body.offer!;
    const held = await allCounts(office);

    const answer = await withdrawOffer(office, offer.id);
    expect(answer.status).toBe(200);
    expect(answer.body.offer!.state).toBe('cancelled');
    expect((await orderWithOffers(office, order.id)).order.openOffer).toBeUndefined();
    const record = await staffOrder(office, offer.id);
    const expire = office.stripe!.requests.findIndex((r) => r.path === `/v1/checkout/sessions/${record.stripeSessionId}/expire`);
    expect(expire).toBeGreaterThan(-1);
    expect(office.stripe!.sessions.get(record.stripeSessionId!)!.status).toBe('expired');
    expect((await allCounts(office)).club!.held).toBe(held.club!.held - 2);
    expect(await staffOrder(office, order.id)).toMatchObject({ sectionId: '101', seats: order.seats, tickets: order.tickets });
    await jobEnd(office, 'sms', `upgrade_withdrawn-${offer.id}`);
    expect(smsTo(office, phone).at(-1)).toContain('withdrawn');

    expect((await withdrawOffer(office, offer.id)).body.error).toBe('offer_ended');
    expect((await withdrawOffer(office, 'UP-ZZZZ')).status).toBe(404);
    expect((await withdrawOffer(office, order.id)).status).toBe(404);
    // A new offer may be made once the last one ended.
    expect((await offerUpgrade(office, order.id, { section: 'club' })).status).toBe(201);
  });

  it('expired or failed at Stripe: the hold is released and the order untouched', async () => {
    for (const [type, state] of [
      ['checkout.session.expired', 'expired'],
      ['checkout.session.async_payment_failed', 'payment_failed'],
    ] as const) {
      const order = await buyAndPay(office, newPhone(), '2 tickets lakers section 101');
      const offerId = (await offerUpgrade(office, order.id, { section: 'club' })).body.offer!.id;
      const offer = await staffOrder(office, offerId);
      const held = (await allCounts(office)).club!.held;
      office.stripe!.setSession(offer.stripeSessionId!, type === 'checkout.session.expired' ? { status: 'expired' } : { status: 'complete', payment_status: 'unpaid' });
      await deliverSessionEvent(office, offer, type);
      expect((await staffOrder(office, offerId)).state).toBe(state);
      expect((await allCounts(office)).club!.held).toBe(held - 2);
      expect(await staffOrder(office, order.id)).toMatchObject({ state: 'fulfilled', sectionId: '101', seats: order.seats, tickets: order.tickets });
      const map = await seatMap('101');
      for (const seat of order.seats) expect(seatState(map, seat)).toBe('S');
    }
  });
});

describe('an upgrade paid after its order was refunded', () => {
  it('a customer paying just as staff refund: the refund waits for the swap, then refunds the new seats', async () => {
    const order = await buyAndPay(office, newPhone(), '2 tickets lakers section 101');
    const offerId = (await offerUpgrade(office, order.id, { section: 'club' })).body.offer!.id;
    const offer = await staffOrder(office, offerId);
    // Paid on Stripe's page; the webhook is still on its way when staff refund.
    office.stripe!.markPaid(offer.stripeSessionId!);
    const refused = await staffRefund(office, order.id);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toBe('upgrade_pending');

    await deliverSessionEvent(office, offer, 'checkout.session.completed');
    expect((await staffOrder(office, order.id)).sectionId).toBe('club');
    const refund = await staffRefund(office, order.id);
    expect(refund.status).toBe(202);
    expect(refund.body.refund!.seats).toEqual(offer.seats);
  });

  it('is refunded, not fulfilled, its seats released, and staff told on the order timeline', async () => {
    const phone = newPhone();
    const order = await buyAndPay(office, phone, '2 tickets lakers section 101');
    const offerId = (await offerUpgrade(office, order.id, { section: 'club' })).body.offer!.id;

    // The order ended while the offer stayed open (a refund made by another
    // path than this API, which withdraws open offers first).
    await office.foundation.commerce.orders.transition(order.id, { to: 'refunded', cause: 'test:refunded-elsewhere' });

    const clubHeld = (await allCounts(office)).club!.held;
    const end = await payOffer(office, offerId);
    expect(end.returnvalue).toBe('refunded');
    const offer = await staffOrder(office, offerId);
    expect(offer).toMatchObject({ state: 'refunded', refundedAmount: offer.amount });
    const session = office.stripe!.sessions.get(offer.stripeSessionId!)!;
    const payBack = office.stripe!.requests.filter((r) => r.method === 'POST' && r.path === '/v1/refunds' && r.body.payment_intent === session.payment_intent);
    expect(payBack).toHaveLength(1);
    expect(payBack[0]!.body.amount).toBe(String(offer.amount));
    expect(payBack[0]!.headers['idempotency-key']).toBe(`pay-back-${offerId}`);
    // Stripe's word on the pay-back is known as the box office's own, not a stranger's refund.
    const [stripeRefund] = [...office.stripe!.refunds.values()].filter((refund) => refund.payment_intent === session.payment_intent);
    const refundCreated = refundEvent(office, 'refund.created', stripeRefund!.id);
    expect((await postStripeEvent(office, refundCreated)).status).toBe(200);
    expect((await jobEnd(office, 'payments', refundCreated.id)).returnvalue).toBe('upgrade_pay_back');
    expect((await allCounts(office)).club!.held).toBe(clubHeld - 2);
    const after = await staffOrder(office, order.id);
    expect(after.sectionId).toBe('101');
    expect(after.timeline.some((entry) => entry.cause === `upgrade-paid-back:${offerId}`)).toBe(true);
    await jobEnd(office, 'sms', `upgrade_refunded-${offerId}`);
    expect(smsTo(office, phone).at(-1)).toContain('refunded');

    // A late duplicate pays back nothing more.
    expect((await payOffer(office, offerId)).returnvalue).toBe('ignored');
    expect(office.stripe!.requests.filter((r) => r.path === '/v1/refunds' && r.body.payment_intent === session.payment_intent)).toHaveLength(1);
  });
});

describe('the swap under concurrency', () => {
  let fresh: BoxOffice;

  beforeAll(async () => {
    fresh = await startBoxOffice();
  });

  afterAll(async () => {
    await fresh?.stop();
  });

  it('customers buying the last seats of the target section while the upgrade completes never share a seat', async () => {
    const order = await buyAndPay(fresh, newPhone(), '2 tickets lakers section 102');
    const offerId = (await offerUpgrade(fresh, order.id, { section: 'courtside' })).body.offer!.id;
    const offerSeats = (await staffOrder(fresh, offerId)).seats;

    // Courtside has 10 seats; the offer holds 2. Twelve customers ask for the
    // other 8 and six for section 102 (where the old seats come free) while
    // the upgrade's payment lands.
    const courtsideBuyers = Array.from({ length: 12 }, () => textBoxOffice(fresh, newPhone(), '2 tickets lakers courtside'));
    const buyers102 = Array.from({ length: 6 }, () => textBoxOffice(fresh, newPhone(), '2 tickets lakers section 102'));
    const [paid, ...replies] = await Promise.all([payOffer(fresh, offerId), ...courtsideBuyers, ...buyers102]);
    expect(paid.returnvalue).toBe('fulfilled');
    for (const reply of replies) expect(reply.status).toBe(200);
    const heldIds = replies.flatMap((reply) => /BX-[A-Z0-9]{4,6}/.exec(reply.messages.join(' '))?.[0] ?? []);
    // Four pairs fit beside the upgrade in courtside, and all six fit in 102.
    expect(heldIds).toHaveLength(4 + 6);
    const soldOut = replies.slice(0, 12).filter((reply) => !/BX-/.test(reply.messages.join(' ')));
    expect(soldOut).toHaveLength(8);

    const upgraded = await staffOrder(fresh, order.id);
    expect(upgraded).toMatchObject({ sectionId: 'courtside', seats: offerSeats });
    // Every seat is in exactly one live allocation, and the seat maps agree with the counts.
    const owners = new Map<string, string>();
    for (const id of [order.id, ...heldIds]) {
      const record = await staffOrder(fresh, id);
      for (const seat of record.seats) {
        const key = `${record.sectionId}/${seat}`;
        expect(owners.get(key), `${key} held by ${owners.get(key)} and ${id}`).toBeUndefined();
        owners.set(key, id);
      }
    }
    const counts = await allCounts(fresh);
    expect(counts.courtside).toEqual({ held: 8, sold: 2, available: 0 });
    expect(counts['102']).toMatchObject({ held: 12, sold: 0 });
    for (const section of ['courtside', '102']) {
      const map = (await fresh.foundation.commerce.seats.seatMap(LAKERS, section))!;
      const taken = Object.values(map).join('').replace(/\./g, '').length;
      expect(taken).toBe(counts[section]!.held + counts[section]!.sold);
    }
  });
});
