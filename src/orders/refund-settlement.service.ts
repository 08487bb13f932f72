import { CheckoutNotFoundError, RefundRejectedError, type RefundInfo } from '../checkout/checkout.gateway.js';
import { partialRefundNotice } from '../notifications/customer-notice.js';
import { UnknownOrderError } from './fulfilment.service.js';
import type { Order } from './order.js';
import type { RefundRecord } from './refund.js';
import type { RefundRef } from './refund.store.js';
import { causeVia, clockOf, describePlan, paymentOf, refundRequest, rejectRefund, type RefundDeps } from './refund-steps.js';

/** What the worker did with one refund Stripe told us about. */
export type RefundSettlement =
  | 'refunded'
  | 'partially_refunded'
  | 'duplicate'
  | 'pending'
  | 'refund_failed'
  | 'refund_conflict'
  /** One of our own pay-backs (a late payment, an upgrade's payment): noted on the order when made, nothing to settle. */
  | 'late_payment_pay_back'
  | 'upgrade_pay_back'
  /** Not made by the box office (the Dashboard): left alone. */
  | 'not_ours';

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

/**
 * Settling refunds (the worker): what Stripe confirms, through the webhook or,
 * if that never comes (or the request never reached Stripe), through
 * reconciliation, which asks Stripe and applies its answer the same way. Then
 * the seats go back on sale (once per refund), the tickets are voided and the
 * amount recorded (once per refund), the order ends `refunded` when nothing is
 * left, and the customer is told.
 */
export class RefundSettlementService {
  constructor(private readonly deps: RefundDeps) {}

  /**
   * Acts on a refund as Stripe reports it now (the worker calls this for
   * every refund event, having fetched the refund from Stripe; reconciliation
   * for refunds whose event never came). `via` prefixes the timeline causes
   * (`reconciliation:refund:RF-…`); the effects are the same either way and
   * happen once, whichever path comes first.
   */
  async settle(refund: RefundInfo, via?: string): Promise<RefundSettlement> {
    if (!refund.ours) return refund.payBack ? `${refund.payBack}_pay_back` : 'not_ours';
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
    const payment = await paymentOf(this.deps, order);
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
        await rejectRefund(this.deps, order, record, 'rejected', `Stripe refused the refund${err.code ? ` (${err.code})` : ''}: ${err.message}`, err.code, context.cause);
        return 'failed';
      }
    }
    await this.deps.refunds.update({ ...record, stripeRefundId: info.id, updatedAt: clockOf(this.deps).toISOString() }, ['requested']);
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
      { amount: refund.amount, cause, note: `refund ${record.id} ${confirmed} (${refund.id}): ${describePlan({ ...record, amount: refund.amount })}`, now: clockOf(this.deps) },
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
    const failed: RefundRecord = { ...record, status: 'failed', stripeRefundId: refund.id, error: why, updatedAt: clockOf(this.deps).toISOString() };
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

/** The timeline cause of applying a refund: `refund:RF-…` from the webhook, `<via>:refund:RF-…` otherwise. */
function refundCause(refundId: string): string {
  return `refund:${refundId}`;
}

function isRefundCause(cause: string, refundId: string): boolean {
  return cause === refundCause(refundId) || cause.endsWith(`:${refundCause(refundId)}`);
}
