// StripeSavedCards, the saved-card port at Stripe, through the real SDK and
// the local Stripe server: a Customer per identity, the card a customer chose
// to save in Checkout (and none when they did not), a payment made once per
// key and charged off-session only when confirmed, a declined one and one
// needing authentication as CardRefusedError, a refused payment cancelled so
// nothing can charge it later, a payment read back with our ids checked, a
// card forgotten twice without error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckoutNotFoundError } from '../src/checkout/checkout.gateway.js';
import { CardRefusedError } from '../src/checkout/saved-cards.js';
import { createStripeClient } from '../src/payments/stripe.client.js';
import { StripeSavedCards } from '../src/payments/stripe-saved-cards.js';
import { StripeCheckoutGateway } from '../src/payments/stripe-checkout.gateway.js';
import { startStripeApiServer, type StripeApiServer } from './support/stripe-api.server.js';
import type Stripe from 'stripe';

let server: StripeApiServer;
let stripe: Stripe;
let cards: StripeSavedCards;
let checkout: StripeCheckoutGateway;

beforeAll(async () => {
  server = await startStripeApiServer();
  stripe = createStripeClient({ secretKey: 'sk_test_local', apiUrl: server.url });
  cards = new StripeSavedCards(stripe);
  checkout = new StripeCheckoutGateway(stripe);
});

afterAll(async () => {
  await server?.close();
});

/** The card saved with a paid session, as the worker reads the session. */
const cardSavedIn = async (sessionId: string) => (await checkout.retrieve(sessionId)).savedCard;

/** A Checkout Session for the Customer, letting them save their card, paid, with the card saved or not. */
async function paidSession(customer: string, saveCard: boolean): Promise<string> {
  const session = await stripe.checkout.sessions.create({
    mode: 'payment',
    customer,
    client_reference_id: 'BX-7K2Q',
    metadata: { reference: 'BX-7K2Q', kind: 'tickets' },
    saved_payment_method_options: { payment_method_save: 'enabled' },
    line_items: [{ quantity: 1, price_data: { currency: 'usd', unit_amount: 20_000, product_data: { name: 'Section 101' } } }],
    success_url: 'https://tickets.example.test/ok',
  });
  server.markPaid(session.id, { saveCard: saveCard ? { brand: 'mastercard', last4: '4444', exp_month: 3, exp_year: 2029 } : false });
  return session.id;
}

const prepare = (customerId: string, paymentMethodId: string, idempotencyKey: string) =>
  cards.prepare({ reference: 'BX-7K2Q', kind: 'tickets', amount: 40_000, currency: 'usd', customerId, paymentMethodId, idempotencyKey });

async function charge(customerId: string, paymentMethodId: string, key: string) {
  const payment = await prepare(customerId, paymentMethodId, key);
  return cards.confirm(payment.id, `${key}-confirm`);
}

describe('saved cards at Stripe', () => {
  it('makes a Customer for an identity, and reads the card saved in Checkout only when the customer chose to save it', async () => {
    const customerId = await cards.createCustomer('sms:+15550002222', 'customer-sms-+15550002222');
    expect(server.customers.get(customerId)?.metadata).toEqual({ identity: 'sms:+15550002222' });
    expect(await cardSavedIn(await paidSession(customerId, false))).toBeUndefined();
    const card = await cardSavedIn(await paidSession(customerId, true));
    expect(card).toEqual({ customerId, paymentMethodId: expect.stringMatching(/^pm_/), brand: 'mastercard', last4: '4444', expMonth: 3, expYear: 2029 });
    await expect(cardSavedIn('cs_test_nosuchsession')).rejects.toBeInstanceOf(CheckoutNotFoundError);
  });

  it('makes one payment per key, charges it off-session only when confirmed, and reads it back with our ids', async () => {
    const customerId = await cards.createCustomer('sms:+15550003333', 'customer-sms-+15550003333');
    const card = (await cardSavedIn(await paidSession(customerId, true)))!;
    const made = await prepare(customerId, card.paymentMethodId, 'pay-BX-7K2Q-1');
    expect(made).toMatchObject({ status: 'requires_confirmation', amountReceived: 0 });
    const paid = await cards.confirm(made.id, 'pay-BX-7K2Q-1-confirm');
    expect(paid).toEqual({ id: made.id, status: 'succeeded', amount: 40_000, amountReceived: 40_000, currency: 'usd', ours: { reference: 'BX-7K2Q', kind: 'tickets' } });
    expect(server.requests.find((r) => r.path === `/v1/payment_intents/${made.id}/confirm`)?.body).toMatchObject({ off_session: 'true' });
    // The same keys again: the same payment, and the confirm's answer replayed, not a second charge.
    expect((await prepare(customerId, card.paymentMethodId, 'pay-BX-7K2Q-1')).id).toBe(made.id);
    expect((await cards.confirm(made.id, 'pay-BX-7K2Q-1-confirm')).status).toBe('succeeded');
    expect(await cards.cancel(made.id)).toMatchObject({ status: 'succeeded' });
    expect(await cards.retrievePayment(paid.id)).toEqual(paid);
    await expect(cards.retrievePayment('pi_nosuchpayment')).rejects.toBeInstanceOf(CheckoutNotFoundError);
  });

  it('says why the bank refused: declined, or authentication needed, with the payment left unpaid', async () => {
    const customerId = await cards.createCustomer('sms:+15550004444', 'customer-sms-+15550004444');
    const card = (await cardSavedIn(await paidSession(customerId, true)))!;
    server.nextCharges('card_declined', 'authentication_required');
    const declined = await charge(customerId, card.paymentMethodId, 'k-declined').catch((err: unknown) => err);
    expect(declined).toBeInstanceOf(CardRefusedError);
    expect(declined).toMatchObject({ code: 'card_declined', declineCode: 'generic_decline', needsAuthentication: false });
    const authenticate = (await charge(customerId, card.paymentMethodId, 'k-auth').catch((err: unknown) => err)) as CardRefusedError;
    expect(authenticate.needsAuthentication).toBe(true);
    expect((await cards.retrievePayment(authenticate.paymentId!)).status).toBe('requires_payment_method');
    expect((await cards.cancel(authenticate.paymentId!)).status).toBe('canceled');
    await expect(cards.confirm(authenticate.paymentId!, 'k-auth-again')).rejects.toThrow(/status of canceled/);
  });

  it('forgets a card at Stripe, and again without error', async () => {
    const customerId = await cards.createCustomer('sms:+15550005555', 'customer-sms-+15550005555');
    const card = (await cardSavedIn(await paidSession(customerId, true)))!;
    await cards.forget(card.paymentMethodId);
    expect(server.paymentMethods.get(card.paymentMethodId)?.customer).toBeNull();
    await cards.forget(card.paymentMethodId);
    await cards.forget('pm_nosuchcard');
  });
});
