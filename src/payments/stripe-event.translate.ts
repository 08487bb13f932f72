/**
 * The handful of payment facts the worker acts on, translated from Stripe's
 * many event types in one place. Anything not listed is explicitly ignored.
 */
export type PaymentEvent =
  | { kind: 'checkout_completed'; sessionId: string }
  | { kind: 'async_payment_succeeded'; sessionId: string }
  | { kind: 'async_payment_failed'; sessionId: string }
  | { kind: 'checkout_expired'; sessionId: string }
  | { kind: 'ignored'; type: string };

/** The slice of a Stripe event the translation reads. */
export interface StripeEventLike {
  id: string;
  type: string;
  data: { object: { id?: unknown; object?: unknown } };
}

export function translateStripeEvent(event: StripeEventLike): PaymentEvent {
  const object = event.data.object;
  const sessionId = object.object === 'checkout.session' && typeof object.id === 'string' ? object.id : undefined;
  if (!sessionId) return { kind: 'ignored', type: event.type };
  switch (event.type) {
    case 'checkout.session.completed':
      return { kind: 'checkout_completed', sessionId };
    case 'checkout.session.async_payment_succeeded':
      return { kind: 'async_payment_succeeded', sessionId };
    case 'checkout.session.async_payment_failed':
      return { kind: 'async_payment_failed', sessionId };
    case 'checkout.session.expired':
      return { kind: 'checkout_expired', sessionId };
    default:
      return { kind: 'ignored', type: event.type };
  }
}
