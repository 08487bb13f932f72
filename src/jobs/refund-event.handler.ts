import { UnrecoverableError } from 'bullmq';
import type { Logger } from 'pino';
import { CheckoutNotFoundError, type CheckoutGateway, type RefundInfo } from '../checkout/checkout.gateway.js';
import { UnknownOrderError } from '../orders/fulfilment.service.js';
import { UnknownRefundError, type RefundSettlement, type RefundSettlementService } from '../orders/refund-settlement.service.js';

export type RefundFact = { kind: 'refund_changed'; refundId: string } | { kind: 'charge_refunded'; chargeId: string };

export interface RefundEventDeps {
  checkout: CheckoutGateway;
  refunds: RefundSettlementService;
  log: Logger;
}

/**
 * Acts on a refund event. Like payments, it trusts Stripe's current view of
 * the refund, fetched now, not the event body, so duplicated, late and
 * out-of-order events (refund.created, charge.refunded, refund.updated for
 * one refund) end the same way: the refund applied once. A `charge.refunded`
 * names the charge, so every refund of it is looked at; refunds that do not
 * carry our ids (made in the Dashboard) are left alone, and our own
 * pay-backs, noted on their order when made, are only named.
 */
export async function processRefundEvent(fact: RefundFact, eventId: string, deps: RefundEventDeps): Promise<string> {
  const refunds = fact.kind === 'refund_changed' ? [await retrieve(deps.checkout, fact.refundId)] : await deps.checkout.refundsOfCharge(fact.chargeId);
  const outcomes: RefundSettlement[] = [];
  for (const refund of refunds) {
    const outcome = await deps.refunds.settle(refund).catch((err: unknown) => {
      if (err instanceof UnknownOrderError || err instanceof UnknownRefundError) throw new UnrecoverableError(`${err.message} (Stripe refund ${refund.id})`);
      throw err;
    });
    deps.log.info({ component: 'refunds', eventId, stripeRefundId: refund.id, orderId: refund.ours?.orderId, refundId: refund.ours?.refundId, outcome }, 'refund event handled');
    outcomes.push(outcome);
  }
  return summarize(outcomes);
}

async function retrieve(checkout: CheckoutGateway, refundId: string): Promise<RefundInfo> {
  try {
    return await checkout.retrieveRefund(refundId);
  } catch (err) {
    if (err instanceof CheckoutNotFoundError) throw new UnrecoverableError(`refund ${refundId} does not exist`);
    throw err;
  }
}

/** One word for the job's return value: the most telling outcome. */
function summarize(outcomes: RefundSettlement[]): string {
  const order: RefundSettlement[] = ['refunded', 'partially_refunded', 'refund_failed', 'refund_conflict', 'pending', 'duplicate', 'late_payment_pay_back', 'upgrade_pay_back', 'not_ours'];
  return order.find((outcome) => outcomes.includes(outcome)) ?? 'not_ours';
}
