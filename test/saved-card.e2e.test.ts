// Saving a card on the payment page, for buying by reply next time: an SMS
// customer's Checkout Session is made for their own Stripe Customer (made
// once, reused) with Stripe's "save" choice and our consent words on it; the
// card is kept, with when, only when they tick it; an anonymous chat user is
// never offered it; and a Stripe that cannot make a Customer still sells.
// With SAVED_CARDS=on, the default. Against the test Redis and the local
// Stripe and Twilio servers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAVE_CARD_CONSENT } from '../src/orders/saved-card.store.js';
import { startBotConnector, type BotConnectorServer } from './support/bot-connector.server.js';
import { startBoxOffice, type BoxOffice } from './support/box-office.harness.js';
import { chatUser } from './support/chat-user.js';
import { jobEnd, newPhone, payLinkIn, staffOrder, textBoxOffice } from './support/sms.client.js';
import { postStripeEvent, sessionEvent } from './support/stripe-events.js';

let office: BoxOffice;
let connector: BotConnectorServer;

beforeAll(async () => {
  connector = await startBotConnector();
  office = await startBoxOffice({ env: { SAVED_CARDS: 'on' } });
});

afterAll(async () => {
  await office?.stop();
  await connector?.close();
});

/** Holds seats by text; the order and the Checkout Session request Stripe received for it. */
async function hold(phone: string, text = '2 tickets lakers section 101') {
  const reply = await textBoxOffice(office, phone, text);
  const link = payLinkIn(reply.messages.join('\n'));
  expect(link).toBeDefined();
  const order = await staffOrder(office, link!.orderId);
  const created = office.stripe!.requests.find((request) => request.path === '/v1/checkout/sessions' && request.body.client_reference_id === order.id)!;
  return { order, created };
}

async function pay(orderId: string, saveCard: boolean) {
  const order = await staffOrder(office, orderId);
  office.stripe!.markPaid(order.stripeSessionId!, { saveCard });
  const event = sessionEvent(office, 'checkout.session.completed', order.stripeSessionId!);
  expect((await postStripeEvent(office, event)).status).toBe(200);
  await jobEnd(office, 'payments', event.id);
  return staffOrder(office, orderId);
}

const customersOf = (phone: string) => [...office.stripe!.customers.values()].filter((customer) => customer.metadata.identity === `sms:${phone}`);

describe('saving a card on the payment page', () => {
  it('makes the SMS customer a Stripe Customer once, offers the save choice with our consent words, and keeps the card they tick', async () => {
    const phone = newPhone();
    const { order, created } = await hold(phone);
    const [customer] = customersOf(phone);
    expect(customer).toBeDefined();
    expect(created.body).toMatchObject({ customer: customer!.id, saved_payment_method_options: { payment_method_save: 'enabled' }, custom_text: { submit: { message: SAVE_CARD_CONSENT } } });
    // Saving is the customer's choice, never forced.
    expect(created.body.payment_intent_data).not.toHaveProperty('setup_future_usage');

    const paid = await pay(order.id, true);
    expect(paid.state).toBe('fulfilled');
    const card = await office.foundation.commerce.savedCards.cardOf(order.customer);
    expect(card).toMatchObject({ customerId: customer!.id, brand: 'visa', last4: '4242', savedWith: order.id });
    expect(Date.now() - Date.parse(card!.consentAt)).toBeLessThan(60_000);
    expect(paid.timeline.find((entry) => entry.cause === 'card-saved')?.note).toContain('visa ending 4242');

    // The next purchase is for the same Customer: none is made again.
    const next = await hold(phone, '1 ticket hozier section 101');
    expect(next.created.body.customer).toBe(customer!.id);
    expect(customersOf(phone)).toHaveLength(1);
  });

  it('says which card is saved on "my card", and removes it at Stripe and here on "forget my card"', async () => {
    const phone = newPhone();
    const say = async (text: string) => (await textBoxOffice(office, phone, text)).messages.join('\n');
    expect(await say('my card')).toBe('No card is saved for paying by reply. You pay on the payment page each time.');
    const { order } = await hold(phone);
    await pay(order.id, true);
    const card = (await office.foundation.commerce.savedCards.cardOf(order.customer))!;
    expect(await say('which card do you have on file?')).toBe(`Your saved card: Visa ending 4242 (expires 12/${card.expYear}). Text FORGET MY CARD to remove it.`);
    expect(card.expYear).toBe(new Date().getUTCFullYear() + 4);
    expect(await say('FORGET MY CARD')).toBe('Done: Visa ending 4242 is removed, here and at Stripe. Next time you pay on the payment page.');
    expect(office.stripe!.paymentMethods.get(card.paymentMethodId)?.customer).toBeNull();
    expect(await office.foundation.commerce.savedCards.cardOf(order.customer)).toBeUndefined();
    expect(await say('forget my card')).toBe('No card is saved for paying by reply. You pay on the payment page each time.');
  });

  it('keeps no card when the customer does not tick "save"', async () => {
    const phone = newPhone();
    const { order } = await hold(phone);
    expect((await pay(order.id, false)).state).toBe('fulfilled');
    expect(await office.foundation.commerce.savedCards.cardOf(order.customer)).toBeUndefined();
  });

  it('never offers it to an anonymous chat user', async () => {
    const chat = chatUser(office.url, connector);
    await chat.say('2 tickets lakers section 102');
    const [order] = await office.foundation.commerce.orders.listByCustomer('chat', chat.address);
    const created = office.stripe!.requests.find((request) => request.path === '/v1/checkout/sessions' && request.body.client_reference_id === order!.id)!;
    expect(created.body).not.toHaveProperty('customer');
    expect(created.body).not.toHaveProperty('saved_payment_method_options');
    expect([...office.stripe!.customers.values()].some((customer) => customer.metadata.identity?.startsWith('chat:'))).toBe(false);
  });

  it('is not offered with SAVED_CARDS=off', async () => {
    const plain = await startBoxOffice({ env: { SAVED_CARDS: 'off' } });
    try {
      const phone = newPhone();
      const reply = await textBoxOffice(plain, phone, '2 tickets lakers section 101');
      const orderId = payLinkIn(reply.messages.join('\n'))!.orderId;
      const created = plain.stripe!.requests.find((request) => request.path === '/v1/checkout/sessions' && request.body.client_reference_id === orderId)!;
      expect(created.body).not.toHaveProperty('customer');
      expect(plain.stripe!.customers.size).toBe(0);
    } finally {
      await plain.stop();
    }
  });

  it('still sells when Stripe cannot make the Customer: a page without the choice', async () => {
    const phone = newPhone();
    office.stripe!.failNext(500, { type: 'api_error', message: 'Something went wrong on our end.' }, { method: 'POST', path: '/v1/customers' });
    const { created } = await hold(phone);
    expect(created.body).not.toHaveProperty('customer');
    expect(customersOf(phone)).toEqual([]);
  });
});
