// What a chat window shows of the bot, through the real /api/messages
// (CloudAdapter, anonymous) and the local connector: every message the chat
// adapter sends, replies and the worker's proactive notices, is markdown that
// shows the sentence as written (src/channels/chat/chat.markdown.ts); a Web
// Chat page that opens with `webchat/join` is greeted once; and the quantity
// question has buttons, as the event and section questions do.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHAT_WELCOME } from '../src/bot/box-office.bot.js';
import { payLinkFor } from '../src/checkout/pay-link.js';
import { conversationOpened, startBotConnector, type BotConnectorServer, type WireActivity } from './support/bot-connector.server.js';
import { startBoxOffice, TEST_PUBLIC_BASE_URL, type BoxOffice } from './support/box-office.harness.js';
import { buttonTitles, chatUser, openUrlButtons, type ChatUser } from './support/chat-user.js';
import { newPhone, textBoxOffice } from './support/sms.client.js';
import { postStripeEvent, stripeEvent } from './support/stripe-events.js';

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

/** The event a Web Chat page sends once Direct Line connects (Web Chat's welcome-event sample). */
function webchatJoin(chat: ChatUser): WireActivity {
  return { ...chat.message(''), type: 'event', name: 'webchat/join', value: { language: 'en-US' }, text: undefined };
}

/** A conversationUpdate from this chat's channel, with the members it adds. */
function conversationUpdate(chat: ChatUser, membersAdded?: WireActivity['membersAdded']): WireActivity {
  const opened = conversationOpened({ conversationId: chat.conversationId, userId: chat.userId, serviceUrl: connector.url });
  return { ...opened, membersAdded };
}

async function exchange(chat: ChatUser, activity: WireActivity): Promise<Array<string | undefined>> {
  expect(await chat.post(activity)).toBe(200);
  return chat.repliesTo(activity).map((reply) => reply.text);
}

describe('chat text is markdown that shows what the bot means', () => {
  it('sends the hold without a venue a chat window would link, and with the pay button', async () => {
    const chat = newChat();
    const [held] = await chat.say('2 tickets lakers section 101');
    expect(held?.textFormat).toBe('markdown');
    expect(held?.text).toContain('Crypto\\.com Arena, Los Angeles');
    expect(held?.text).not.toMatch(/Crypto\.com/);
    const [order] = await office.foundation.commerce.orders.listByCustomer('chat', chat.address);
    expect(openUrlButtons(held)).toEqual([{ title: 'Pay $400', url: order!.checkoutUrl }]);

    // A pay link inside the text is left as written, so it stays a link.
    const [again] = await chat.say('2 tickets lakers section 101');
    expect(again?.text).toContain(`order ${order!.id}. Pay here: ${payLinkFor(TEST_PUBLIC_BASE_URL, order!)} `);
  });

  it('sends the tickets, proactively, with their lines kept and the venue not a link', async () => {
    const chat = newChat();
    await chat.say('2 tickets lakers section 102');
    const [order] = await office.foundation.commerce.orders.listByCustomer('chat', chat.address);
    office.stripe!.markPaid(order!.stripeSessionId!);
    const paid = await postStripeEvent(office, stripeEvent('checkout.session.completed', office.stripe!.sessions.get(order!.stripeSessionId!)!));
    expect(paid.status).toBe(200);

    const tickets = await connector.waitFor((a) => a.conversationId === chat.conversationId && /Your tickets/.test(a.text ?? ''), 10_000);
    expect(tickets.textFormat).toBe('markdown');
    const lines = tickets.text!.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^Paid, thank you! .*Crypto\\\.com Arena.* {2}$/);
    expect(lines[1]).toMatch(/^Your tickets: BX-.* {2}$/);
    // The ticket page link stays a link: nothing escaped in it.
    expect(lines[2]).toMatch(/^Show their QR codes at the door: https:\/\/tickets\.example\.test\/t\/[A-Za-z0-9_-]{22} {2}$/);
    expect(lines[3]).toBe(`Order ${order!.id}.`);
  });
});

describe('greeting a chat that opens', () => {
  it('greets a Web Chat page that sends webchat/join, before the person types', async () => {
    const chat = newChat();
    expect(await exchange(chat, webchatJoin(chat))).toEqual([CHAT_WELCOME]);
    // Direct Line tells the bot of the person with their first message: no second greeting.
    expect(await exchange(chat, conversationUpdate(chat))).toEqual([]);
    expect(await exchange(chat, webchatJoin(chat))).toEqual([]);
    const [reply] = await chat.say('hi');
    expect(reply?.text).toMatch(/Which event would you like tickets for\?/);
    expect(chat.received().filter((activity) => activity.text === CHAT_WELCOME)).toHaveLength(1);
  });

  it('greets once when the conversationUpdate comes first', async () => {
    const chat = newChat();
    expect(await chat.open()).toHaveLength(1);
    expect(await exchange(chat, webchatJoin(chat))).toEqual([]);
  });

  it('greets a conversationUpdate that names no members (a conversation opening), once', async () => {
    const chat = newChat();
    expect(await exchange(chat, conversationUpdate(chat, undefined))).toEqual([CHAT_WELCOME]);
    expect(await exchange(chat, conversationUpdate(chat, []))).toEqual([]);
    const other = newChat();
    expect(await exchange(other, conversationUpdate(other, []))).toEqual([CHAT_WELCOME]);
  });

  it('greets no one for a conversationUpdate that adds only the bot, then greets on webchat/join', async () => {
    const chat = newChat();
    expect(await exchange(chat, conversationUpdate(chat, [{ id: 'bot', name: 'Bot' }]))).toEqual([]);
    expect(await exchange(chat, webchatJoin(chat))).toEqual([CHAT_WELCOME]);
  });
});

describe('the quantity question', () => {
  it('offers party sizes as buttons on chat, and a button is the answer', async () => {
    const chat = newChat();
    const [howMany] = await chat.say('lakers section 101');
    expect(howMany?.text).toMatch(/^How many tickets\? \(1-8\)$/);
    expect(buttonTitles(howMany)).toEqual(['1', '2', '3', '4']);

    const [held] = await chat.say('3');
    expect(held?.text).toMatch(/^Holding Section 101, row \w, seats \d+-\d+ for Lakers vs Warriors/);
    const [order] = await office.foundation.commerce.orders.listByCustomer('chat', chat.address);
    expect(order).toMatchObject({ sectionId: '101', quantity: 3, state: 'awaiting_payment' });
  });

  it('stays a bare question on SMS', async () => {
    const reply = await textBoxOffice(office, newPhone(), 'lakers section 101');
    expect(reply.messages).toEqual(['How many tickets? (1-8)']);
  });
});
