// The reminder before the show: queued at fulfilment as a job delayed until
// REMINDER_HOURS_BEFORE the event's start, sent once on the customer's
// channel with the ticket page link, never to a number that texted STOP, not
// for an order refunded meanwhile, none for tickets bought after that point,
// still sent by a box office started again, and queued again by
// reconciliation when its job is lost. The delay is not waited out: the test
// promotes the delayed job, as the clock reaching its time would.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processReconcile } from '../src/jobs/reconcile.job.js';
import { NOT_WANTED } from '../src/jobs/notification.job.js';
import { createWorkerServices } from '../src/roles/worker.services.js';
import { startBoxOffice, type BoxOffice } from './support/box-office.harness.js';
import { HOUR_MS, startsAtIn } from './support/dates.js';
import { buyAndPay, staffRefund, stripeRefundsOf } from './support/purchases.js';
import { jobEnd, newPhone, smsTo, staffOrder, textBoxOffice } from './support/sms.client.js';
import { postStripeEvent, refundEvent, sessionEvent } from './support/stripe-events.js';

const MINUTE = 60_000;
const run = `reminder-${process.pid}-${Date.now()}`;
const prefixes = { keyPrefix: `t-${run}:`, queuePrefix: `t-${run}` };
let office: BoxOffice;
let dir: string;
let catalogPath: string;
let farStartsAt: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'reminder-catalog-'));
  catalogPath = join(dir, 'events.json');
  farStartsAt = startsAtIn(30 * 24 * HOUR_MS);
  const sections = [{ id: '101', name: 'Section 101', tier: 1, price: 10_000, rows: { A: 20, B: 20 } }];
  const base = { venue: 'Town Hall', currency: 'usd', sections, refundPolicy: 'Refunds up to 48 hours before the show.', refundableUntilHours: 48 };
  writeFileSync(
    catalogPath,
    JSON.stringify({
      events: [
        { ...base, id: 'harbor-lights', name: 'Harbor Lights', aliases: ['harbor lights'], startsAt: farStartsAt },
        // Starts in 10 hours: inside the 24 hours, so its buyers get no reminder.
        { ...base, id: 'midnight-jazz', name: 'Midnight Jazz', aliases: ['midnight jazz'], startsAt: startsAtIn(10 * HOUR_MS) },
      ],
    }),
  );
  office = await startOffice();
});

afterAll(async () => {
  await office?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function startOffice(): Promise<BoxOffice> {
  return startBoxOffice({ ...prefixes, env: { CATALOG_PATH: catalogPath, REMINDER_HOURS_BEFORE: '24' } });
}

const reminderId = (orderId: string) => `reminder-${orderId}`;

async function reminderJob(orderId: string) {
  return office.foundation.queues.notifications.getJob(reminderId(orderId));
}

/** The reminder's time comes: its delayed job is moved to run now. */
async function timeComes(orderId: string): Promise<void> {
  const job = await reminderJob(orderId);
  expect(await job?.getState()).toBe('delayed');
  await job!.promote();
}

const remindersTo = (phone: string) => smsTo(office, phone).filter((text) => text.startsWith('See you soon'));

describe('the reminder before the show', () => {
  it('is queued at fulfilment for 24 hours before the start, and sent once, by SMS, with the ticket page link', async () => {
    const phone = newPhone();
    const order = await buyAndPay(office, phone, '2 tickets harbor lights section 101');
    const job = await reminderJob(order.id);
    expect(job).toBeDefined();
    const due = Date.parse(farStartsAt) - 24 * HOUR_MS;
    expect(Math.abs(job!.timestamp + job!.delay - due)).toBeLessThan(MINUTE);

    // A duplicate of Stripe's event queues no second reminder.
    const duplicate = sessionEvent(office, 'checkout.session.completed', order.stripeSessionId!);
    await postStripeEvent(office, duplicate);
    await jobEnd(office, 'payments', duplicate.id);
    expect((await office.foundation.queues.notifications.getDelayed()).filter((delayed) => delayed.id === reminderId(order.id))).toHaveLength(1);

    await timeComes(order.id);
    expect((await jobEnd(office, 'notifications', reminderId(order.id))).state).toBe('completed');
    const [reminder, ...more] = remindersTo(phone);
    expect(more).toEqual([]);
    expect(reminder).toMatch(/^See you soon: Harbor Lights, \w{3} \w{3} \d{1,2}, .+, Town Hall\. Section 101, row A, seats \d+-\d+\.\n/);
    expect(reminder).toContain(`Your tickets: ${order.tickets.join(', ')}`);
    const ticketsText = smsTo(office, phone).find((text) => text.startsWith('Paid'))!;
    const link = /\S+\/t\/[A-Za-z0-9_-]{22}/.exec(ticketsText)![0];
    expect(reminder).toContain(`Their QR codes for the door: ${link}`);
    expect((await staffOrder(office, order.id)).timeline.filter((entry) => entry.cause === 'notify:reminder')).toHaveLength(1);
  });

  it('is never sent to a number that texted STOP after buying', async () => {
    const phone = newPhone();
    const order = await buyAndPay(office, phone, '1 ticket harbor lights section 101');
    await textBoxOffice(office, phone, 'STOP', { OptOutType: 'STOP' });
    const before = office.twilio.requests.filter((request) => request.method === 'POST' && request.body.To === phone).length;
    await timeComes(order.id);
    await jobEnd(office, 'notifications', reminderId(order.id));
    expect(office.twilio.requests.filter((request) => request.method === 'POST' && request.body.To === phone).length).toBe(before);
    expect(remindersTo(phone)).toEqual([]);
  });

  it('is not sent for an order refunded in full meanwhile', async () => {
    const phone = newPhone();
    const order = await buyAndPay(office, phone, '1 ticket harbor lights section 101');
    expect((await staffRefund(office, order.id)).status).toBe(202);
    const [refund] = stripeRefundsOf(office, order);
    const event = refundEvent(office, 'refund.created', refund!.id);
    await postStripeEvent(office, event);
    await jobEnd(office, 'payments', event.id);
    expect((await staffOrder(office, order.id)).state).toBe('refunded');
    await timeComes(order.id);
    expect((await jobEnd(office, 'notifications', reminderId(order.id))).returnvalue).toBe(NOT_WANTED);
    expect(remindersTo(phone)).toEqual([]);
  });

  it('is queued for the recipient of tickets given away, and sent to them', async () => {
    const sender = newPhone();
    const friend = newPhone();
    await buyAndPay(office, sender, '2 tickets harbor lights section 101');
    await textBoxOffice(office, sender, `send 1 ticket to ${friend}`);
    expect((await textBoxOffice(office, sender, 'YES')).messages.join('')).toContain('Sent: 1 ticket');
    const [gift] = await office.foundation.commerce.orders.listByCustomer('sms', friend);
    await jobEnd(office, 'sms', `transferred_in-${gift!.id}`);
    await timeComes(gift!.id);
    await jobEnd(office, 'notifications', reminderId(gift!.id));
    const [reminder] = remindersTo(friend);
    expect(reminder).toContain(`Your tickets: ${gift!.tickets[0]}`);
  });

  it('is not queued for tickets bought after its time', async () => {
    const order = await buyAndPay(office, newPhone(), '1 ticket midnight jazz section 101');
    expect(await reminderJob(order.id)).toBeUndefined();
  });

  it('is queued again by reconciliation when its job is lost, and sent once', async () => {
    const phone = newPhone();
    const order = await buyAndPay(office, phone, '1 ticket harbor lights section 101');
    await (await reminderJob(order.id))!.remove();
    const { reconcile } = createWorkerServices(office.foundation);
    const due = Date.parse(farStartsAt) - 24 * HOUR_MS;
    const log = pino({ level: 'silent' });
    // Before its time (and the grace) nothing is done; after it, the reminder is queued again.
    expect((await processReconcile({}, { ...reconcile, log, now: () => due - MINUTE })).remindersRequeued).toBe(0);
    const summary = await processReconcile({}, { ...reconcile, log, now: () => due + 6 * MINUTE });
    expect(summary.remindersRequeued).toBe(1);
    expect((await jobEnd(office, 'notifications', reminderId(order.id))).state).toBe('completed');
    expect(remindersTo(phone)).toHaveLength(1);
    // Sent: the next run settles it and queues nothing.
    const next = await processReconcile({}, { ...reconcile, log, now: () => due + 12 * MINUTE });
    expect(next.remindersRequeued).toBe(0);
    expect(remindersTo(phone)).toHaveLength(1);
  });

  it('is still sent by a box office started again', async () => {
    const phone = newPhone();
    const order = await buyAndPay(office, phone, '1 ticket harbor lights section 101');
    const twilioBefore = office.twilio;
    await office.stop();
    office = await startOffice();
    await timeComes(order.id);
    await jobEnd(office, 'notifications', reminderId(order.id));
    // The new box office's Twilio server got it (the old one is gone with the old office).
    expect(office.twilio).not.toBe(twilioBefore);
    expect(remindersTo(phone)).toHaveLength(1);
  });
});
