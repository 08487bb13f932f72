// Stripe webhook deliveries for tests, signed with the SDK's own helper
// (never by skipping verification), as Stripe would post them.
import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import { stripeEventFor, type StripeEventShape } from '../../src/payments/stripe-event.build.js';
import { STRIPE_WEBHOOK_PATH } from '../../src/http/paths.js';
import { TEST_STRIPE, type BoxOffice } from './box-office.harness.js';

/** A Stripe event as tests post it. */
export type StripeTestEvent = StripeEventShape;

/** A Stripe event wrapping `object` (for checkout events, a session object). */
export function stripeEvent(type: string, object: object, id = `evt_test_${randomBytes(12).toString('hex')}`): StripeTestEvent {
  return stripeEventFor(type, object, id);
}

/**
 * Posts an event to the Stripe webhook route. By default it is signed as
 * Stripe signs it; `signature: null` leaves the header out, a string is sent
 * as given, `{ timestamp }` signs with that (epoch seconds) timestamp.
 */
export async function postStripeEvent(
  office: BoxOffice,
  event: StripeTestEvent | string,
  options: { signature?: string | null; timestamp?: number; secret?: string } = {},
): Promise<{ status: number; body: string }> {
  const payload = typeof event === 'string' ? event : JSON.stringify(event);
  const signature =
    options.signature === undefined
      ? Stripe.webhooks.generateTestHeaderString({ payload, secret: options.secret ?? TEST_STRIPE.webhookSecret, timestamp: options.timestamp })
      : options.signature;
  const response = await fetch(office.url + STRIPE_WEBHOOK_PATH, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signature === null ? {} : { 'stripe-signature': signature }) },
    body: payload,
  });
  return { status: response.status, body: await response.text() };
}

/** A checkout.session.* event carrying the session as the Stripe server holds it now. */
export function sessionEvent(office: BoxOffice, type: string, sessionId: string, eventId?: string): StripeTestEvent {
  const session = office.stripe?.sessions.get(sessionId);
  if (!session) throw new Error(`no session ${sessionId} on the Stripe server`);
  return stripeEvent(type, { ...session }, eventId);
}

/** A refund.* (or charge.refund.updated) event carrying the refund as the Stripe server holds it now. */
export function refundEvent(office: BoxOffice, type: string, refundId: string, eventId?: string): StripeTestEvent {
  const refund = office.stripe?.refunds.get(refundId);
  if (!refund) throw new Error(`no refund ${refundId} on the Stripe server`);
  return stripeEvent(type, { ...refund }, eventId);
}

/** charge.refunded for the charge behind a refund: a charge object, as Stripe sends it (its refunds are not listed in it). */
export function chargeRefundedEvent(office: BoxOffice, refundId: string, eventId?: string): StripeTestEvent {
  const refund = office.stripe?.refunds.get(refundId);
  if (!refund?.payment_intent) throw new Error(`no refund ${refundId} with a payment intent on the Stripe server`);
  const refunded = [...office.stripe!.refunds.values()].filter((r) => r.payment_intent === refund.payment_intent);
  const amountRefunded = refunded.reduce((sum, r) => sum + r.amount, 0);
  const session = [...office.stripe!.sessions.values()].find((s) => s.payment_intent === refund.payment_intent);
  return stripeEvent(
    'charge.refunded',
    {
      id: office.stripe!.chargeOf(refund.payment_intent),
      object: 'charge',
      amount: session?.amount_total ?? amountRefunded,
      amount_refunded: amountRefunded,
      refunded: amountRefunded >= (session?.amount_total ?? 0),
      payment_intent: refund.payment_intent,
      currency: refund.currency,
      metadata: {},
    },
    eventId,
  );
}

/** A payment_intent.* event carrying the PaymentIntent as the Stripe server holds it now. */
export function paymentIntentEvent(office: BoxOffice, type: string, paymentIntentId: string, eventId?: string): StripeTestEvent {
  const intent = office.stripe?.paymentIntents.get(paymentIntentId);
  if (!intent) throw new Error(`no payment intent ${paymentIntentId} on the Stripe server`);
  return stripeEvent(type, { ...intent }, eventId);
}
