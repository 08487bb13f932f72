// What both sides of a refund do alike: the web role asking Stripe
// (refund-request.service.ts) and the worker settling and reconciling what
// Stripe says (refund-settlement.service.ts). Which payment to refund, what
// Stripe is asked, and recording Stripe's no.
import type { Logger } from 'pino';
import { formatPrice } from '../catalog/describe.js';
import type { CheckoutGateway, RefundRequest } from '../checkout/checkout.gateway.js';
import type { NoticeQueue } from '../notifications/customer-notice.js';
import type { SeatStore } from '../seats/seat.store.js';
import type { PayBack } from '../upgrades/upgrade.pay-back.js';
import type { Order } from './order.js';
import type { OrderStore } from './order.store.js';
import { refundIdempotencyKey, type RefundRecord } from './refund.js';
import type { RefundStore } from './refund.store.js';

export type RefundRefusal =
  | 'unknown_order'
  /** Nothing was paid (held, awaiting payment, expired, cancelled, payment failed). */
  | 'not_paid'
  | 'already_refunded'
  /** Paid a moment ago: the worker is still issuing the tickets. */
  | 'fulfilment_pending'
  | 'bad_ticket_count'
  | 'too_many_tickets'
  /** Another refund of this order is waiting for Stripe's confirmation. */
  | 'refund_in_progress'
  /** An upgrade of this order was paid and its seats are being swapped. */
  | 'upgrade_pending'
  | 'no_payment'
  /** Stripe refused it: nothing changed. */
  | 'rejected'
  /** Stripe could not be reached or failed: the refund may or may not exist; asking again finishes it. */
  | 'stripe_unavailable';

/**
 * An upgraded order was paid more than once: its tickets, then each upgrade
 * by a payment of its own. A refund of tickets pays back the first payment
 * here, and the upgrades' share for those tickets there, once Stripe has
 * confirmed the refund (src/upgrades/upgrade.pay-back.ts).
 */
export interface UpgradeShares {
  planFor(order: Order, tickets: number): Promise<PayBack[]>;
  afterTicketRefund(order: Order, record: RefundRecord): Promise<void>;
}

export type RefundRequestResult =
  | {
      ok: true;
      /** The refund, `requested` until Stripe confirms it through the webhook. */
      refund: RefundRecord;
      order: Order;
      /** True when this was the same request again: Stripe was asked with the same idempotency key. */
      replay: boolean;
      /** What is paid back of the order's upgrades too, once Stripe confirms this refund. */
      upgradePayBacks: PayBack[];
    }
  | { ok: false; reason: RefundRefusal; message: string; refund?: RefundRecord; stripeCode?: string };

/** What both refund services stand on. */
export interface RefundDeps {
  orders: OrderStore;
  seats: SeatStore;
  refunds: RefundStore;
  checkout: CheckoutGateway;
  notices: NoticeQueue;
  log: Logger;
  /** Upgraded orders: the upgrades' share of a ticket refund. */
  upgradeShares?: UpgradeShares;
  /** Default: the clock. */
  now?: () => Date;
}

/** The refund services' clock: `deps.now`, or the real one. */
export function clockOf(deps: Pick<RefundDeps, 'now'>): Date {
  return deps.now?.() ?? new Date();
}

export type RefundRefused = Extract<RefundRequestResult, { ok: false }>;

/** The payment intent that paid the order: its saved-card charge, or the one behind its Checkout Session, as Stripe says now. */
export async function paymentOf(
  deps: Pick<RefundDeps, 'checkout' | 'log'>,
  order: Order,
): Promise<{ ok: true; paymentIntentId: string } | { ok: false; refusal: RefundRefused }> {
  const noPayment = refuse('no_payment', `Stripe has no payment for order ${order.id} to refund.`);
  // Checked against the order when it was paid (fulfilment), so the recorded id is the payment.
  if (order.paidWith === 'saved_card' && order.cardPayment?.paymentId) return { ok: true, paymentIntentId: order.cardPayment.paymentId };
  if (!order.stripeSessionId) return { ok: false, refusal: noPayment };
  try {
    const session = await deps.checkout.retrieve(order.stripeSessionId);
    return session.paymentIntentId ? { ok: true, paymentIntentId: session.paymentIntentId } : { ok: false, refusal: noPayment };
  } catch (err) {
    deps.log.warn({ component: 'refunds', orderId: order.id, err: (err as Error).message }, 'could not read the checkout session: no refund asked');
    return { ok: false, refusal: refuse('stripe_unavailable', `Stripe could not be reached, so nothing was refunded for order ${order.id}; try again.`) };
  }
}

/** Stripe said no: the refund is recorded as failed with Stripe's words; seats and tickets are untouched. */
export async function rejectRefund(
  deps: RefundDeps,
  order: Order,
  record: RefundRecord,
  reason: 'rejected',
  message: string,
  stripeCode?: string,
  via?: string,
): Promise<Extract<RefundRequestResult, { ok: false }>> {
  const failed: RefundRecord = { ...record, status: 'failed', error: message, updatedAt: clockOf(deps).toISOString() };
  const updated = await deps.refunds.update(failed, ['requested']);
  await deps.orders.note(order.id, causeVia(via, `refund-refused:${record.id}:${record.attempt}`), `refund ${record.id} not made: ${message}`);
  deps.log.warn({ component: 'refunds', orderId: order.id, refundId: record.id, stripeCode }, 'refund refused');
  return { ok: false, reason, message, refund: updated.record ?? failed, ...(stripeCode ? { stripeCode } : {}) };
}

/** What Stripe is asked for a recorded refund: always the same for one attempt, as Stripe's idempotency key requires. */
export function refundRequest(record: RefundRecord, paymentIntentId: string): RefundRequest {
  return {
    paymentIntentId,
    amount: record.amount,
    orderId: record.orderId,
    refundId: record.id,
    ...(record.by === 'customer' ? { reason: 'requested_by_customer' as const } : {}),
    ...(record.reason ? { note: record.reason } : {}),
    idempotencyKey: refundIdempotencyKey(record),
  };
}

export function causeVia(via: string | undefined, cause: string): string {
  return via ? `${via}:${cause}` : cause;
}

export function refuse(reason: RefundRefusal, message: string, refund?: RefundRecord): Extract<RefundRequestResult, { ok: false }> {
  return { ok: false, reason, message, ...(refund ? { refund } : {}) };
}

/** "2 tickets (A-3, A-4), $400" */
export function describePlan(record: Pick<RefundRecord, 'tickets' | 'seats' | 'amount' | 'currency'>): string {
  const what =
    record.tickets.length === 0
      ? 'the whole payment'
      : `${record.tickets.length} ${record.tickets.length === 1 ? 'ticket' : 'tickets'}${record.seats.length > 0 ? ` (${record.seats.join(', ')})` : ''}`;
  return `${what}, ${formatPrice(record.amount, record.currency)}`;
}
