import Stripe from 'stripe';
import { rethrowMissing } from './stripe-errors.js';
import {
  refundMetadata,
  RefundRejectedError,
  toCheckoutSession,
  toRefundInfo,
  type CheckoutGateway,
  type CheckoutRequest,
  type CheckoutSession,
  type RefundInfo,
  type RefundRequest,
} from '../checkout/checkout.gateway.js';

/** Stripe Checkout: a hosted page per order, paid by card or any method the account enables. */
export class StripeCheckoutGateway implements CheckoutGateway {
  constructor(private readonly stripe: Stripe) {}

  async create(request: CheckoutRequest): Promise<CheckoutSession> {
    const metadata = {
      reference: request.reference,
      kind: request.kind,
      ...(request.upgradeOf ? { upgradeOf: request.upgradeOf } : {}),
    };
    const session = await this.stripe.checkout.sessions.create(
      {
        mode: 'payment',
        line_items: request.lineItems.map((item) => ({
          quantity: item.quantity,
          price_data: {
            currency: request.currency,
            unit_amount: item.unitAmount,
            product_data: { name: item.name, ...(item.description ? { description: item.description } : {}) },
          },
        })),
        client_reference_id: request.reference,
        metadata,
        // Refund and dispute events carry the payment intent, not the session:
        // the same ids there let them find the order too.
        payment_intent_data: { metadata },
        expires_at: request.expiresAt,
        success_url: request.successUrl,
        cancel_url: request.cancelUrl,
        // Saving is the customer's choice on the page (Stripe's checkbox), never forced with setup_future_usage.
        ...(request.saveCard
          ? {
              customer: request.saveCard.customerId,
              saved_payment_method_options: { payment_method_save: 'enabled' as const },
              custom_text: { submit: { message: request.saveCard.consent } },
            }
          : {}),
      },
      { idempotencyKey: request.idempotencyKey },
    );
    return toCheckoutSession(session);
  }

  async retrieve(sessionId: string): Promise<CheckoutSession> {
    // The payment's card comes along: a customer who ticked "save my card" has it kept from this one read.
    return toCheckoutSession(await this.stripe.checkout.sessions.retrieve(sessionId, { expand: ['payment_intent.payment_method'] }).catch(rethrowMissing));
  }

  async expire(sessionId: string): Promise<CheckoutSession> {
    try {
      return toCheckoutSession(await this.stripe.checkout.sessions.expire(sessionId));
    } catch (err) {
      // Stripe refuses to expire a session that is no longer open; what it is
      // now (complete or expired) is the answer the caller needs.
      if (err instanceof Stripe.errors.StripeInvalidRequestError) return this.retrieve(sessionId);
      throw err;
    }
  }

  async refund(request: RefundRequest): Promise<RefundInfo> {
    try {
      const refund = await this.stripe.refunds.create(
        {
          payment_intent: request.paymentIntentId,
          amount: request.amount,
          ...(request.reason ? { reason: request.reason } : {}),
          metadata: refundMetadata(request),
        },
        { idempotencyKey: request.idempotencyKey },
      );
      return toRefundInfo(refund);
    } catch (err) {
      // A 4xx about the payment (already refunded, amount too large, card
      // declined) is Stripe's decision: say so. Everything else (network, 5xx,
      // and idempotency errors, which include "another request with this key
      // is still running") is left to the caller to retry under the same key.
      if (isRefusal(err)) throw new RefundRejectedError(err.message, err.code);
      throw err;
    }
  }

  async retrieveRefund(refundId: string): Promise<RefundInfo> {
    return toRefundInfo(await this.stripe.refunds.retrieve(refundId).catch(rethrowMissing));
  }

  async refundsOfCharge(chargeId: string): Promise<RefundInfo[]> {
    const refunds: RefundInfo[] = [];
    for await (const refund of this.stripe.refunds.list({ charge: chargeId, limit: 100 })) refunds.push(toRefundInfo(refund));
    return refunds;
  }

  async refundsOfPayment(paymentIntentId: string): Promise<RefundInfo[]> {
    const refunds: RefundInfo[] = [];
    for await (const refund of this.stripe.refunds.list({ payment_intent: paymentIntentId, limit: 100 })) refunds.push(toRefundInfo(refund));
    return refunds;
  }
}

function isRefusal(err: unknown): err is InstanceType<typeof Stripe.errors.StripeError> {
  return (
    err instanceof Stripe.errors.StripeInvalidRequestError ||
    err instanceof Stripe.errors.StripeCardError ||
    err instanceof Stripe.errors.StripePermissionError
  );
}
