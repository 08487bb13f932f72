// What the payment provider says paid for an order, whichever way it was
// paid: the order's Checkout Session, or a charge to the customer's saved
// card (checkout/saved-cards.ts). Fulfilment checks it against the order and
// refunds it when it arrives too late; both ways read the same shape.
import type { CheckoutSession, SavedCard } from './checkout.gateway.js';
import type { PaymentInfo } from './saved-cards.js';

export interface PaymentProof {
  via: 'checkout' | 'saved_card';
  /** The session, or the payment, that took the money: the order must have recorded this one. */
  id: string;
  /** Our order id, from the provider's metadata. */
  reference: string;
  /** Minor units taken; null when nothing was. */
  amount: number | null;
  currency: string | null;
  /** The payment a refund pays back. */
  paymentIntentId?: string;
  /** On a paid page: the card the customer chose to save while paying. */
  savedCard?: SavedCard;
}

export function proofOfSession(session: CheckoutSession): PaymentProof {
  return {
    via: 'checkout',
    id: session.id,
    reference: session.reference,
    amount: session.amountTotal,
    currency: session.currency,
    ...(session.paymentIntentId ? { paymentIntentId: session.paymentIntentId } : {}),
    ...(session.savedCard ? { savedCard: session.savedCard } : {}),
  };
}

/** The proof a charge to a saved card gives: only once it succeeded, and only with our ids (PaymentInfo.ours). */
export function proofOfCard(payment: PaymentInfo): PaymentProof | undefined {
  if (payment.status !== 'succeeded' || !payment.ours) return undefined;
  return { via: 'saved_card', id: payment.id, reference: payment.ours.reference, amount: payment.amountReceived, currency: payment.currency, paymentIntentId: payment.id };
}
