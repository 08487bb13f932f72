// The one place Stripe's many event types become the handful of payment facts
// the worker acts on. Each row is an event as Stripe would deliver it (built
// by the same helper the demo checkout and the webhook tests use) and the fact
// it means; everything else must come out as the explicit "ignored".
import { describe, expect, it } from 'vitest';
import { stripeEventFor } from '../src/payments/stripe-event.build.js';
import { translateStripeEvent, type PaymentEvent } from '../src/payments/stripe-event.translate.js';

const session = { id: 'cs_test_a1B2c3', object: 'checkout.session', status: 'complete', payment_status: 'paid', client_reference_id: 'BX-7K2Q' };
const refund = { id: 're_3PqR', object: 'refund', status: 'succeeded', amount: 20000, payment_intent: 'pi_3PqR' };
const intent = { id: 'pi_3PqR', object: 'payment_intent', status: 'succeeded', amount: 40000, metadata: { reference: 'BX-7K2Q', kind: 'tickets' } };
const charge = { id: 'ch_3PqR', object: 'charge', amount: 40000, amount_refunded: 20000, payment_intent: 'pi_3PqR' };

function translated(type: string, object: object): PaymentEvent {
  return translateStripeEvent(stripeEventFor(type, object, 'evt_test_translate'));
}

/** `object` less one field, as a malformed delivery would carry it. */
function without(object: object, field: string): object {
  return Object.fromEntries(Object.entries(object).filter(([key]) => key !== field));
}

describe('translateStripeEvent', () => {
  it.each<[string, object, PaymentEvent]>([
    ['checkout.session.completed', session, { kind: 'checkout_completed', sessionId: session.id }],
    ['checkout.session.async_payment_succeeded', session, { kind: 'async_payment_succeeded', sessionId: session.id }],
    ['checkout.session.async_payment_failed', { ...session, payment_status: 'unpaid' }, { kind: 'async_payment_failed', sessionId: session.id }],
    ['checkout.session.expired', { ...session, status: 'expired', payment_status: 'unpaid' }, { kind: 'checkout_expired', sessionId: session.id }],
    ['refund.created', refund, { kind: 'refund_changed', refundId: refund.id }],
    ['refund.updated', { ...refund, status: 'pending' }, { kind: 'refund_changed', refundId: refund.id }],
    ['refund.failed', { ...refund, status: 'failed' }, { kind: 'refund_changed', refundId: refund.id }],
    ['charge.refund.updated', refund, { kind: 'refund_changed', refundId: refund.id }],
    ['charge.refunded', charge, { kind: 'charge_refunded', chargeId: charge.id }],
    ['payment_intent.succeeded', intent, { kind: 'card_payment', paymentId: intent.id }],
    ['payment_intent.payment_failed', { ...intent, status: 'requires_payment_method' }, { kind: 'card_payment', paymentId: intent.id }],
    ['payment_intent.processing', { ...intent, status: 'processing' }, { kind: 'card_payment', paymentId: intent.id }],
    ['payment_intent.canceled', { ...intent, status: 'canceled' }, { kind: 'card_payment', paymentId: intent.id }],
  ])('%s becomes %o', (type, object, fact) => {
    expect(translated(type, object)).toEqual(fact);
  });

  it.each<[string, object]>([
    ['payment_intent.created', { id: 'pi_3PqR', object: 'payment_intent', status: 'requires_payment_method' }],
    ['payment_intent.requires_action', { ...intent, status: 'requires_action' }],
    ['charge.succeeded', { ...charge, amount_refunded: 0 }],
    ['charge.dispute.created', { id: 'dp_1', object: 'dispute', charge: charge.id, amount: 40000 }],
    ['customer.created', { id: 'cus_1', object: 'customer', email: 'fan@example.com' }],
    ['invoice.paid', { id: 'in_1', object: 'invoice', status: 'paid' }],
  ])('ignores %s, which the box office does not act on', (type, object) => {
    expect(translated(type, object)).toEqual({ kind: 'ignored', type });
  });

  it.each<[string, string, object]>([
    ['checkout.session.completed', 'a session without an id', without(session, 'id')],
    ['checkout.session.completed', 'a session with an empty id', { ...session, id: '' }],
    ['checkout.session.completed', 'a session whose id is not a string', { ...session, id: 42 }],
    ['checkout.session.completed', 'an object that does not say what it is', without(session, 'object')],
    ['checkout.session.completed', 'a payment intent', { id: 'pi_3PqR', object: 'payment_intent' }],
    ['checkout.session.expired', 'a refund', refund],
    ['refund.created', 'a refund without an id', without(refund, 'id')],
    ['refund.updated', 'a refund with an empty id', { ...refund, id: '' }],
    ['refund.created', 'a charge', charge],
    ['charge.refunded', 'a charge without an id', without(charge, 'id')],
    ['charge.refunded', 'a refund', refund],
    ['payment_intent.succeeded', 'a payment without an id', without(intent, 'id')],
    ['payment_intent.succeeded', 'a session', session],
  ])('ignores %s carrying %s', (type, _what, object) => {
    expect(translated(type, object)).toEqual({ kind: 'ignored', type });
  });
});
