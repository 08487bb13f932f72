// The local Stripe server's saved cards, driven by the real `stripe` SDK as
// the box office will drive it: a Customer, a Checkout Session that lets the
// customer save their card, the card attached once they tick it, and
// PaymentIntents charged to it off-session that succeed, are declined, need
// authentication or are still processing, as the test chooses; the same
// idempotency key never charges twice; the card detached; a charge refunded.
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStripeClient } from '../src/payments/stripe.client.js';
import { startStripeApiServer, type StripeApiServer } from './support/stripe-api.server.js';

let server: StripeApiServer;
let stripe: Stripe;

beforeAll(async () => {
  server = await startStripeApiServer();
  stripe = createStripeClient({ secretKey: 'sk_test_local', apiUrl: server.url });
});

afterAll(async () => {
  await server?.close();
});

/** A customer who paid once in Checkout and ticked "save my card". */
async function customerWithCard(): Promise<{ customer: string; card: string }> {
  const customer = await stripe.customers.create({ metadata: { identity: 'sms:+15550001111' } }, { idempotencyKey: `customer-${Math.random()}` });
  const session = await stripe.checkout.sessions.create({
    mode: 'payment',
    customer: customer.id,
    saved_payment_method_options: { payment_method_save: 'enabled' },
    payment_intent_data: { setup_future_usage: 'off_session' },
    line_items: [{ quantity: 2, price_data: { currency: 'usd', unit_amount: 20_000, product_data: { name: 'Section 101' } } }],
    success_url: 'https://tickets.example.test/ok',
  });
  expect(server.sessions.get(session.id)?.customer).toBe(customer.id);
  server.markPaid(session.id, { saveCard: { brand: 'visa', last4: '4242' } });
  const paid = await stripe.checkout.sessions.retrieve(session.id, { expand: ['payment_intent.payment_method'] });
  const intent = paid.payment_intent as Stripe.PaymentIntent;
  const method = intent.payment_method as Stripe.PaymentMethod;
  expect(intent.status).toBe('succeeded');
  expect(method).toMatchObject({ customer: customer.id, allow_redisplay: 'always', card: { brand: 'visa', last4: '4242' } });
  return { customer: customer.id, card: method.id };
}

function charge(customer: string, card: string, key: string, amount = 40_000) {
  return stripe.paymentIntents.create(
    { amount, currency: 'usd', customer, payment_method: card, off_session: true, confirm: true, metadata: { reference: 'BX-7K2Q', kind: 'tickets' } },
    { idempotencyKey: key },
  );
}

describe('the local Stripe server: saved cards', () => {
  it('saves a card only when the customer ticks it on a session that lets them', async () => {
    const customer = await stripe.customers.create({});
    const session = await stripe.checkout.sessions.create({
      mode: 'payment',
      customer: customer.id,
      line_items: [{ quantity: 1, price_data: { currency: 'usd', unit_amount: 5_000, product_data: { name: 'Standing' } } }],
      success_url: 'https://tickets.example.test/ok',
    });
    server.markPaid(session.id, { saveCard: true });
    expect((await stripe.paymentMethods.list({ customer: customer.id, type: 'card' })).data).toEqual([]);
  });

  it('charges a saved card off-session, once per idempotency key, with the metadata given', async () => {
    const { customer, card } = await customerWithCard();
    const first = await charge(customer, card, 'pay-BX-7K2Q');
    expect(first).toMatchObject({ status: 'succeeded', amount: 40_000, amount_received: 40_000, customer, payment_method: card, metadata: { reference: 'BX-7K2Q' } });
    const again = await charge(customer, card, 'pay-BX-7K2Q');
    expect(again.id).toBe(first.id);
    expect((await stripe.paymentIntents.retrieve(first.id)).status).toBe('succeeded');
    expect([...server.paymentIntents.values()].filter((pi) => pi.customer === customer && pi.metadata.reference === 'BX-7K2Q')).toHaveLength(1);
    // And it can be refunded like a Checkout payment.
    const refund = await stripe.refunds.create({ payment_intent: first.id, amount: 10_000 });
    expect(refund).toMatchObject({ status: 'succeeded', amount: 10_000, payment_intent: first.id });
  });

  it('answers a declined card, an expired one and one needing authentication as Stripe does: a 402 card error with the intent', async () => {
    const { customer, card } = await customerWithCard();
    server.nextCharges('card_declined', 'expired_card', 'authentication_required');
    for (const [key, code] of [['k1', 'card_declined'], ['k2', 'expired_card'], ['k3', 'authentication_required']] as const) {
      const failure = await charge(customer, card, key).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(failure).toBeInstanceOf(Stripe.errors.StripeCardError);
      const error = failure as Stripe.errors.StripeCardError;
      expect(error.statusCode).toBe(402);
      expect(error.code).toBe(code);
      expect(error.payment_intent?.status).toBe('requires_payment_method');
      // The same key replays the refusal: no second attempt at the bank.
      const replay = await charge(customer, card, key).catch((err: Stripe.errors.StripeCardError) => err);
      expect((replay as Stripe.errors.StripeCardError).payment_intent?.id).toBe(error.payment_intent?.id);
    }
    // The next one, with a new key, succeeds.
    expect((await charge(customer, card, 'k4')).status).toBe('succeeded');
  });

  it('leaves a charge processing when asked, and refuses a card that is not the customer’s', async () => {
    const { customer, card } = await customerWithCard();
    server.nextCharges('processing');
    expect((await charge(customer, card, 'p1')).status).toBe('processing');
    const other = await customerWithCard();
    const refused = await charge(customer, other.card, 'p2').catch((err: Stripe.errors.StripeError) => err);
    expect((refused as Stripe.errors.StripeError).code).toBe('payment_method_not_available');
  });

  it('lists and detaches a customer’s saved card', async () => {
    const { customer, card } = await customerWithCard();
    expect((await stripe.paymentMethods.list({ customer, type: 'card' })).data.map((pm) => pm.id)).toEqual([card]);
    const detached = await stripe.paymentMethods.detach(card);
    expect(detached.customer).toBeNull();
    expect((await stripe.paymentMethods.list({ customer, type: 'card' })).data).toEqual([]);
    const again = await stripe.paymentMethods.detach(card).catch((err: Stripe.errors.StripeError) => err);
    expect((again as Stripe.errors.StripeError).statusCode).toBe(400);
    const unknown = await stripe.customers.retrieve('cus_nobody').catch((err: Stripe.errors.StripeError) => err);
    expect((unknown as Stripe.errors.StripeError).code).toBe('resource_missing');
  });
});
