import { cancelHeld } from './held-checkout.js';
import { RefundRejectedError, type RefundInfo } from '../checkout/checkout.gateway.js';
import type { Order } from './order.js';
import { planRefund, type RefundPlan, type RefundRecord } from './refund.js';
import { clockOf, describePlan, paymentOf, refundRequest, refuse, rejectRefund, type RefundDeps, type RefundRequestResult } from './refund-steps.js';

/** Who asks for a refund, of what. */
export interface RefundAsk {
  orderId: string;
  /** How many tickets; absent = every ticket still valid (the whole order, or what is left of it). */
  tickets?: number;
  by: 'staff' | 'customer';
  /** Staff's words; kept on the refund and in Stripe's metadata. */
  reason?: string;
}

const RESERVE_TRIES = 3;

/**
 * Asking for a refund (the web role: staff API, customers in the bot). A
 * request is recorded (one in flight per order), then sent to Stripe under an
 * idempotency key derived from the refund, so asking twice refunds once.
 * Nothing else changes until Stripe confirms: see refund-settlement.service.ts.
 * A refund Stripe refuses changes nothing but its own record, which says why.
 */
export class RefundRequestService {
  constructor(private readonly deps: RefundDeps) {}

  /** What refunding `tickets` of the order gives back of its upgrades' own payments besides (0 for an order never upgraded). */
  async upgradeShare(order: Order, tickets: number): Promise<number> {
    const payBacks = (await this.deps.upgradeShares?.planFor(order, tickets)) ?? [];
    return payBacks.reduce((sum, payBack) => sum + payBack.amount, 0);
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
      const payment = await paymentOf(this.deps, order);
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
   * A refund and a seat swap must not cross: the refund names the order's
   * seats and tickets now. An open upgrade offer is withdrawn first (its
   * session expired, so it can no longer be paid); one already paid is being
   * swapped, so the refund waits for it.
   */
  private async settleOpenUpgrade(order: Order): Promise<Extract<RefundRequestResult, { ok: false }> | undefined> {
    const offer = order.openOffer ? await this.deps.orders.get(order.openOffer) : undefined;
    if (!offer || !['held', 'awaiting_payment', 'paid'].includes(offer.state)) return undefined;
    const busy = refuse('upgrade_pending', `Order ${order.id} has just paid for upgrade ${offer.id} and its seats are being moved; ask again in a moment.`);
    if (offer.state === 'paid') return busy;
    let outcome: string;
    try {
      outcome = await cancelHeld(this.deps, offer.id, `refund:${order.id}`);
    } catch (err) {
      this.deps.log.warn({ component: 'refunds', orderId: order.id, offerId: offer.id, err: (err as Error).message }, 'could not withdraw the open upgrade offer: no refund asked');
      return refuse('stripe_unavailable', `Stripe could not be reached to withdraw upgrade offer ${offer.id}, so nothing was refunded for order ${order.id}; try again.`);
    }
    if (outcome === 'already_paid') return busy;
    if (outcome === 'cancelled') await this.deps.notices.enqueue(offer.id, 'upgrade_withdrawn');
    return undefined;
  }

  /** Why this order cannot be refunded at all right now, if it cannot. */
  private async refusalFor(order: Order): Promise<Extract<RefundRequestResult, { ok: false }> | undefined> {
    if (order.state === 'refunded') return refuse('already_refunded', `Order ${order.id} is already refunded.`);
    if (order.transferredFrom) {
      return refuse('not_paid', `Order ${order.id} holds tickets given by order ${order.transferredFrom}: nothing was paid for it, so there is nothing to refund.`);
    }
    if (order.state !== 'paid' && order.state !== 'fulfilled') {
      return refuse('not_paid', `Order ${order.id} is ${order.state.replace('_', ' ')}: nothing was paid, so there is nothing to refund.`);
    }
    const upgrade = await this.settleOpenUpgrade(order);
    if (upgrade) return upgrade;
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
    const at = clockOf(this.deps).toISOString();
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

  /** Asks Stripe for a recorded refund (again, for a replay: same key, same answer). */
  private async send(order: Order, record: RefundRecord, paymentIntentId: string, replay: boolean): Promise<RefundRequestResult> {
    const log = { component: 'refunds', orderId: order.id, refundId: record.id, attempt: record.attempt };
    let info: RefundInfo;
    try {
      info = await this.deps.checkout.refund(refundRequest(record, paymentIntentId));
    } catch (err) {
      if (err instanceof RefundRejectedError) {
        return rejectRefund(this.deps, order, record, 'rejected', `Stripe refused the refund${err.code ? ` (${err.code})` : ''}: ${err.message}`, err.code);
      }
      this.deps.log.warn({ ...log, err: (err as Error).message }, 'refund request did not reach Stripe: it stays requested until asked again');
      return refuse('stripe_unavailable', `Stripe could not be reached, so the refund of order ${order.id} may not have been made; send the same request again to finish it.`, record);
    }
    if (info.status === 'failed' || info.status === 'canceled') {
      return rejectRefund(this.deps, order, record, 'rejected', `Stripe refused the refund: it is ${info.status}${info.failureReason ? ` (${info.failureReason})` : ''}.`);
    }
    // The webhook may already have confirmed it: the record then stays succeeded.
    const updated = await this.deps.refunds.update({ ...record, stripeRefundId: info.id, updatedAt: clockOf(this.deps).toISOString() }, ['requested']);
    await this.deps.orders.note(order.id, `refund-requested:${record.id}:${record.attempt}`, `refund ${record.id} asked of Stripe by ${record.by}: ${describePlan(record)} (${info.id})`);
    const upgradePayBacks = (await this.deps.upgradeShares?.planFor(order, record.tickets.length)) ?? [];
    this.deps.log.info({ ...log, stripeRefundId: info.id, amount: record.amount, replay }, 'refund requested');
    return { ok: true, refund: updated.record ?? record, order, replay, upgradePayBacks };
  }
}
