// Paying by reply on a chat channel that vouches for its users (Teams, with
// the bot's own app id): the first purchase's page offers to save the card,
// the next hold offers "Say YES to pay …", and YES brings the tickets as a
// proactive chat message. Tokens are checked for real by CloudAdapter
// against a local stand-in for Microsoft's servers; a Web Chat user on the
// same box office, whose ids the channel does not vouch for, is never
// offered a card. With SAVED_CARDS=on, against
// the test Redis and the local Stripe server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBotConnector, type BotConnectorServer } from './support/bot-connector.server.js';
import { startBotFrameworkAuthServer, startConnectorGate, type BotFrameworkAuthServer, type ConnectorGate } from './support/bot-framework-auth.server.js';
import { eventually, startBoxOffice, type BoxOffice } from './support/box-office.harness.js';
import { chatUser, openUrlButtons, type ChatUser } from './support/chat-user.js';
import { jobEnd, staffOrder } from './support/sms.client.js';
import { paymentIntentEvent, postStripeEvent, sessionEvent } from './support/stripe-events.js';

const APP_ID = '7a2d9e41-3b6c-4f0e-9d15-c8a4b2e6f903';
const APP_PASSWORD = 'box-office-pay-by-reply-password';

let connector: BotConnectorServer;
let auth: BotFrameworkAuthServer;
let gate: ConnectorGate;
let office: BoxOffice;

beforeAll(async () => {
  connector = await startBotConnector();
  auth = await startBotFrameworkAuthServer({ appId: APP_ID, appPassword: APP_PASSWORD, endorsements: ['msteams', 'webchat'] });
  gate = await startConnectorGate(connector.url, auth);
  office = await startBoxOffice({ env: { ...auth.env, SAVED_CARDS: 'on' } });
});

afterAll(async () => {
  await office?.stop();
  await gate?.close();
  await auth?.close();
  await connector?.close();
});

/** A Teams user who bought once and saved their card, with the first tickets in the chat. */
async function returningTeamsUser(): Promise<ChatUser> {
  const chat = user('msteams');
  await chat.say('2 tickets lakers section 101');
  const first = await newestOrder(chat);
  office.stripe!.markPaid(first.stripeSessionId!, { saveCard: true });
  await deliver(sessionEvent(office, 'checkout.session.completed', first.stripeSessionId!));
  const paid = await staffOrder(office, first.id);
  await eventually(async () => ticketsIn(chat, paid.tickets[0]!), 10_000, 'the first tickets message');
  return chat;
}

function user(channelId: string): ChatUser {
  return chatUser(office.url, connector, undefined, { channelId, serviceUrl: gate.url, auth: (activity) => auth.channelToken({ serviceUrl: activity.serviceUrl! }) });
}

async function newestOrder(chat: ChatUser) {
  const [order] = await office.foundation.commerce.orders.listByCustomer('chat', chat.address);
  return order!;
}

async function deliver(event: ReturnType<typeof sessionEvent>) {
  expect((await postStripeEvent(office, event)).status).toBe(200);
  return jobEnd(office, 'payments', event.id);
}

const ticketsIn = (chat: ChatUser, code: string) => chat.received().find((activity) => activity.text?.includes(code));

describe('paying by reply on Teams', () => {
  it('saves the card on the first page, and pays the next hold on YES, with the tickets in the chat', async () => {
    const chat = user('msteams');
    await chat.say('2 tickets lakers section 101');
    const first = await newestOrder(chat);
    const page = office.stripe!.requests.find((request) => request.path === '/v1/checkout/sessions' && request.body.client_reference_id === first.id)!;
    expect(page.body).toMatchObject({ saved_payment_method_options: { payment_method_save: 'enabled' } });
    office.stripe!.markPaid(first.stripeSessionId!, { saveCard: true });
    await deliver(sessionEvent(office, 'checkout.session.completed', first.stripeSessionId!));
    const paidFirst = await staffOrder(office, first.id);
    await eventually(async () => ticketsIn(chat, paidFirst.tickets[0]!), 10_000, 'the first tickets message');

    const [held] = await chat.say('1 ticket hozier section 101');
    expect(held?.text).toMatch(/Say YES to pay \$[\d,.]+ with Visa ending 4242, or pay on the page\.$/);
    const order = await newestOrder(chat);
    // The button is the pay link, which follows to whichever payment page is open.
    expect(openUrlButtons(held)[0]?.url).toMatch(new RegExp(`/p/${order.id}/`));

    const [paying] = await chat.say('yes');
    expect(paying?.text).toMatch(/^Paying \$[\d,.]+ with Visa ending 4242\./);
    const intent = [...office.stripe!.paymentIntents.values()].find((pi) => pi.metadata.reference === order.id)!;
    expect((await deliver(paymentIntentEvent(office, 'payment_intent.succeeded', intent.id))).returnvalue).toBe('fulfilled');
    const paid = await staffOrder(office, order.id);
    expect(paid.paidWith).toBe('saved_card');
    await eventually(async () => ticketsIn(chat, paid.tickets[0]!), 10_000, 'the tickets message');
    expect(gate.refused).toBe(0);
  });

  it('answers a second YES with "already paying", and a declined card with a button to the payment page', async () => {
    const chat = await returningTeamsUser();
    await chat.say('1 ticket hozier section 201');
    const first = await newestOrder(chat);
    const [paying] = await chat.say('yes');
    expect(paying?.text).toMatch(/^Paying /);
    const [again] = await chat.say('yes');
    expect(again?.text).toBe(`Already paying with Visa ending 4242: your tickets for order ${first.id} follow in a moment.`);

    await chat.say('1 ticket lafc galaxy section 120');
    const second = await newestOrder(chat);
    office.stripe!.nextCharges('card_declined');
    const [declined] = await chat.say('YES');
    expect(declined?.text).toBe('Visa ending 4242 was declined, so nothing was charged. Your seats are still held: pay another way on the payment page.');
    expect(openUrlButtons(declined)[0]?.url).toMatch(new RegExp(`/p/${second.id}/`));
    expect((await staffOrder(office, second.id)).state).toBe('awaiting_payment');
  });

  it('never offers saving a card on a chat channel whose user ids it cannot vouch for (Web Chat)', async () => {
    const chat = user('webchat');
    const [held] = await chat.say('2 tickets lakers section 102');
    expect(held?.text).not.toContain('YES');
    const order = await newestOrder(chat);
    const page = office.stripe!.requests.find((request) => request.path === '/v1/checkout/sessions' && request.body.client_reference_id === order.id)!;
    expect(page.body).not.toHaveProperty('customer');
    expect(page.body).not.toHaveProperty('saved_payment_method_options');
  });
});
