// The sales summary's arithmetic on its own, from order records as the store holds them.
import { describe, expect, it } from 'vitest';
import type { Order, OrderState } from '../src/orders/order.js';
import { summarizeSales } from '../src/orders/sales-summary.js';
import type { EventInventory } from '../src/seats/seat.store.js';

const EVENT = 'gala-night';
const inventory: EventInventory = {
  event: EVENT,
  sections: [
    { id: '101', name: 'Section 101', tier: 1, capacity: 40, held: 2, sold: 5, available: 33 },
    { id: 'ga', name: 'Standing', tier: 0, capacity: 100, held: 0, sold: 1, available: 99 },
  ],
};

let next = 0;
function order(state: OrderState, fields: Partial<Order> = {}): Order {
  next += 1;
  const quantity = fields.quantity ?? 2;
  const tickets = ['paid', 'held', 'awaiting_payment', 'expired', 'cancelled', 'payment_failed'].includes(state) ? [] : Array.from({ length: quantity }, (_, i) => `BX-T${next}-${i}`);
  return {
    id: `BX-T${next}`,
    kind: 'tickets',
    state,
    customer: { channel: 'sms', address: '+15550001111' },
    eventId: EVENT,
    sectionId: '101',
    quantity,
    seats: [],
    unitAmount: 10_000,
    amount: quantity * 10_000,
    currency: 'usd',
    holdExpiresAt: 0,
    tickets,
    refundedTickets: [],
    transferredTickets: [],
    refundedAmount: 0,
    createdAt: '2026-11-23T10:00:00.000Z',
    updatedAt: '2026-11-23T10:00:00.000Z',
    timeline: [],
    ...fields,
  };
}

describe('summarizeSales', () => {
  it('counts money in for paid, fulfilled and refunded orders, and refunds as Stripe confirmed them', () => {
    const fulfilled = order('fulfilled', { quantity: 3 });
    const partly = order('fulfilled', { quantity: 2 });
    partly.refundedTickets = [partly.tickets[1]!];
    partly.refundedAmount = 10_000;
    const refunded = order('refunded', { quantity: 1, refundedAmount: 10_000 });
    const orders = [fulfilled, partly, refunded, order('paid', { quantity: 1 }), order('awaiting_payment'), order('expired'), order('cancelled')];

    const summary = summarizeSales({ eventId: EVENT, currency: 'usd', orders, inventory });

    expect(summary.tickets).toEqual({ sold: 3 + 2 + 1 + 1, refunded: 1 + 1, valid: 5 });
    expect(summary.revenue).toEqual({ gross: 70_000, refunded: 20_000, net: 50_000 });
    expect(summary.orders.total).toBe(7);
    expect(summary.orders.byState).toEqual({ held: 0, awaiting_payment: 1, paid: 1, fulfilled: 2, expired: 1, cancelled: 1, payment_failed: 0, refunded: 1 });
  });

  it("groups paid tickets by the day they were paid and by section, in the catalog's order", () => {
    const paidOn = (day: string, fields: Partial<Order>) => order('fulfilled', { ...fields, timeline: [{ at: `${day}T18:00:00.000Z`, from: 'awaiting_payment', to: 'paid', cause: 'stripe:evt' }] });
    const orders = [
      paidOn('2026-11-25', { quantity: 2, sectionId: 'ga', amount: 10_000 }),
      paidOn('2026-11-24', { quantity: 3 }),
      paidOn('2026-11-25', { quantity: 1 }),
      order('awaiting_payment'),
    ];
    const summary = summarizeSales({ eventId: EVENT, currency: 'usd', orders, inventory });
    expect(summary.byDay).toEqual([
      { day: '2026-11-24', tickets: 3, amount: 30_000 },
      { day: '2026-11-25', tickets: 3, amount: 20_000 },
    ]);
    expect(summary.bySection).toEqual([
      { section: '101', tickets: 4, amount: 40_000 },
      { section: 'ga', tickets: 2, amount: 10_000 },
    ]);
  });

  it('takes seat counts from the inventory, summed over sections', () => {
    expect(summarizeSales({ eventId: EVENT, currency: 'usd', orders: [], inventory }).seats).toEqual({ capacity: 140, held: 2, sold: 6, available: 132 });
  });

  it('adds the upgrades paid for to revenue, and what was given back of them to refunds; leaves out open offers and other events', () => {
    const upgrade = (state: OrderState, amount: number, refundedAmount = 0) => order(state, { kind: 'upgrade', upgradeOf: 'BX-T1', amount, refundedAmount, tickets: [] });
    const orders = [
      // Taken, and its share of one refunded ticket since paid back.
      upgrade('fulfilled', 5_000, 2_500),
      // Paid after its order ended: given back in full.
      upgrade('refunded', 7_000, 7_000),
      upgrade('awaiting_payment', 9_000),
      upgrade('expired', 9_000),
      order('fulfilled', { eventId: 'another-event' }),
    ];

    const summary = summarizeSales({ eventId: EVENT, currency: 'usd', orders, inventory });

    expect(summary.tickets).toEqual({ sold: 0, refunded: 0, valid: 0 });
    expect(summary.upgrades).toEqual({ taken: 1, paidBack: 1, amount: 12_000 });
    expect(summary.revenue).toEqual({ gross: 12_000, refunded: 9_500, net: 2_500 });
    expect(summary.orders.total).toBe(0);
  });
});
