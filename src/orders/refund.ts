// What a refund is, and which tickets, seats and money a refund request
// covers. Pure functions: refund-request.service.ts and
// refund-settlement.service.ts do the I/O.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Order } from './order.js';
import { ID_ALPHABET } from './order-id.js';

/**
 * requested: recorded, sent to Stripe (or about to be), not yet confirmed;
 * succeeded: Stripe confirmed it and the tickets are void; failed: Stripe
 * refused it (nothing changed), or it failed after being accepted.
 */
export const REFUND_STATUSES = ['requested', 'succeeded', 'failed'] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];

/** `RF-` and 10 characters of the order-id alphabet. */
export const REFUND_ID_PATTERN = /^RF-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{10}$/;

export const refundRecordSchema = z.object({
  id: z.string().regex(REFUND_ID_PATTERN),
  orderId: z.string().min(1),
  /** The ticket codes this refund voids; empty for an order that was paid but never got tickets. */
  tickets: z.array(z.string()),
  /** The seats behind those tickets, which go back on sale; empty for general admission. */
  seats: z.array(z.string()),
  /** Places returned to sale (seats, or GA places). */
  places: z.number().int().nonnegative(),
  /** Minor units asked of Stripe. */
  amount: z.number().int().positive(),
  currency: z.string().min(3),
  status: z.enum(REFUND_STATUSES),
  /** Who asked: staff (the API) or the customer (the bot). */
  by: z.enum(['staff', 'customer']),
  /** Staff's words, kept on the refund and sent to Stripe as metadata. */
  reason: z.string().optional(),
  /** 1, then one more for each new try after Stripe refused one; part of the idempotency key. */
  attempt: z.number().int().positive(),
  stripeRefundId: z.string().optional(),
  /** Why Stripe refused or failed it, in Stripe's words. */
  error: z.string().optional(),
  requestedAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type RefundRecord = z.infer<typeof refundRecordSchema>;

/** The Stripe idempotency key of one attempt: the same request sent again makes no second refund. */
export function refundIdempotencyKey(record: Pick<RefundRecord, 'id' | 'attempt'>): string {
  return record.attempt === 1 ? `refund-${record.id}` : `refund-${record.id}-${record.attempt}`;
}

/**
 * The refund's id, derived from the order and the tickets it voids, so that
 * the same request made twice (a double click, a retry after a timeout, two
 * web processes) is one refund with one Stripe idempotency key.
 */
export function refundIdFor(orderId: string, tickets: readonly string[]): string {
  const digest = createHash('sha256')
    .update(`${orderId}\n${tickets.length === 0 ? '*' : [...tickets].sort().join(',')}`)
    .digest();
  let id = 'RF-';
  for (let i = 0; i < 10; i += 1) id += ID_ALPHABET[digest[i]! % ID_ALPHABET.length];
  return id;
}

/** Tickets still valid: issued, not voided by a refund, and not given to someone else. */
export function activeTickets(order: Pick<Order, 'tickets' | 'refundedTickets'> & Partial<Pick<Order, 'transferredTickets'>>): string[] {
  const voided = new Set([...order.refundedTickets, ...(order.transferredTickets ?? [])]);
  return order.tickets.filter((ticket) => !voided.has(ticket));
}

/** What a refund request covers. */
export interface RefundPlan {
  id: string;
  tickets: string[];
  seats: string[];
  places: number;
  amount: number;
  /** True when it leaves nothing paid for: the order ends `refunded`. */
  final: boolean;
}

export type RefundPlanRefusal = 'nothing_to_refund' | 'too_many_tickets' | 'bad_ticket_count';

/**
 * Which tickets, seats and amount a refund of `count` tickets covers (all
 * still valid tickets when `count` is undefined). A partial refund takes the
 * last tickets of the block, so the customer keeps seats together and the
 * freed seats sit at the block's edge. The last refund of an order takes
 * whatever is left of the amount paid, so the parts add up to the total
 * (less the share of tickets given to someone else).
 */
export function planRefund(order: Order, count?: number): { ok: true; plan: RefundPlan } | { ok: false; reason: RefundPlanRefusal } {
  if (count !== undefined && (!Number.isInteger(count) || count < 1)) return { ok: false, reason: 'bad_ticket_count' };
  // Tickets given away stay paid for: their share is the recipient's to use, not the sender's to take back.
  const given = order.unitAmount * (order.transferredTickets?.length ?? 0);
  const left = order.amount - order.refundedAmount - given;
  if (left <= 0) return { ok: false, reason: 'nothing_to_refund' };
  if (order.tickets.length === 0) {
    // Paid, but no tickets were ever issued (the seats were gone): only the whole payment can go back.
    if (count !== undefined) return { ok: false, reason: 'too_many_tickets' };
    return { ok: true, plan: { id: refundIdFor(order.id, []), tickets: [], seats: [], places: 0, amount: left, final: true } };
  }
  const active = activeTickets(order);
  if (active.length === 0) return { ok: false, reason: 'nothing_to_refund' };
  const n = count ?? active.length;
  if (n > active.length) return { ok: false, reason: 'too_many_tickets' };
  const tickets = active.slice(active.length - n);
  const seated = order.seats.length > 0;
  if (seated && order.seats.length !== order.tickets.length) {
    // Tickets are issued one per seat, in seat order (tickets.ts); anything else is a bug, not a request to guess at.
    throw new Error(`order ${order.id} has ${order.tickets.length} tickets for ${order.seats.length} seats`);
  }
  const seats = seated ? tickets.map((ticket) => order.seats[order.tickets.indexOf(ticket)]!) : [];
  const final = n === active.length;
  const amount = final ? left : Math.min(left, order.unitAmount * n);
  return { ok: true, plan: { id: refundIdFor(order.id, tickets), tickets, seats, places: n, amount, final } };
}
