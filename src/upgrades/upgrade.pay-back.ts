import type { Logger } from 'pino';
import { formatPrice } from '../catalog/describe.js';
import type { Order } from '../orders/order.js';
import type { OrderStore } from '../orders/order.store.js';
import type { RefundRecord } from '../orders/refund.js';
import { RefundRejectedError, type CheckoutGateway } from '../checkout/checkout.gateway.js';

/** An upgrade payment to give back, all or in part. */
export interface PayBack {
  offerId: string;
  amount: number;
  currency: string;
}

/** What Stripe made of a pay-back: its refund, or its refusal (staff then refund by hand). */
export type PayBackResult = { refundId: string; amount: number } | { refused: string };

/**
 * An upgrade is paid by a payment of its own (its own Checkout Session), so
 * giving its money back is a refund of that payment: in full when the
 * upgrade could not be given (upgrade.fulfilment.ts), or the difference for
 * each ticket a later refund of the upgraded order pays back. Each carries an
 * idempotency key from our ids, so a retry never pays back twice.
 */
export class UpgradePayBacks {
  constructor(private readonly deps: { orders: OrderStore; checkout: CheckoutGateway; log: Logger }) {}

  /** The upgrades' share of a refund of `tickets` of the order: each taken upgrade's difference per ticket. */
  async planFor(order: Order, tickets: number): Promise<PayBack[]> {
    if (tickets === 0) return [];
    const taken = (await this.deps.orders.offersOf(order.id)).filter((offer) => offer.state === 'fulfilled');
    return taken.map((offer) => ({ offerId: offer.id, amount: offer.unitAmount * Math.min(tickets, offer.quantity), currency: offer.currency }));
  }

  /**
   * A refund of the order's tickets is confirmed: pay back the upgrades'
   * share for those tickets, each once (noted on the order's timeline per
   * upgrade and refund). Stripe unreachable throws, so the job retries.
   */
  async afterTicketRefund(order: Order, record: RefundRecord): Promise<void> {
    for (const payBack of await this.planFor(order, record.tickets.length)) {
      const cause = `upgrade-pay-back:${payBack.offerId}:${record.id}`;
      if (order.timeline.some((entry) => entry.cause === cause)) continue;
      const offer = await this.deps.orders.get(payBack.offerId);
      if (!offer) continue;
      const result = await this.refund(offer, payBack.amount, `pay-back-${offer.id}-${record.id}`);
      const amount = formatPrice(payBack.amount, payBack.currency);
      // On the offer first, then the order: the order's entry is what marks it done. Refunds of one
      // order run one at a time, so the offer's total read here is not raced.
      if ('refundId' in result) {
        await this.deps.orders.note(offer.id, cause, `${amount} paid back with refund ${record.id} of ${order.id} (${result.refundId})`, {
          refundedAmount: offer.refundedAmount + result.amount,
        });
      }
      await this.deps.orders.note(
        order.id,
        cause,
        'refundId' in result
          ? `refund ${record.id} also pays back ${amount} of upgrade ${offer.id} (${result.refundId})`
          : `refund ${record.id}: Stripe refused to pay back ${amount} of upgrade ${offer.id} (${result.refused}): refund it by hand`,
      );
      this.deps.log.info({ component: 'upgrades', orderId: order.id, offerId: offer.id, refundId: record.id, amount: payBack.amount }, 'upgrade share paid back');
    }
  }

  /** Refunds `amount` of the offer's payment under `idempotencyKey`. */
  async refund(offer: Order, amount: number, idempotencyKey: string): Promise<PayBackResult> {
    const session = await this.deps.checkout.retrieve(offer.stripeSessionId!);
    if (!session.paymentIntentId) return { refused: 'no payment on the session' };
    try {
      const refund = await this.deps.checkout.refund({
        paymentIntentId: session.paymentIntentId,
        amount,
        orderId: offer.upgradeOf!,
        refundId: offer.id,
        reason: 'requested_by_customer',
        note: `upgrade ${offer.id} paid back`,
        payBack: 'upgrade',
        idempotencyKey,
      });
      return { refundId: refund.id, amount: refund.amount };
    } catch (err) {
      if (err instanceof RefundRejectedError) return { refused: err.code ?? err.message };
      throw err;
    }
  }
}
