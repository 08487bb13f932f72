// Giving tickets to a friend by text or chat: the bot says which tickets go
// to whom, the customer answers YES, the recipient gets a text with a ticket
// page of their own, the given codes refuse at the door ('transferred') and
// the new ones admit; the recipient asks STATUS and gives them on in turn.
// Refused with a clear reply: an own number, a number that texted STOP,
// more tickets than there are, a ticket used at the door, a refunded order,
// past the event's cut-off, past the per-order limit, and a NO. Against the
// test Redis and the local Stripe and Twilio servers.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order } from '../src/orders/order.js';
import { startBotConnector, type BotConnectorServer } from './support/bot-connector.server.js';
import { startBoxOffice, TEST_STAFF_TOKEN, type BoxOffice } from './support/box-office.harness.js';
import { chatUser } from './support/chat-user.js';
import { HOUR_MS, startsAtIn } from './support/dates.js';
import { buyAndPay, staffRefund, stripeRefundsOf } from './support/purchases.js';
import { jobEnd, newPhone, smsTo, staffOrder, textBoxOffice } from './support/sms.client.js';
import { postStripeEvent, refundEvent, stripeEvent } from './support/stripe-events.js';
import { offerUpgrade } from './support/upgrades.js';
import { createWebServices } from '../src/roles/web.services.js';
import { createWorkerServices } from '../src/roles/worker.services.js';
import { processReconcile } from '../src/jobs/reconcile.job.js';
import { QueuedNotices } from '../src/queue/notice.producers.js';
import { PendingTransfers } from '../src/tickets/pending-transfers.store.js';
import { TransferService } from '../src/tickets/transfer.service.js';
import pino from 'pino';

let office: BoxOffice;
let connector: BotConnectorServer;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'transfer-catalog-'));
  const sections = [
    { id: '101', name: 'Section 101', tier: 1, price: 10_000, rows: { A: 20, B: 20, C: 20 } },
    { id: 'front', name: 'Front Row', tier: 2, price: 20_000, rows: { F: 20 } },
  ];
  const base = { venue: 'Town Hall', currency: 'usd', sections, refundPolicy: 'Refunds up to 1 hour before the show.', refundableUntilHours: 1 };
  writeFileSync(
    join(dir, 'events.json'),
    JSON.stringify({
      events: [
        { ...base, id: 'river-show', name: 'River Show', aliases: ['river show'], startsAt: startsAtIn(20 * HOUR_MS) },
        // Transfers close 12 hours before; it starts in 10.
        { ...base, id: 'closing-night', name: 'Closing Night', aliases: ['closing night'], startsAt: startsAtIn(10 * HOUR_MS), transferCutoffHours: 12 },
      ],
    }),
  );
  connector = await startBotConnector();
  office = await startBoxOffice({ env: { CATALOG_PATH: join(dir, 'events.json'), CHECKIN_OPENS_HOURS_BEFORE: '48', MAX_TRANSFERS_PER_ORDER: '2' } });
});

afterAll(async () => {
  await office?.stop();
  await connector?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** +12065550123 as "+1 206-555-0123", the way the bot writes numbers. */
const shown = (phone: string) => phone.replace(/^\+1(\d{3})(\d{3})(\d{4})$/, '+1 $1-$2-$3');
/** A phone number as a customer types it. */
const typed = (phone: string) => phone.replace(/^\+1(\d{3})(\d{3})(\d{4})$/, '($1) $2-$3');

async function say(phone: string, text: string): Promise<string> {
  return (await textBoxOffice(office, phone, text)).messages.join('\n');
}

async function checkin(code: string): Promise<{ status: number; reason?: string }> {
  const response = await fetch(`${office.url}/staff/checkin`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_STAFF_TOKEN}` },
    body: JSON.stringify({ code }),
  });
  const body = (await response.json()) as { reason?: string };
  return { status: response.status, reason: body.reason };
}

/** The recipient's order: the one order the number has. */
async function ordersOf(phone: string): Promise<Order[]> {
  return office.foundation.commerce.orders.listByCustomer('sms', phone);
}

/** Waits for the recipient's text and returns it. */
async function giftText(order: Order): Promise<string> {
  expect((await jobEnd(office, 'sms', `transferred_in-${order.id}`)).state).toBe('completed');
  const [text, ...more] = smsTo(office, order.customer.address);
  expect(more).toEqual([]);
  return text!;
}

describe('giving tickets to someone by text', () => {
  it('asks which ticket goes to whom, and on YES reissues it to the recipient, whose text links their own page', async () => {
    const sender = newPhone();
    const friend = newPhone();
    const order = await buyAndPay(office, sender, '2 tickets river show section 101');
    const question = await say(sender, `send 1 ticket to ${typed(friend)}`);
    const given = order.tickets[1]!;
    expect(question).toContain(`Send 1 ticket for River Show`);
    expect(question).toContain(`Section 101, row A, seat ${order.seats[1]!.split('-')[1]}`);
    expect(question).toContain(`to ${shown(friend)}?`);
    expect(question).toContain(`${given} will no longer work`);
    expect(await ordersOf(friend)).toEqual([]);

    const done = await say(sender, 'YES');
    expect(done).toBe(`Sent: 1 ticket to ${shown(friend)}, who gets a text with it now. You keep ${order.tickets[0]} (order ${order.id}).`);
    const [gift] = await ordersOf(friend);
    expect(gift).toMatchObject({ state: 'fulfilled', transferredFrom: order.id, eventId: 'river-show', sectionId: '101', seats: [order.seats[1]], quantity: 1, amount: 0 });
    const text = await giftText(gift!);
    expect(text).toMatch(/^A friend sent you a ticket from the Box Office: River Show, .+, Town Hall\. Section 101, row A, seat \d+\.\n/);
    expect(text).toContain(`Your tickets: ${gift!.tickets[0]}\n`);
    expect(text).toMatch(/\nShow their QR codes at the door: \S+\/t\/[A-Za-z0-9_-]{22}\nOrder BX-\w+\. Reply STATUS to see them, STOP to opt out\.$/);
    expect(text).not.toContain(sender);
    // The recipient's own page: their new code, valid, with its QR code; nothing of the giver's order.
    const giftPage = await (await fetch(`${office.url}/t/${/\/t\/([A-Za-z0-9_-]{22})/.exec(text)![1]}`)).text();
    expect(giftPage).toContain(`<section class="ticket valid" data-code="${gift!.tickets[0]}">`);
    expect(giftPage).not.toContain(order.id);

    // At the door: the given code refuses, the new one and the kept one admit.
    expect(await checkin(given)).toEqual({ status: 409, reason: 'transferred' });
    expect((await checkin(gift!.tickets[0]!)).status).toBe(200);
    expect((await checkin(order.tickets[0]!)).status).toBe(200);
    // Staff see it on both timelines.
    expect((await staffOrder(office, order.id)).timeline.find((entry) => entry.cause === `transfer-out:${gift!.id}`)?.note).toMatch(/^1 ticket \(.+\) given to \S+ as order BX-/);
    expect((await staffOrder(office, gift!.id)).timeline.some((entry) => entry.cause === `transfer:${order.id}`)).toBe(true);
    // The sender's page shows it given away.
    const senderPage = /\/t\/([A-Za-z0-9_-]{22})/.exec(smsTo(office, sender).find((message) => message.startsWith('Paid'))!)![1];
    const page = await (await fetch(`${office.url}/t/${senderPage}`)).text();
    expect(page).toContain('No longer valid: given to someone else.');
  });

  it('gives every ticket of the order, and the recipient asks STATUS and gives them on in turn', async () => {
    const sender = newPhone();
    const friend = newPhone();
    const third = newPhone();
    const order = await buyAndPay(office, sender, '2 tickets river show section 101');
    await say(sender, `give my tickets to ${friend.replace('+1', '')}`);
    expect(await say(sender, 'yes')).toBe(`Sent: 2 tickets to ${shown(friend)}, who gets a text with them now. Order ${order.id} has no tickets left with you.`);
    const [gift] = await ordersOf(friend);
    expect(gift!.tickets).toHaveLength(2);
    const giftPage = /\S+\/t\/[A-Za-z0-9_-]{22}/.exec(await giftText(gift!))![0];

    // STATUS lists the recipient's tickets with the same page as their text.
    const status = await say(friend, 'status');
    expect(status).toContain(gift!.id);
    expect(status).toContain(gift!.tickets[0]!);
    expect(status).toContain(`QR codes: ${giftPage}`);

    await say(friend, `transfer 1 to ${third}`);
    expect(await say(friend, 'YES')).toContain(`Sent: 1 ticket to ${shown(third)}`);
    const [onward] = await ordersOf(third);
    expect(onward!.transferredFrom).toBe(gift!.id);
    await giftText(onward!);
    expect(await checkin(gift!.tickets[1]!)).toEqual({ status: 409, reason: 'transferred' });
    expect((await checkin(onward!.tickets[0]!)).status).toBe(200);
    // The original codes refuse too: every code ever issued for the seat but the holder's.
    for (const code of order.tickets) expect((await checkin(code)).reason).toBe('transferred');
  });

  it('gives by chat, naming the giver by their chat name', async () => {
    const chat = chatUser(office.url, connector);
    const friend = newPhone();
    await chat.say('2 tickets river show section 101');
    const [order] = await office.foundation.commerce.orders.listByCustomer('chat', chat.address);
    office.stripe!.markPaid(order!.stripeSessionId!);
    const paid = stripeEvent('checkout.session.completed', office.stripe!.sessions.get(order!.stripeSessionId!)!);
    await postStripeEvent(office, paid);
    await jobEnd(office, 'payments', paid.id);
    const named = (text: string) => {
      const message = chat.message(text);
      return { ...message, from: { id: chat.userId, name: 'Maria Lopez', role: 'user' } };
    };
    const ask = named(`send 1 ticket to ${friend}`);
    expect(await chat.post(ask)).toBe(200);
    expect(chat.repliesTo(ask)[0]?.text).toContain(`to ${shown(friend)}?`);
    const yes = named('Yes');
    expect(await chat.post(yes)).toBe(200);
    expect(chat.repliesTo(yes)[0]?.text).toContain('Sent: 1 ticket');
    const [gift] = await ordersOf(friend);
    expect(await giftText(gift!)).toMatch(/^Maria Lopez sent you a ticket from the Box Office: River Show/);
  });

  it('refuses, with a reply that says why, what cannot be given', async () => {
    const sender = newPhone();
    const order = await buyAndPay(office, sender, '2 tickets river show section 101');
    const stopped = newPhone();
    await textBoxOffice(office, stopped, 'STOP', { OptOutType: 'STOP' });

    expect(await say(sender, `send 1 ticket to ${sender}`)).toBe("That's your own number: those tickets are already yours.");
    expect(await say(sender, `send 1 ticket to ${stopped}`)).toMatch(/^That number has asked for no texts from us/);
    expect(await say(sender, `send 5 tickets to ${newPhone()}`)).toBe(`Order ${order.id} has only 2 tickets you can send.`);
    expect(await say(sender, 'send 1 ticket to 555 0100')).toMatch(/^I could not read that phone number/);

    // NO keeps them.
    const friend = newPhone();
    await say(sender, `send 1 ticket to ${friend}`);
    expect(await say(sender, 'no')).toBe('Okay, nothing was sent: your tickets stay with you.');
    expect(await ordersOf(friend)).toEqual([]);

    // A ticket used at the door stays: only the other can go.
    expect((await checkin(order.tickets[1]!)).status).toBe(200);
    expect(await say(sender, `send 2 tickets to ${friend}`)).toBe(`Tickets already used at the door can't be sent: order ${order.id} has 1 ticket you can send.`);
    // The one that can go is the one not used.
    expect(await say(sender, `send 1 ticket to ${friend}`)).toContain(`${order.tickets[0]} will no longer work`);
    await say(sender, 'no');
    // Nothing of that changed the order.
    expect((await staffOrder(office, order.id)).transferredTickets).toEqual([]);
    expect(smsTo(office, stopped)).toEqual([]);
  });

  it('refuses a refunded order, past the cut-off, and past the limit per order', async () => {
    const refunded = newPhone();
    const order = await buyAndPay(office, refunded, '1 ticket river show section 101');
    expect((await staffRefund(office, order.id)).status).toBe(202);
    const [refund] = stripeRefundsOf(office, order);
    const event = refundEvent(office, 'refund.created', refund!.id);
    await postStripeEvent(office, event);
    await jobEnd(office, 'payments', event.id);
    expect(await say(refunded, `send 1 ticket from ${order.id} to ${newPhone()}`)).toBe(`The tickets of order ${order.id} were refunded, so they can't be sent.`);

    const late = newPhone();
    const closing = await buyAndPay(office, late, '1 ticket closing night section 101');
    expect(await say(late, `send my ticket to ${newPhone()}`)).toBe(`It's too late to send the tickets of order ${closing.id} to someone: transfers for this event have closed.`);

    // MAX_TRANSFERS_PER_ORDER is 2 here.
    const sender = newPhone();
    const many = await buyAndPay(office, sender, '3 tickets river show section 101');
    for (let i = 0; i < 2; i += 1) {
      await say(sender, `send 1 ticket to ${newPhone()}`);
      expect(await say(sender, 'yes')).toContain('Sent: 1 ticket');
    }
    expect(await say(sender, `send 1 ticket to ${newPhone()}`)).toBe(`The tickets of order ${many.id} have been sent on as many times as we allow. Ask the box office if you need help.`);
  });

  it('keeps money and seats honest: no upgrade of a split order, the giver refunds only what they kept, the recipient has nothing to refund', async () => {
    const sender = newPhone();
    const friend = newPhone();
    const order = await buyAndPay(office, sender, '2 tickets river show section 101');
    await say(sender, `send 1 ticket to ${friend}`);
    await say(sender, 'yes');
    const [gift] = await ordersOf(friend);

    // An upgrade moves an order's seats together: not when they now belong to two people.
    for (const id of [order.id, gift!.id]) {
      const offered = await offerUpgrade(office, id, { section: 'front' });
      expect(offered.status, id).toBe(409);
      expect(offered.body.error).toBe('tickets_given_away');
    }

    const refund = await staffRefund(office, order.id);
    expect(refund.status).toBe(202);
    expect(refund.body.refund).toMatchObject({ amount: 10_000, tickets: [order.tickets[0]] });
    expect((await staffRefund(office, gift!.id)).status).toBe(409);
    expect(await say(friend, 'cancel my order')).toBe(`The tickets of order ${gift!.id} were given to you, so there is no payment of yours to refund. You can send them on to someone else.`);
    // The gift still admits.
    expect((await checkin(gift!.tickets[0]!)).status).toBe(200);
  });

  it('gives the tickets once when the same confirmed transfer runs twice (a retried turn)', async () => {
    const sender = newPhone();
    const friend = newPhone();
    const order = await buyAndPay(office, sender, '2 tickets river show section 101');
    const { transfers } = createWebServices(office.foundation);
    const planned = await transfers.plan(order, { to: friend, quantity: 1 }, order.customer);
    expect(planned.ok).toBe(true);
    const plan = (planned as Extract<typeof planned, { ok: true }>).plan;
    const first = await transfers.transfer(plan, order.customer);
    const again = await transfers.transfer(plan, order.customer);
    expect(first.ok && again.ok).toBe(true);
    expect((again as { order: Order }).order.id).toBe((first as { order: Order }).order.id);
    expect(await ordersOf(friend)).toHaveLength(1);
    const after = await staffOrder(office, order.id);
    expect(after.transferredTickets).toEqual(plan.tickets);
    expect(after.timeline.filter((entry) => entry.cause.startsWith('transfer-out:'))).toHaveLength(1);
    await giftText((first as { order: Order }).order);
  });

  it("is finished by reconciliation when cut short between the giver's order and the recipient's", async () => {
    const sender = newPhone();
    const friend = newPhone();
    const order = await buyAndPay(office, sender, '2 tickets river show section 101');
    const { commerce, redis, keyPrefix, queues } = office.foundation;
    // A box office that dies as it makes the recipient's order: the giver's tickets are already marked given.
    const dying = new TransferService({
      ...commerce,
      orders: {
        get: (id) => commerce.orders.get(id),
        transition: (id, request) => commerce.orders.transition(id, request),
        note: (id, cause, note, patch) => commerce.orders.note(id, cause, note, patch),
        create: async () => Promise.reject(new Error('the process died here')),
      },
      notices: new QueuedNotices(queues.notifications),
      optedOut: async () => false,
      refundUnderway: async () => false,
      maxPerOrder: 5,
      pending: new PendingTransfers(redis, keyPrefix),
    });
    const planned = await dying.plan(order, { to: friend, quantity: 1 }, order.customer);
    const plan = (planned as Extract<typeof planned, { ok: true }>).plan;
    await expect(dying.transfer(plan, order.customer)).rejects.toThrow('the process died here');
    expect((await staffOrder(office, order.id)).transferredTickets).toEqual(plan.tickets);
    expect(await ordersOf(friend)).toEqual([]);

    const { reconcile } = createWorkerServices(office.foundation);
    const log = pino({ level: 'silent' });
    // Within the grace the transfer may still be finishing on its own: left alone.
    expect((await processReconcile({}, { ...reconcile, log })).transfersFinished).toBe(0);
    const summary = await processReconcile({}, { ...reconcile, log, now: () => Date.now() + 6 * 60_000 });
    expect(summary.transfersFinished).toBe(1);
    const [gift] = await ordersOf(friend);
    expect(gift).toMatchObject({ id: plan.newOrderId, state: 'fulfilled', transferredFrom: order.id });
    await giftText(gift!);
    expect(await checkin(plan.tickets[0]!)).toEqual({ status: 409, reason: 'transferred' });
    expect((await checkin(gift!.tickets[0]!)).status).toBe(200);
    // Finished once: the next run has nothing to do.
    expect((await processReconcile({}, { ...reconcile, log, now: () => Date.now() + 12 * 60_000 })).transfersFinished).toBe(0);
  });
});

