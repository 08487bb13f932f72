/**
 * The handful of payment facts the worker acts on, translated from Stripe's
 * many event types in one place. Anything not listed is explicitly ignored.
 */
export type PaymentEvent =
  | { kind: 'checkout_completed'; sessionId: string }
  | { kind: 'async_payment_succeeded'; sessionId: string }
  | { kind: 'async_payment_failed'; sessionId: string }
  | { kind: 'checkout_expired'; sessionId: string }
  /** A refund was created or changed: look it up and act on what Stripe says now. */
  | { kind: 'refund_changed'; refundId: string }
  /** A payment (PaymentIntent) succeeded, failed or is processing: look it up; one charged to a saved card settles its order. */
  | { kind: 'card_payment'; paymentId: string }
  /** A charge was (partly) refunded: look up its refunds. */
  | { kind: 'charge_refunded'; chargeId: string }
  | { kind: 'ignored'; type: string };

/**
 * Refund events whose object is the refund. `refund.*` are the current names;
 * `charge.refund.updated` is the older one, still sent to endpoints that ask for it.
 */
const REFUND_EVENTS = new Set(['refund.created', 'refund.updated', 'refund.failed', 'charge.refund.updated']);

/** PaymentIntent events that can settle a payment by reply (https://docs.stripe.com/payments/payment-intents/verifying-status). */
const PAYMENT_EVENTS = new Set(['payment_intent.succeeded', 'payment_intent.payment_failed', 'payment_intent.processing', 'payment_intent.canceled']);

/** The slice of a Stripe event the translation reads. */
export interface StripeEventLike {
  id: string;
  type: string;
  data: { object: { id?: unknown; object?: unknown } };
}

export function translateStripeEvent(event: StripeEventLike): PaymentEvent {
  const object = event.data.object;
  const objectId = typeof object.id === 'string' && object.id !== '' ? object.id : undefined;
  if (objectId && object.object === 'refund' && REFUND_EVENTS.has(event.type)) return { kind: 'refund_changed', refundId: objectId };
  if (objectId && object.object === 'charge' && event.type === 'charge.refunded') return { kind: 'charge_refunded', chargeId: objectId };
  if (objectId && object.object === 'payment_intent' && PAYMENT_EVENTS.has(event.type)) return { kind: 'card_payment', paymentId: objectId };
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
