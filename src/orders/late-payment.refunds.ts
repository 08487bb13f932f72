import type { Logger } from 'pino';
import { formatPrice } from '../catalog/describe.js';
import { RefundRejectedError, type CheckoutGateway } from '../checkout/checkout.gateway.js';
import type { PaymentProof } from '../checkout/payment-proof.js';
import type { NoticeQueue } from '../notifications/customer-notice.js';
import type { Order } from './order.js';
import type { OrderStore } from './order.store.js';
import type { StaffAttention } from './staff-attention.store.js';

/** What became of a late payment: refunded (the customer is told), nothing to refund, or left to staff (Stripe refused). */
export type LatePaymentOutcome = 'refunded' | 'nothing_to_refund' | 'flagged';

/**
 * A payment that reached an order or upgrade offer after it had ended unpaid
 * (expired, cancelled, payment failed). Its seats were let go and may be
 * someone else's by now, so the money goes back in full and the customer is
 * told, as an upgrade that cannot be given is paid back
 * (upgrades/upgrade.pay-back.ts). A Checkout Session made after our client
 * gave up on creating it lands here too.
 *
 * Once per payment (a session, or a charge to a saved card): the refund
 * carries an idempotency key from it and is noted on the record's timeline
 * under a cause of it, and
 * the notice is queued once per record (its job id), so a duplicated or
 * retried event refunds and tells nothing twice.
 */
export class LatePaymentRefunds {
  constructor(
    private readonly deps: {
      orders: OrderStore;
      checkout: CheckoutGateway;
      attention: StaffAttention;
      notices: NoticeQueue;
      log: Logger;
    },
  ) {}

  async refund(record: Order, session: PaymentProof): Promise<LatePaymentOutcome> {
    const cause = `late-payment-refund:${session.id}`;
    const amount = session.amount ?? 0;
    const paid = `${formatPrice(amount, session.currency ?? record.currency)} on ${session.id}`;
    const when = `arrived after ${record.id} had ended (${record.state})`;
    if (!record.timeline.some((entry) => entry.cause === cause)) {
      if (amount <= 0) {
        await this.deps.orders.note(record.id, cause, `${session.id} was paid after the order ended, with nothing taken: nothing to refund`);
        return 'nothing_to_refund';
      }
      const refund = session.paymentIntentId ? await this.ask(record, session, amount) : { refused: 'no payment to refund' };
      if ('refused' in refund) {
        await this.deps.attention.flag(record.id, 'refund_by_hand', session.id, `a payment of ${paid} ${when}; Stripe refused to refund it (${refund.refused}): refund it by hand`);
        this.deps.log.error({ component: 'fulfilment', orderId: record.id, sessionId: session.id, refused: refund.refused }, 'late payment could not be refunded: flagged for staff');
        return 'flagged';
      }
      await this.deps.orders.note(record.id, cause, `a payment of ${paid} ${when}: refunded in full (${refund.refundId})`);
      if (record.upgradeOf) await this.deps.orders.note(record.upgradeOf, `${cause}:${record.id}`, `upgrade ${record.id}: a payment of ${paid} ${when}: refunded in full (${refund.refundId})`);
      this.deps.log.warn({ component: 'fulfilment', orderId: record.id, sessionId: session.id, stripeRefundId: refund.refundId, state: record.state }, 'payment for an order that had ended: refunded');
    }
    await this.deps.notices.enqueue(record.id, record.kind === 'upgrade' ? 'upgrade_refunded' : 'late_payment_refunded');
    return 'refunded';
  }

  private async ask(record: Order, session: PaymentProof, amount: number): Promise<{ refundId: string } | { refused: string }> {
    try {
      const refund = await this.deps.checkout.refund({
        paymentIntentId: session.paymentIntentId!,
        amount,
        // Not a refund record of ours (RF-…): its events are not settled against the order's tickets.
        orderId: record.id,
        refundId: `late-${session.id}`,
        note: `payment arrived after ${record.id} ended (${record.state})`,
        payBack: 'late_payment',
        idempotencyKey: `late-payment-${session.id}`,
      });
      return { refundId: refund.id };
    } catch (err) {
      if (err instanceof RefundRejectedError) return { refused: err.code ?? err.message };
      throw err;
    }
  }
}
