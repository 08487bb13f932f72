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
  revenue: {
    /** Amounts of the orders paid for. */
    gross: number;
    /** Amounts paid back, as Stripe confirmed them. */
    refunded: number;
    /** gross − refunded. */
    net: number;
  };
  orders: { total: number; byState: Record<OrderState, number> };
}

/** States an order reaches only once its money has come in. */
const PAID: ReadonlySet<OrderState> = new Set(['paid', 'fulfilled', 'refunded']);

/**
 * The arithmetic of the staff sales summary, from the event's order records
 * and its seat inventory. Counts ticket orders only: seat upgrades' payments
 * are to be added here when upgrades are paid for.
 */
export function summarizeSales(input: { eventId: string; currency: string; orders: readonly Order[]; inventory: EventInventory }): SalesSummary {
  const tickets = input.orders.filter((order) => order.eventId === input.eventId && order.kind === 'tickets');
  const paid = tickets.filter((order) => PAID.has(order.state));
  const sold = sum(paid.map((order) => order.quantity));
  // A fully refunded order voids every ticket it had; a partial refund lists the ones it voided.
  const refundedTickets = sum(paid.map((order) => (order.state === 'refunded' ? order.quantity : order.refundedTickets.length)));
  const gross = sum(paid.map((order) => order.amount));
  const refunded = sum(tickets.map((order) => order.refundedAmount));
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
    revenue: { gross, refunded, net: gross - refunded },
    orders: { total: tickets.length, byState },
  };
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
