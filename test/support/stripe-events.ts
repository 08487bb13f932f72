// Stripe webhook deliveries for tests, signed with the SDK's own helper
// (never by skipping verification), as Stripe would post them.
import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import { stripeEventFor, type StripeEventShape } from '../../src/payments/stripe-event.build.js';
import { STRIPE_WEBHOOK_PATH } from '../../src/payments/stripe-webhook.route.js';
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
