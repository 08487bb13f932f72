import type { EventInventory } from '../seats/seat.store.js';
import { ORDER_STATES, type Order, type OrderState } from './order.js';

/** One event's sales as staff see them; amounts in the event's currency, in minor units (cents). */
export interface SalesSummary {
  event: string;
  currency: string;
  tickets: {
    /** Tickets paid for (orders paid, fulfilled or since refunded). */
    sold: number;
    /** Of those, voided by refunds. */
    refunded: number;
    /** sold − refunded: tickets that still get someone in. */
    valid: number;
  };
  /** The seat engine's counts, summed over sections. */
  seats: { capacity: number; held: number; sold: number; available: number };
  /** Seat upgrades paid for: taken (seats swapped), or paid back because they could not be given. */
  upgrades: { taken: number; paidBack: number; amount: number };
  revenue: {
    /** Amounts of the orders and upgrades paid for. */
    gross: number;
    /** Amounts paid back: ticket refunds as Stripe confirmed them, and upgrade payments given back (Stripe accepted the refund). */
    refunded: number;
    /** gross − refunded. */
    net: number;
  };
  orders: { total: number; byState: Record<OrderState, number> };
  /** Ticket orders paid each day (UTC, the day the payment was confirmed): tickets and their amount, oldest day first. */
  byDay: Array<{ day: string; tickets: number; amount: number }>;
  /** Ticket orders paid per section, in the catalog's order of the sections sold. */
  bySection: Array<{ section: string; tickets: number; amount: number }>;
}

/** States an order reaches only once its money has come in. */
const PAID: ReadonlySet<OrderState> = new Set(['paid', 'fulfilled', 'refunded']);

/**
 * The arithmetic of the staff sales summary, from the event's order and
 * upgrade-offer records and its seat inventory. Tickets and orders count
 * ticket orders; revenue adds the upgrades paid for.
 */
export function summarizeSales(input: { eventId: string; currency: string; orders: readonly Order[]; inventory: EventInventory }): SalesSummary {
  const records = input.orders.filter((order) => order.eventId === input.eventId);
  const tickets = records.filter((order) => order.kind === 'tickets');
  const taken = records.filter((offer) => offer.kind === 'upgrade' && offer.state === 'fulfilled');
  const paidBack = records.filter((offer) => offer.kind === 'upgrade' && offer.state === 'refunded');
  const upgradeAmount = sum([...taken, ...paidBack].map((offer) => offer.amount));
  const paid = tickets.filter((order) => PAID.has(order.state));
  const sold = sum(paid.map((order) => order.quantity));
  // A fully refunded order voids every ticket it had; a partial refund lists the ones it voided.
  const refundedTickets = sum(paid.map((order) => (order.state === 'refunded' ? order.quantity : order.refundedTickets.length)));
  const gross = sum(paid.map((order) => order.amount)) + upgradeAmount;
  // Ticket refunds, and upgrade payments given back: in full, or their share of refunded tickets.
  const refunded = sum(tickets.map((order) => order.refundedAmount)) + sum([...taken, ...paidBack].map((offer) => offer.refundedAmount));
  const byState = Object.fromEntries(ORDER_STATES.map((state) => [state, 0])) as Record<OrderState, number>;
  for (const order of tickets) byState[order.state] += 1;
  const sections = input.inventory.sections;
  return {
    event: input.eventId,
    currency: input.currency,
    tickets: { sold, refunded: refundedTickets, valid: sold - refundedTickets },
    seats: {
      capacity: sum(sections.map((s) => s.capacity)),
      held: sum(sections.map((s) => s.held)),
      sold: sum(sections.map((s) => s.sold)),
      available: sum(sections.map((s) => s.available)),
    },
    upgrades: { taken: taken.length, paidBack: paidBack.length, amount: upgradeAmount },
    revenue: { gross, refunded, net: gross - refunded },
    orders: { total: tickets.length, byState },
    byDay: [...tally(paid, paidDay)].sort(([a], [b]) => a.localeCompare(b)).map(([day, group]) => ({ day, ...group })),
    bySection: sections.flatMap((section) => {
      const group = tally(paid, (order) => order.sectionId).get(section.id);
      return group ? [{ section: section.id, ...group }] : [];
    }),
  };
}

/** The day (UTC) an order's payment was confirmed: its move to paid, or its creation for a record without one. */
function paidDay(order: Order): string {
  return (order.timeline.find((entry) => entry.to === 'paid')?.at ?? order.createdAt).slice(0, 10);
}

/** Tickets and amounts of paid orders, grouped by `key`. */
function tally(orders: readonly Order[], key: (order: Order) => string): Map<string, { tickets: number; amount: number }> {
  const groups = new Map<string, { tickets: number; amount: number }>();
  for (const order of orders) {
    const group = groups.get(key(order)) ?? { tickets: 0, amount: 0 };
    group.tickets += order.quantity;
    group.amount += order.amount;
    groups.set(key(order), group);
  }
  return groups;
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
