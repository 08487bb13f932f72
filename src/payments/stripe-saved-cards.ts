import Stripe from 'stripe';
import { rethrowMissing } from './stripe-errors.js';
import { CardRefusedError, toPaymentInfo, type OffSessionCharge, type PaymentInfo, type SavedCards } from '../checkout/saved-cards.js';

/**
 * Saved cards at Stripe: a Customer per identity (the card a customer chose
 * to save in Checkout comes with the paid session, CheckoutSession.savedCard),
 * and PaymentIntents confirmed off-session against it
 * (https://docs.stripe.com/payments/save-during-payment).
 */
export class StripeSavedCards implements SavedCards {
  constructor(private readonly stripe: Stripe) {}

  async createCustomer(identity: string, idempotencyKey: string): Promise<string> {
    const customer = await this.stripe.customers.create({ metadata: { identity } }, { idempotencyKey });
    return customer.id;
  }

  async prepare(request: OffSessionCharge): Promise<PaymentInfo> {
    const intent = await this.stripe.paymentIntents.create(
      {
        amount: request.amount,
        currency: request.currency,
        customer: request.customerId,
        payment_method: request.paymentMethodId,
        metadata: { reference: request.reference, kind: request.kind },
      },
      { idempotencyKey: request.idempotencyKey },
    );
    return toPaymentInfo(intent);
  }

  async confirm(paymentId: string, idempotencyKey: string): Promise<PaymentInfo> {
    try {
      return toPaymentInfo(await this.stripe.paymentIntents.confirm(paymentId, { off_session: true }, { idempotencyKey }));
    } catch (err) {
      if (err instanceof Stripe.errors.StripeCardError) {
        throw new CardRefusedError(err.message, err.code ?? 'card_declined', err.payment_intent?.id, err.decline_code);
      }
      throw err;
    }
  }

  async cancel(paymentId: string): Promise<PaymentInfo> {
    try {
      return toPaymentInfo(await this.stripe.paymentIntents.cancel(paymentId));
    } catch (err) {
      // Already succeeded or cancelled (400 payment_intent_unexpected_state): what it is now is the answer.
      if (err instanceof Stripe.errors.StripeInvalidRequestError && err.code === 'payment_intent_unexpected_state') return this.retrievePayment(paymentId);
      throw err;
    }
  }

  async retrievePayment(paymentId: string): Promise<PaymentInfo> {
    return toPaymentInfo(await this.stripe.paymentIntents.retrieve(paymentId).catch(rethrowMissing));
  }

  async forget(paymentMethodId: string): Promise<void> {
    try {
      await this.stripe.paymentMethods.detach(paymentMethodId);
    } catch (err) {
      // Already detached (400), or gone (404): either way it is no longer saved.
      if (err instanceof Stripe.errors.StripeInvalidRequestError) return;
      throw err;
    }
  }
}
