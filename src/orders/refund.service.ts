import type { Logger } from 'pino';
import { formatPrice } from '../catalog/describe.js';
import { RefundRejectedError, type CheckoutGateway, type RefundInfo } from '../payments/checkout.gateway.js';
import type { SeatStore } from '../seats/seat.store.js';
import { partialRefundNotice, UnknownOrderError, type NoticeQueue } from './fulfilment.service.js';
import type { Order } from './order.js';
import type { OrderStore } from './order.store.js';
import { planRefund, refundIdempotencyKey, type RefundPlan, type RefundRecord } from './refund.js';
import type { RefundStore } from './refund.store.js';

/** Who asks for a refund, of what. */
export interface RefundAsk {
  orderId: string;
  /** How many tickets; absent = every ticket still valid (the whole order, or what is left of it). */
  tickets?: number;
  by: 'staff' | 'customer';
  /** Staff's words; kept on the refund and in Stripe's metadata. */
  reason?: string;
}

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
  | 'no_payment'
  /** Stripe refused it: nothing changed. */
  | 'rejected'
  /** Stripe could not be reached or failed: the refund may or may not exist; asking again finishes it. */
  | 'stripe_unavailable';

export type RefundRequestResult =
  | {
      ok: true;
      /** The refund, `requested` until Stripe confirms it through the webhook. */
      refund: RefundRecord;
      order: Order;
      /** True when this was the same request again: Stripe was asked with the same idempotency key. */
      replay: boolean;
    }
  | { ok: false; reason: RefundRefusal; message: string; refund?: RefundRecord; stripeCode?: string };

/** What the worker did with one refund Stripe told us about. */
export type RefundSettlement = 'refunded' | 'partially_refunded' | 'duplicate' | 'pending' | 'refund_failed' | 'refund_conflict' | 'not_ours';

/** Raised for a refund whose metadata names a refund we never recorded: retrying will not help. */
export class UnknownRefundError extends Error {
  constructor(
    readonly orderId: string,
    readonly refundId: string,
  ) {
    super(`no refund ${refundId} on order ${orderId}`);
    this.name = 'UnknownRefundError';
  }
}

const RESERVE_TRIES = 3;

/**
 * Refunds, from the request to the customer's notice. A request is recorded
 * (one in flight per order), then sent to Stripe under an idempotency key
 * derived from the refund, so asking twice refunds once. Nothing else changes
 * until Stripe confirms through the webhook; then, in the worker, the seats go
 * back on sale (once per refund), the tickets are voided and the amount
 * recorded (once per refund), the order ends `refunded` when nothing is left,
 * and the customer is told. A refund Stripe refuses changes nothing but its
 * own record, which says why.
 */
export class RefundService {
  private readonly now: () => Date;

  constructor(
    private readonly deps: {
      orders: OrderStore;
      seats: SeatStore;
      refunds: RefundStore;
      checkout: CheckoutGateway;
      notices: NoticeQueue;
      log: Logger;
      /** Default: the clock. */
      now?: () => Date;
    },
  ) {
    this.now = deps.now ?? (() => new Date());
  }

  /** The order's refunds, oldest first. */
  list(orderId: string): Promise<RefundRecord[]> {
    return this.deps.refunds.list(orderId);
  }

  async request(ask: RefundAsk): Promise<RefundRequestResult> {
    for (let round = 0; round < RESERVE_TRIES; round += 1) {
      const order = await this.deps.orders.get(ask.orderId);
      if (!order) return refuse('unknown_order', `No order ${ask.orderId}.`);
      const refusal = await this.refusalFor(order);
      if (refusal) return refusal;
      const planned = planRefund(order, ask.tickets);
      if (!planned.ok) return this.planRefusal(order, planned.reason);
      const plan = planned.plan;

      // Which payment to refund, asked of Stripe before anything is recorded.
      const payment = await this.paymentOf(order);
      if (!payment.ok) return payment.refusal;

      const existing = await this.deps.refunds.get(order.id, plan.id);
      if (existing?.record.status === 'requested') return this.send(order, existing.record, payment.paymentIntentId, true);
      if (existing?.record.status === 'succeeded') return refuse('already_refunded', `Refund ${existing.record.id} of order ${order.id} was made already.`, existing.record);
      const record = this.newRecord(order, plan, ask, existing ? existing.record.attempt + 1 : 1);
      const reserved = await this.deps.refunds.reserve(record, existing?.text);
      switch (reserved.outcome) {
        case 'ok':
          return this.send(order, record, payment.paymentIntentId, false);
        case 'busy':
          return refuse(
            'refund_in_progress',
            `Refund ${reserved.other.id} of order ${order.id} (${describePlan(reserved.other)}) is waiting for Stripe's confirmation. ` +
              'Ask again once it is confirmed, or send that same request again if Stripe never received it.',
            reserved.other,
          );
        case 'unknown_order':
          return refuse('unknown_order', `No order ${ask.orderId}.`);
        case 'changed':
        case 'not_refundable':
          continue; // Something moved since the read (another refund landed): read again and re-plan.
      }
    }
    return refuse('refund_in_progress', `Order ${ask.orderId} is changing right now; ask again in a moment.`);
  }

  /**
   * Acts on a refund as Stripe reports it now (the worker calls this for
   * every refund event, having fetched the refund from Stripe).
   */
  async settle(refund: RefundInfo): Promise<RefundSettlement> {
    if (!refund.ours) return 'not_ours';
    const { orderId, refundId } = refund.ours;
    const found = await this.deps.refunds.get(orderId, refundId);
    if (!found) {
      if (!(await this.deps.orders.get(orderId))) throw new UnknownOrderError(orderId);
      throw new UnknownRefundError(orderId, refundId);
    }
    switch (refund.status) {
      case 'succeeded':
        return this.confirm(found.record, refund);
      case 'failed':
      case 'canceled':
        return this.failLate(found.record, refund);
      default:
        return 'pending';
    }
  }

  /** Why this order cannot be refunded at all right now, if it cannot. */
  private async refusalFor(order: Order): Promise<Extract<RefundRequestResult, { ok: false }> | undefined> {
    if (order.state === 'refunded') return refuse('already_refunded', `Order ${order.id} is already refunded.`);
    if (order.state !== 'paid' && order.state !== 'fulfilled') {
      return refuse('not_paid', `Order ${order.id} is ${order.state.replace('_', ' ')}: nothing was paid, so there is nothing to refund.`);
    }
    if (order.state === 'paid') {
      // Paid but not fulfilled: either the worker is selling the seats right
      // now (wait for it, or a refund would race the sale), or it found them
      // gone, in which case only the money is left to give back.
      const allocation = await this.deps.seats.allocation(order.eventId, order.id);
      if (allocation && (allocation.state === 'held' || allocation.state === 'sold')) {
        return refuse('fulfilment_pending', `Order ${order.id} was paid a moment ago and its tickets are being issued; ask again in a moment.`);
      }
    }
    return undefined;
  }

  private planRefusal(order: Order, reason: 'nothing_to_refund' | 'too_many_tickets' | 'bad_ticket_count'): Extract<RefundRequestResult, { ok: false }> {
    switch (reason) {
      case 'nothing_to_refund':
        return refuse('already_refunded', `Order ${order.id} has nothing left to refund.`);
      case 'too_many_tickets':
        return refuse(
          'too_many_tickets',
          order.tickets.length === 0
            ? `Order ${order.id} has no tickets; only the whole order can be refunded.`
            : `Order ${order.id} has ${order.tickets.length - order.refundedTickets.length} valid tickets.`,
        );
      case 'bad_ticket_count':
        return refuse('bad_ticket_count', 'tickets must be a whole number, 1 or more.');
    }
  }

  private newRecord(order: Order, plan: RefundPlan, ask: RefundAsk, attempt: number): RefundRecord {
    const at = this.now().toISOString();
    return {
      id: plan.id,
      orderId: order.id,
      tickets: plan.tickets,
      seats: plan.seats,
      places: plan.places,
      amount: plan.amount,
      currency: order.currency,
      status: 'requested',
      by: ask.by,
      ...(ask.reason ? { reason: ask.reason } : {}),
      attempt,
      requestedAt: at,
      updatedAt: at,
    };
  }

  /** The payment intent behind the order's Checkout Session, as Stripe says now. */
  private async paymentOf(order: Order): Promise<{ ok: true; paymentIntentId: string } | { ok: false; refusal: Extract<RefundRequestResult, { ok: false }> }> {
    const noPayment = refuse('no_payment', `Stripe has no payment for order ${order.id} to refund.`);
    if (!order.stripeSessionId) return { ok: false, refusal: noPayment };
    try {
      const session = await this.deps.checkout.retrieve(order.stripeSessionId);
      return session.paymentIntentId ? { ok: true, paymentIntentId: session.paymentIntentId } : { ok: false, refusal: noPayment };
    } catch (err) {
      this.deps.log.warn({ component: 'refunds', orderId: order.id, err: (err as Error).message }, 'could not read the checkout session: no refund asked');
      return { ok: false, refusal: refuse('stripe_unavailable', `Stripe could not be reached, so nothing was refunded for order ${order.id}; try again.`) };
    }
  }

  /** Asks Stripe for a recorded refund (again, for a replay: same key, same answer). */
  private async send(order: Order, record: RefundRecord, paymentIntentId: string, replay: boolean): Promise<RefundRequestResult> {
    const log = { component: 'refunds', orderId: order.id, refundId: record.id, attempt: record.attempt };
    let info: RefundInfo;
    try {
      info = await this.deps.checkout.refund({
        paymentIntentId,
        amount: record.amount,
        orderId: order.id,
        refundId: record.id,
        ...(record.by === 'customer' ? { reason: 'requested_by_customer' as const } : {}),
        ...(record.reason ? { note: record.reason } : {}),
        idempotencyKey: refundIdempotencyKey(record),
      });
    } catch (err) {
      if (err instanceof RefundRejectedError) {
        return this.reject(order, record, 'rejected', `Stripe refused the refund${err.code ? ` (${err.code})` : ''}: ${err.message}`, err.code);
      }
      this.deps.log.warn({ ...log, err: (err as Error).message }, 'refund request did not reach Stripe: it stays requested until asked again');
      return refuse('stripe_unavailable', `Stripe could not be reached, so the refund of order ${order.id} may not have been made; send the same request again to finish it.`, record);
    }
    if (info.status === 'failed' || info.status === 'canceled') {
      return this.reject(order, record, 'rejected', `Stripe refused the refund: it is ${info.status}${info.failureReason ? ` (${info.failureReason})` : ''}.`);
    }
    // The webhook may already have confirmed it: the record then stays succeeded.
    const updated = await this.deps.refunds.update({ ...record, stripeRefundId: info.id, updatedAt: this.now().toISOString() }, ['requested']);
    await this.deps.orders.note(order.id, `refund-requested:${record.id}:${record.attempt}`, `refund ${record.id} asked of Stripe by ${record.by}: ${describePlan(record)} (${info.id})`);
    this.deps.log.info({ ...log, stripeRefundId: info.id, amount: record.amount, replay }, 'refund requested');
    return { ok: true, refund: updated.record ?? record, order, replay };
  }

  /** Stripe said no: the refund is recorded as failed with Stripe's words; seats and tickets are untouched. */
  private async reject(
    order: Order,
    record: RefundRecord,
    reason: 'rejected',
    message: string,
    stripeCode?: string,
  ): Promise<Extract<RefundRequestResult, { ok: false }>> {
    const failed: RefundRecord = { ...record, status: 'failed', error: message, updatedAt: this.now().toISOString() };
    const updated = await this.deps.refunds.update(failed, ['requested']);
    await this.deps.orders.note(order.id, `refund-refused:${record.id}:${record.attempt}`, `refund ${record.id} not made: ${message}`);
    this.deps.log.warn({ component: 'refunds', orderId: order.id, refundId: record.id, stripeCode }, 'refund refused');
    return { ok: false, reason, message, refund: updated.record ?? failed, ...(stripeCode ? { stripeCode } : {}) };
  }

  private async confirm(record: RefundRecord, refund: RefundInfo): Promise<RefundSettlement> {
    const order = await this.deps.orders.get(record.orderId);
    if (!order) throw new UnknownOrderError(record.orderId);
    const log = { component: 'refunds', orderId: order.id, refundId: record.id, stripeRefundId: refund.id };
    // Seats first, then the order, each once per refund: a crash in between
    // is finished by the retry, which finds the seats already returned.
    if (record.places > 0) {
      const returned = await this.deps.seats.returnSold({
        eventId: order.eventId,
        holdId: order.id,
        returnId: record.id,
        seats: record.seats,
        places: record.places,
      });
      if (!returned.ok) {
        await this.deps.orders.note(order.id, `seats-not-returned:${record.id}`, `refund ${record.id}: seats not put back on sale (${returned.reason})`);
        this.deps.log.error({ ...log, reason: returned.reason }, 'refunded seats could not be returned to sale');
      }
    }
    const cause = `refund:${record.id}`;
    const applied = await this.deps.refunds.apply(
      { ...record, stripeRefundId: refund.id },
      { amount: refund.amount, cause, note: `refund ${record.id} confirmed by Stripe (${refund.id}): ${describePlan({ ...record, amount: refund.amount })}`, now: this.now() },
    );
    if (applied.outcome !== 'applied' && applied.outcome !== 'duplicate') {
      await this.deps.orders.note(order.id, `refund-conflict:${record.id}`, `refund ${record.id} confirmed by Stripe but not applied (${applied.outcome}): check the order`);
      this.deps.log.error({ ...log, outcome: applied.outcome }, 'confirmed refund could not be applied');
      return 'refund_conflict';
    }
    const after = applied.order!;
    // Which notice follows from what this refund did, not from the state now:
    // a retry after a later refund must still send this one's.
    const ended = after.timeline.some((entry) => entry.cause === cause && entry.to === 'refunded');
    // A paid order that ends here leaves reconciliation's index too (transition() does this for every other move).
    if (ended) await this.deps.orders.markSettled(order.id);
    await this.deps.notices.enqueue(order.id, ended ? 'refunded' : partialRefundNotice(record.id));
    if (applied.outcome === 'duplicate') return 'duplicate';
    this.deps.log.info({ ...log, amount: refund.amount, state: after.state }, 'refund applied');
    return ended ? 'refunded' : 'partially_refunded';
  }

  /** A refund Stripe accepted and then failed (rare: the card was closed, say). */
  private async failLate(record: RefundRecord, refund: RefundInfo): Promise<RefundSettlement> {
    const why = `Stripe reports the refund ${refund.status}${refund.failureReason ? ` (${refund.failureReason})` : ''}`;
    const failed: RefundRecord = { ...record, status: 'failed', stripeRefundId: refund.id, error: why, updatedAt: this.now().toISOString() };
    const updated = await this.deps.refunds.update(failed, ['requested']);
    const note = updated.written
      ? `refund ${record.id} failed: ${why}; nothing was changed`
      : `refund ${record.id} failed after it was applied: ${why}. The tickets are void but the money did not go back: contact the customer`;
    await this.deps.orders.note(record.orderId, `refund-failed:${record.id}:${refund.id}`, note);
    this.deps.log.error({ component: 'refunds', orderId: record.orderId, refundId: record.id, stripeRefundId: refund.id, status: refund.status }, 'refund failed');
    return 'refund_failed';
  }
}

function refuse(reason: RefundRefusal, message: string, refund?: RefundRecord): Extract<RefundRequestResult, { ok: false }> {
  return { ok: false, reason, message, ...(refund ? { refund } : {}) };
}

/** "2 tickets (A-3, A-4), $400" */
function describePlan(record: Pick<RefundRecord, 'tickets' | 'seats' | 'amount' | 'currency'>): string {
  const what =
    record.tickets.length === 0
      ? 'the whole payment'
      : `${record.tickets.length} ${record.tickets.length === 1 ? 'ticket' : 'tickets'}${record.seats.length > 0 ? ` (${record.seats.join(', ')})` : ''}`;
  return `${what}, ${formatPrice(record.amount, record.currency)}`;
}
