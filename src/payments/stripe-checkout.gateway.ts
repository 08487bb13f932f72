import Stripe from 'stripe';
import { toCheckoutSession, type CheckoutGateway, type CheckoutRequest, type CheckoutSession } from './checkout.gateway.js';

/** Stripe Checkout: a hosted page per order, paid by card or any method the account enables. */
export class StripeCheckoutGateway implements CheckoutGateway {
  readonly demo = false;

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
      },
      { idempotencyKey: request.idempotencyKey },
    );
    return toCheckoutSession(session);
  }

  async retrieve(sessionId: string): Promise<CheckoutSession> {
    return toCheckoutSession(await this.stripe.checkout.sessions.retrieve(sessionId));
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
}
