// A chat customer buys tickets end to end: the real /api/messages (CloudAdapter,
// anonymous as the Emulator expects) with the local connector as the channel,
// Stripe Checkout on the local Stripe server, a signed webhook, the queue and
// the worker, and the tickets coming back as a proactive chat message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHAT_WELCOME } from '../src/bot/box-office.bot.js';
import type { Order } from '../src/orders/order.js';
import { startBotConnector, type BotConnectorServer } from './support/bot-connector.server.js';
import { startBoxOffice, type BoxOffice } from './support/box-office.harness.js';
import { buttonTitles, chatUser, openUrlButtons, seatWords, type ChatUser } from './support/chat-user.js';
import { postStripeEvent, stripeEvent } from './support/stripe-events.js';

const LAKERS = 'lakers-warriors';

let office: BoxOffice;
let connector: BotConnectorServer;

beforeAll(async () => {
  connector = await startBotConnector();
  office = await startBoxOffice();
});

afterAll(async () => {
  await office?.stop();
  await connector?.close();
});

function newChat(): ChatUser {
  return chatUser(office.url, connector);
}

const orders = () => office.foundation.commerce.orders;
const seats = () => office.foundation.commerce.seats;

async function ordersOf(chat: ChatUser): Promise<Order[]> {
  return orders().listByCustomer('chat', chat.address);
}

/** The one order the chat user has, checked to exist. */
async function onlyOrderOf(chat: ChatUser): Promise<Order> {
  const [order, ...more] = await ordersOf(chat);
  expect(more).toEqual([]);
  expect(order).toBeDefined();
  return order!;
}

/** Seats in a section as '.' free, 'H' held, 'S' sold, by name ('A-3'). */
async function seatState(eventId: string, sectionId: string, seat: string): Promise<string> {
  const map = (await seats().seatMap(eventId, sectionId)) ?? {};
  const [row, number] = seat.split('-');
  return map[row!]?.[Number(number) - 1] ?? '?';
}

describe('buying tickets by chat, through the real /api/messages', () => {
  it('greets a chat that opens', async () => {
    const chat = newChat();
    const replies = await chat.open();
    expect(replies.map((r) => r.text)).toEqual([CHAT_WELCOME]);
  });

  it('holds seats from one message, pays by Stripe Checkout, and delivers the tickets proactively', async () => {
    const chat = newChat();
    const replies = await chat.say('2 tickets for the lakers game section 101');

    // One reply: the seats in words and a card whose button opens Stripe Checkout.
    expect(replies).toHaveLength(1);
    const [reply] = replies;
    const order = await onlyOrderOf(chat);
    expect(order).toMatchObject({ state: 'awaiting_payment', eventId: LAKERS, sectionId: '101', quantity: 2, amount: 40_000 });
    expect(order.seats).toHaveLength(2);
    const session = office.stripe!.sessions.get(order.stripeSessionId!);
    expect(session?.url).toMatch(/^https:\/\/checkout\.stripe\.com\//);
    expect(reply?.attachments?.[0]?.contentType).toBe('application/vnd.microsoft.card.hero');
    expect(openUrlButtons(reply)).toEqual([{ title: 'Pay $400', url: session!.url }]);
    expect(reply?.text).toContain(`Section 101, ${seatWords(order.seats)}`);
    expect(reply?.text).toContain('Lakers vs Warriors');

    // The customer pays; Stripe tells the webhook.
    office.stripe!.markPaid(session!.id);
    const delivered = await postStripeEvent(office, stripeEvent('checkout.session.completed', office.stripe!.sessions.get(session!.id)!));
    expect(delivered.status).toBe(200);

    // The tickets arrive later, on their own, in the same conversation.
    const tickets = await connector.waitFor((a) => a.conversationId === chat.conversationId && /Your tickets/.test(a.text ?? ''), 10_000);
    expect(tickets.recipient?.id).toBe(chat.userId);
    const fulfilled = (await orders().get(order.id))!;
    expect(fulfilled.state).toBe('fulfilled');
    expect(fulfilled.tickets).toHaveLength(2);
    for (const code of fulfilled.tickets) expect(tickets.text).toContain(code);
    expect(tickets.text).toContain(order.id);
    // Not an answer to anything the customer said: the worker started it.
    expect(tickets.replyToId).not.toBe(reply?.replyToId);

    // The order kept the conversation reference the worker replied through.
    expect(fulfilled.customer).toMatchObject({
      channel: 'chat',
      address: chat.address,
      conversation: { conversation: { id: chat.conversationId }, serviceUrl: connector.url, user: { id: chat.userId } },
    });
    for (const seat of fulfilled.seats) expect(await seatState(LAKERS, '101', seat)).toBe('S');
  });

  it('lists events as buttons after "hi", and takes a button title as the answer', async () => {
    const chat = newChat();
    const [welcome, ...more] = await chat.say('hi');
    expect(more).toEqual([]);
    expect(welcome?.text).toMatch(/Which event would you like tickets for\?/);
    const events = buttonTitles(welcome);
    expect(events).toEqual(expect.arrayContaining([expect.stringMatching(/^Lakers vs Warriors/), expect.stringMatching(/^Hozier/), expect.stringMatching(/^Hamilton/)]));

    const hozier = events.find((title) => title.startsWith('Hozier'))!;
    const [sectionQuestion] = await chat.say(hozier);
    expect(sectionQuestion?.text).toContain('Hozier: Unreal Unearth Tour: which section?');
    const upper = buttonTitles(sectionQuestion).find((title) => title.startsWith('Section 201'));
    expect(upper).toBeDefined();

    const [howMany] = await chat.say(upper!);
    expect(howMany?.text).toMatch(/How many tickets\?/);

    const [held] = await chat.say('3');
    const order = await onlyOrderOf(chat);
    expect(order).toMatchObject({ eventId: 'hozier', sectionId: '201', quantity: 3, state: 'awaiting_payment' });
    expect(held?.text).toContain(`Section 201 (Upper Bowl), ${seatWords(order.seats)}`);
    expect(openUrlButtons(held)).toEqual([{ title: 'Pay $267', url: order.checkoutUrl }]);
  });

  it('answers two messages sent at the same moment one after the other, without double-booking', async () => {
    const chat = newChat();
    const first = chat.message('2 tickets lakers section 101');
    const second = chat.message('2 tickets lakers section 101');
    expect(await Promise.all([chat.post(first), chat.post(second)])).toEqual([200, 200]);

    // Each message got exactly one answer, and the turns did not overlap:
    // the conversation holds one answer per message and nothing else.
    expect(chat.repliesTo(first)).toHaveLength(1);
    expect(chat.repliesTo(second)).toHaveLength(1);
    expect(chat.received()).toHaveLength(2);

    // The turns ran one after the other: the first held seats, and the second
    // found that hold and pointed to it rather than holding more.
    const [firstReply, secondReply] = [chat.repliesTo(first)[0]!, chat.repliesTo(second)[0]!];
    const replies = [firstReply.text ?? '', secondReply.text ?? ''].sort();
    const held = (await ordersOf(chat)).filter((order) => order.state === 'awaiting_payment');
    expect(held).toHaveLength(1);
    const seats = `Section 101, ${seatWords(held[0]!.seats)}`;
    expect(replies[0]).toMatch(new RegExp(`^Holding ${seats} for Lakers vs Warriors`));
    expect(replies[1]).toContain(`You already have seats held for this event: ${seats}, order ${held[0]!.id}.`);
    for (const seat of held[0]!.seats) expect(await seatState(LAKERS, '101', seat)).toBe('H');
  });

  it('"cancel" after the link expires the Checkout Session first, then cancels the order and frees the seats', async () => {
    const chat = newChat();
    await chat.say('2 tickets lakers section 102');
    const order = await onlyOrderOf(chat);
    const sessionId = order.stripeSessionId!;
    for (const seat of order.seats) expect(await seatState(LAKERS, '102', seat)).toBe('H');

    const [reply] = await chat.say('cancel');
    expect(reply?.text).toBe(`Order ${order.id} is cancelled and the seats are released. No payment was taken.`);

    const expires = office.stripe!.requests.filter((r) => r.method === 'POST' && r.path === `/v1/checkout/sessions/${sessionId}/expire`);
    expect(expires).toHaveLength(1);
    expect(office.stripe!.sessions.get(sessionId)?.status).toBe('expired');
    expect((await orders().get(order.id))?.state).toBe('cancelled');
    for (const seat of order.seats) expect(await seatState(LAKERS, '102', seat)).toBe('.');
  });

  it('keeps the order and its seats when Stripe cannot expire the session, so a paid link never loses its seats', async () => {
    const chat = newChat();
    await chat.say('2 tickets lakers section 102');
    const order = await onlyOrderOf(chat);
    office.stripe!.failNext(500, { type: 'api_error', message: 'Stripe is having a moment' }, { method: 'POST', path: /\/expire$/ });

    const [sorry] = await chat.say('cancel');
    expect(sorry?.text).toMatch(/something went wrong/i);
    expect(office.stripe!.sessions.get(order.stripeSessionId!)?.status).toBe('open');
    expect((await orders().get(order.id))?.state).toBe('awaiting_payment');
    for (const seat of order.seats) expect(await seatState(LAKERS, '102', seat)).toBe('H');

    // Once Stripe answers again, the same word works.
    const [cancelled] = await chat.say('cancel');
    expect(cancelled?.text).toContain(`Order ${order.id} is cancelled`);
    expect((await orders().get(order.id))?.state).toBe('cancelled');
    for (const seat of order.seats) expect(await seatState(LAKERS, '102', seat)).toBe('.');
  });
});
