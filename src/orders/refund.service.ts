import type { Logger } from 'pino';
import { formatPrice } from '../catalog/describe.js';
import { cancelHeld } from './held-checkout.js';
import type { PayBack } from '../upgrades/upgrade.pay-back.js';
import { CheckoutNotFoundError, RefundRejectedError, type CheckoutGateway, type RefundInfo, type RefundRequest } from '../checkout/checkout.gateway.js';
import type { SeatStore } from '../seats/seat.store.js';
import { partialRefundNotice, type NoticeQueue } from '../notifications/customer-notice.js';
import { UnknownOrderError } from './fulfilment.service.js';
import type { Order } from './order.js';
import type { OrderStore } from './order.store.js';
import { planRefund, refundIdempotencyKey, type RefundPlan, type RefundRecord } from './refund.js';
import type { RefundRef, RefundStore } from './refund.store.js';

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

/** What the worker did with one refund Stripe told us about. */
export type RefundSettlement = 'refunded' | 'partially_refunded' | 'duplicate' | 'pending' | 'refund_failed' | 'refund_conflict' | 'not_ours';

/**
 * What reconciliation did with one refund still `requested`: completed
 * (Stripe says succeeded: applied), failed (Stripe failed or refused it),
 * pending (still on its way at Stripe: asked again later), flagged (needs
 * staff: Stripe does not know it, or it could not be applied), dropped (it
 * had settled by another path, or was never recorded).
 */
export type RefundReconciliation = 'completed' | 'failed' | 'pending' | 'flagged' | 'dropped';

/** When reconciliation acts and how long a refund still pending at Stripe waits before the next look. */
export interface RefundReconcileContext {
  /** Epoch ms. */
  now: number;
  recheckMs: number;
  /** Prefix of every timeline cause it records, e.g. `reconciliation`. */
  cause: string;
}

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
 * until Stripe confirms, through the webhook or, if that never comes (or the
 * request never reached Stripe), through reconciliation, which asks Stripe
 * and applies its answer the same way; then, in the worker, the seats go
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
      /** Upgraded orders: the upgrades' share of a ticket refund. */
      upgradeShares?: UpgradeShares;
      /** Default: the clock. */
      now?: () => Date;
    },
  ) {
    this.now = deps.now ?? (() => new Date());
  }

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
   * every refund event, having fetched the refund from Stripe; reconciliation
   * for refunds whose event never came). `via` prefixes the timeline causes
   * (`reconciliation:refund:RF-…`); the effects are the same either way and
   * happen once, whichever path comes first.
   */
  async settle(refund: RefundInfo, via?: string): Promise<RefundSettlement> {
    if (!refund.ours) return 'not_ours';
    const { orderId, refundId } = refund.ours;
    const found = await this.deps.refunds.get(orderId, refundId);
    if (!found) {
      if (!(await this.deps.orders.get(orderId))) throw new UnknownOrderError(orderId);
      throw new UnknownRefundError(orderId, refundId);
    }
    switch (refund.status) {
      case 'succeeded':
        return this.confirm(found.record, refund, via);
      case 'failed':
      case 'canceled':
        return this.failLate(found.record, refund, via);
      default:
        return 'pending';
    }
  }

  /** Refunds still `requested` whose reconciliation check is due, most overdue first. */
  requestedDue(now: number, limit: number, offset = 0): Promise<RefundRef[]> {
    return this.deps.refunds.requestedDue(now, limit, offset);
  }

  /**
   * Reconciliation of one refund still `requested` (its confirmation never
   * came, or the request never reached Stripe): asks Stripe for it, creating
   * it first if no Stripe refund was ever recorded, and applies the answer
   * through {@link settle}, as the webhook does. Errors reaching Stripe or
   * Redis propagate: the refund stays indexed and the next run tries again.
   */
  async reconcile(ref: RefundRef, context: RefundReconcileContext): Promise<RefundReconciliation> {
    const found = await this.deps.refunds.get(ref.orderId, ref.refundId);
    if (found?.record.status !== 'requested') {
      // Settled by the webhook meanwhile, or an index entry for a request that was never recorded.
      await this.deps.refunds.unindex(ref);
      return 'dropped';
    }
    const record = found.record;
    const order = await this.deps.orders.get(record.orderId);
    if (!order) {
      await this.deps.refunds.unindex(ref);
      return 'dropped';
    }
    const asked = record.stripeRefundId ? await this.lookUp(record, context) : await this.sendAgain(order, record, context);
    if (asked === 'failed' || asked === 'flagged') return asked;
    if (asked.ours?.orderId !== record.orderId || asked.ours.refundId !== record.id) {
      return this.flag(record, context, `${context.cause}:refund-mismatch:${record.id}:${asked.id}`, `Stripe refund ${asked.id} does not carry this refund's ids`);
    }
    const outcome = await this.settle(asked, context.cause);
    switch (outcome) {
      case 'refunded':
      case 'partially_refunded':
        return 'completed';
      case 'refund_failed':
        return 'failed';
      case 'pending':
        await this.deps.refunds.recheckAt(ref, context.now + context.recheckMs);
        return 'pending';
      case 'refund_conflict':
        // Recorded on the order by confirm(); staff decide.
        await this.deps.refunds.unindex(ref);
        return 'flagged';
      default:
        return 'dropped'; // 'duplicate': the webhook applied it between our read and our apply.
    }
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
      info = await this.deps.checkout.refund(refundRequest(record, paymentIntentId));
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
    const upgradePayBacks = (await this.deps.upgradeShares?.planFor(order, record.tickets.length)) ?? [];
    this.deps.log.info({ ...log, stripeRefundId: info.id, amount: record.amount, replay }, 'refund requested');
    return { ok: true, refund: updated.record ?? record, order, replay, upgradePayBacks };
  }

  /**
   * Reconciliation's look at a refund Stripe has: its state now, or
   * 'flagged' when Stripe does not know it (recorded for staff, looked at
   * again later).
   */
  private async lookUp(record: RefundRecord, context: RefundReconcileContext): Promise<RefundInfo | 'flagged'> {
    const stripeRefundId = record.stripeRefundId!;
    try {
      return await this.deps.checkout.retrieveRefund(stripeRefundId);
    } catch (err) {
      if (!(err instanceof CheckoutNotFoundError)) throw err;
      return this.flag(record, context, `${context.cause}:refund-unknown:${record.id}`, `Stripe does not know refund ${stripeRefundId} (${(err as Error).message})`);
    }
  }

  /**
   * Reconciliation's try for a refund whose request never got an answer from
   * Stripe. Stripe may have made it all the same (the answer was lost), so
   * Stripe's refunds of the payment are looked through first: idempotency
   * keys are kept for 24 hours only (https://docs.stripe.com/api/idempotent_requests),
   * and past that the same key would make a second refund. If it is not there,
   * it is asked for now with the same parameters and idempotency key as the
   * request, so a request still in flight elsewhere is the same refund.
   */
  private async sendAgain(order: Order, record: RefundRecord, context: RefundReconcileContext): Promise<RefundInfo | 'failed' | 'flagged'> {
    const payment = await this.paymentOf(order);
    if (!payment.ok) {
      if (payment.refusal.reason === 'stripe_unavailable') throw new Error(payment.refusal.message);
      return this.flag(record, context, `${context.cause}:refund-no-payment:${record.id}`, payment.refusal.message);
    }
    const made = (await this.deps.checkout.refundsOfPayment(payment.paymentIntentId)).filter(
      (refund) => refund.ours?.orderId === record.orderId && refund.ours.refundId === record.id,
    );
    // A failed one may be an earlier attempt's; for attempt 1 it can only be this one.
    let info = made.find((refund) => refund.status !== 'failed' && refund.status !== 'canceled') ?? (record.attempt === 1 ? made[0] : undefined);
    const found = info !== undefined;
    if (!info) {
      try {
        info = await this.deps.checkout.refund(refundRequest(record, payment.paymentIntentId));
      } catch (err) {
        if (!(err instanceof RefundRejectedError)) throw err;
        await this.reject(order, record, 'rejected', `Stripe refused the refund${err.code ? ` (${err.code})` : ''}: ${err.message}`, err.code, context.cause);
        return 'failed';
      }
    }
    await this.deps.refunds.update({ ...record, stripeRefundId: info.id, updatedAt: this.now().toISOString() }, ['requested']);
    await this.deps.orders.note(
      order.id,
      `${context.cause}:refund-requested:${record.id}:${record.attempt}`,
      found
        ? `refund ${record.id} had no answer from Stripe; reconciliation found it at Stripe (${info.id}, ${info.status})`
        : `refund ${record.id} had no answer from Stripe; asked again by reconciliation with the same idempotency key: ${describePlan(record)} (${info.id}, ${info.status})`,
    );
    this.deps.log.info({ component: 'refunds', orderId: order.id, refundId: record.id, stripeRefundId: info.id, found }, 'unanswered refund request sent again by reconciliation');
    return info;
  }

  /** Needs staff: noted on the order once, and looked at again after the recheck interval. */
  private async flag(record: RefundRecord, context: RefundReconcileContext, cause: string, why: string): Promise<'flagged'> {
    await this.deps.orders.note(record.orderId, cause, `refund ${record.id} cannot be checked: ${why}; it stays requested`);
    this.deps.log.error({ component: 'refunds', orderId: record.orderId, refundId: record.id, why }, 'requested refund that cannot be checked');
    await this.deps.refunds.recheckAt({ orderId: record.orderId, refundId: record.id }, context.now + context.recheckMs);
    return 'flagged';
  }

  /** Stripe said no: the refund is recorded as failed with Stripe's words; seats and tickets are untouched. */
  private async reject(
    order: Order,
    record: RefundRecord,
    reason: 'rejected',
    message: string,
    stripeCode?: string,
    via?: string,
  ): Promise<Extract<RefundRequestResult, { ok: false }>> {
    const failed: RefundRecord = { ...record, status: 'failed', error: message, updatedAt: this.now().toISOString() };
    const updated = await this.deps.refunds.update(failed, ['requested']);
    await this.deps.orders.note(order.id, causeVia(via, `refund-refused:${record.id}:${record.attempt}`), `refund ${record.id} not made: ${message}`);
    this.deps.log.warn({ component: 'refunds', orderId: order.id, refundId: record.id, stripeCode }, 'refund refused');
    return { ok: false, reason, message, refund: updated.record ?? failed, ...(stripeCode ? { stripeCode } : {}) };
  }

  private async confirm(record: RefundRecord, refund: RefundInfo, via?: string): Promise<RefundSettlement> {
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
        await this.deps.orders.note(order.id, causeVia(via, `seats-not-returned:${record.id}`), `refund ${record.id}: seats not put back on sale (${returned.reason})`);
        this.deps.log.error({ ...log, reason: returned.reason }, 'refunded seats could not be returned to sale');
      }
    }
    const cause = causeVia(via, refundCause(record.id));
    const confirmed = via ? `confirmed by Stripe when ${via} asked (no webhook came)` : 'confirmed by Stripe';
    const applied = await this.deps.refunds.apply(
      { ...record, stripeRefundId: refund.id },
      { amount: refund.amount, cause, note: `refund ${record.id} ${confirmed} (${refund.id}): ${describePlan({ ...record, amount: refund.amount })}`, now: this.now() },
    );
    if (applied.outcome !== 'applied' && applied.outcome !== 'duplicate') {
      await this.deps.orders.note(order.id, causeVia(via, `refund-conflict:${record.id}`), `refund ${record.id} confirmed by Stripe but not applied (${applied.outcome}): check the order`);
      this.deps.log.error({ ...log, outcome: applied.outcome }, 'confirmed refund could not be applied');
      return 'refund_conflict';
    }
    const after = applied.order!;
    // Which notice follows from what this refund did, not from the state now:
    // a retry after a later refund must still send this one's. Whichever path
    // applied it (webhook or reconciliation), its cause ends the same way.
    const ended = after.timeline.some((entry) => entry.to === 'refunded' && isRefundCause(entry.cause, record.id));
    // A paid order that ends here leaves reconciliation's index too (transition() does this for every other move).
    if (ended) await this.deps.orders.markSettled(order.id);
    const notice = ended ? 'refunded' : partialRefundNotice(record.id);
    // Also on a duplicate: a run that died after applying it finishes the
    // pay-backs (each once). Before the notice, which counts them; if Stripe
    // cannot be reached the notice still goes, staff see what is owed, and
    // the job's retries try again.
    try {
      await this.deps.upgradeShares?.afterTicketRefund(after, record);
    } catch (err) {
      await this.deps.notices.enqueue(order.id, notice);
      await this.deps.orders.note(order.id, causeVia(via, `upgrade-pay-back-waiting:${record.id}`), `refund ${record.id}: the upgrades' share is not paid back yet (${(err as Error).message}); retrying`);
      throw err;
    }
    await this.deps.notices.enqueue(order.id, notice);
    if (applied.outcome === 'duplicate') return 'duplicate';
    this.deps.log.info({ ...log, amount: refund.amount, state: after.state }, 'refund applied');
    return ended ? 'refunded' : 'partially_refunded';
  }

  /** A refund Stripe accepted and then failed (rare: the card was closed, say). */
  private async failLate(record: RefundRecord, refund: RefundInfo, via?: string): Promise<RefundSettlement> {
    const why = `Stripe reports the refund ${refund.status}${refund.failureReason ? ` (${refund.failureReason})` : ''}`;
    const failed: RefundRecord = { ...record, status: 'failed', stripeRefundId: refund.id, error: why, updatedAt: this.now().toISOString() };
    const updated = await this.deps.refunds.update(failed, ['requested']);
    // Recorded failed already (by the other path, or an earlier event): nothing more to say.
    if (!updated.written && updated.record?.status !== 'succeeded') return 'duplicate';
    const note = updated.written
      ? `refund ${record.id} failed: ${why}; nothing was changed${via ? ` (found by ${via})` : ''}`
      : `refund ${record.id} failed after it was applied: ${why}. The tickets are void but the money did not go back: contact the customer`;
    await this.deps.orders.note(record.orderId, causeVia(via, `refund-failed:${record.id}:${refund.id}`), note);
    this.deps.log.error({ component: 'refunds', orderId: record.orderId, refundId: record.id, stripeRefundId: refund.id, status: refund.status }, 'refund failed');
    return 'refund_failed';
  }
}

/** What Stripe is asked for a recorded refund: always the same for one attempt, as Stripe's idempotency key requires. */
function refundRequest(record: RefundRecord, paymentIntentId: string): RefundRequest {
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

/** The timeline cause of applying a refund: `refund:RF-…` from the webhook, `<via>:refund:RF-…` otherwise. */
function refundCause(refundId: string): string {
  return `refund:${refundId}`;
}

function isRefundCause(cause: string, refundId: string): boolean {
  return cause === refundCause(refundId) || cause.endsWith(`:${refundCause(refundId)}`);
}

function causeVia(via: string | undefined, cause: string): string {
  return via ? `${via}:${cause}` : cause;
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
