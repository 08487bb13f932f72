import type { CheckoutGateway, CheckoutRequest, CheckoutSession, RefundInfo, RefundRequest } from '../checkout/checkout.gateway.js';
import type { BoxOfficeMetrics } from './metrics.js';

/**
 * A CheckoutGateway that counts the Checkout Sessions it is asked for,
 * created or failed, and otherwise passes every call through. Wrapped around
 * Stripe's or the demo gateway at the composition root (roles/foundation.ts).
 */
export class MeteredCheckoutGateway implements CheckoutGateway {
  constructor(
    private readonly inner: CheckoutGateway,
    private readonly metrics: Pick<BoxOfficeMetrics, 'checkoutSessions'>,
  ) {}

  async create(request: CheckoutRequest): Promise<CheckoutSession> {
    try {
      const session = await this.inner.create(request);
      this.metrics.checkoutSessions.inc({ kind: request.kind, outcome: 'created' });
      return session;
    } catch (err) {
      this.metrics.checkoutSessions.inc({ kind: request.kind, outcome: 'failed' });
      throw err;
    }
  }

  retrieve(sessionId: string): Promise<CheckoutSession> {
    return this.inner.retrieve(sessionId);
  }

  expire(sessionId: string): Promise<CheckoutSession> {
    return this.inner.expire(sessionId);
  }

  refund(request: RefundRequest): Promise<RefundInfo> {
    return this.inner.refund(request);
  }

  retrieveRefund(refundId: string): Promise<RefundInfo> {
    return this.inner.retrieveRefund(refundId);
  }

  refundsOfCharge(chargeId: string): Promise<RefundInfo[]> {
    return this.inner.refundsOfCharge(chargeId);
  }

  refundsOfPayment(paymentIntentId: string): Promise<RefundInfo[]> {
    return this.inner.refundsOfPayment(paymentIntentId);
  }
}
