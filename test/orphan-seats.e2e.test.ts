// The seat state is the truth. A hold whose allocation record is gone (a
// key lost to an operator's mistake or a partial restore) still has its
// seats marked held: they are freed when nothing live owns them, a customer
// leaving such a hold really gets the seats released, and seats that a live
// order still owns are never freed from under it.
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { processReconcile } from '../src/jobs/reconcile.job.js';
import { createWorkerServices } from '../src/roles/worker.services.js';
import { SeatKeys } from '../src/seats/seat.keys.js';
import { startBoxOffice, type BoxOffice } from './support/box-office.harness.js';
import { LAKERS, newPhone, sectionInventory, staffOrder, textBoxOffice } from './support/sms.client.js';
import { holdSeats } from './support/sms-orders.js';

const MINUTE = 60_000;

let office: BoxOffice;

beforeEach(async () => {
  office = await startBoxOffice();
});

afterEach(async () => {
  await office?.stop();
});

/** Deletes the allocation record of a hold, leaving its seats marked held. */
async function loseAllocation(orderId: string): Promise<void> {
  const key = new SeatKeys(office.foundation.keyPrefix).allocation(LAKERS, orderId);
  expect(await office.foundation.redis.del(key)).toBe(1);
}

async function reconcileAt(now: number) {
  const { reconcile } = createWorkerServices(office.foundation);
  return processReconcile({}, { ...reconcile, log: pino({ level: 'silent' }), now: () => now });
}

const SECTIONS: Array<[string, string]> = [
  ['seats in a row', '101'],
  ['standing places', 'ga'],
];
const ASK: Record<string, string> = { '101': '2 tickets lakers section 101', ga: '2 tickets lakers standing' };

describe('a hold whose allocation record is gone', () => {
  it.each(SECTIONS)('of %s is truly released when the customer leaves it, and the customer is told so', async (_what, sectionId) => {
    const phone = newPhone();
    const before = await sectionInventory(office, sectionId);
    const orderId = await holdSeats(office, phone, ASK[sectionId]);
    expect((await sectionInventory(office, sectionId)).held).toBe(before.held + 2);
    await loseAllocation(orderId);

    const reply = await textBoxOffice(office, phone, 'exit');

    expect((await staffOrder(office, orderId)).state).toBe('cancelled');
    const after = await sectionInventory(office, sectionId);
    expect(after.held).toBe(before.held);
    expect(after.available).toBe(before.available);
    expect(reply.messages.join(' ')).toMatch(/released/);
  });

  it.each(SECTIONS)('of %s is freed by reconciliation once no live allocation or order owns it', async (_what, sectionId) => {
    const before = await sectionInventory(office, sectionId);
    const orderId = await holdSeats(office, newPhone(), ASK[sectionId]);
    const { holdExpiresAt } = await staffOrder(office, orderId);
    // Neither the allocation nor the order record is left: only the seat state says the places are held.
    await loseAllocation(orderId);
    await office.foundation.redis.del(...office.foundation.commerce.orders.orderKeys(orderId));

    const summary = await reconcileAt(holdExpiresAt + 10 * MINUTE);

    expect(summary.errors).toBe(0);
    expect(summary.seatsFreed).toBe(2);
    const after = await sectionInventory(office, sectionId);
    expect(after.held).toBe(before.held);
    expect(after.available).toBe(before.available);
    // The next run finds nothing more to free.
    expect((await reconcileAt(holdExpiresAt + 20 * MINUTE)).seatsFreed).toBe(0);
  });

  it.each(SECTIONS)('of %s is kept while its order is still waiting for payment', async (_what, sectionId) => {
    const before = await sectionInventory(office, sectionId);
    const orderId = await holdSeats(office, newPhone(), ASK[sectionId]);
    await loseAllocation(orderId);

    await reconcileAt(Date.now() + MINUTE);

    expect((await staffOrder(office, orderId)).state).toBe('awaiting_payment');
    expect((await sectionInventory(office, sectionId)).held).toBe(before.held + 2);
  });
});
