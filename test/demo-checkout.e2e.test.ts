// The newcomer's path: no Stripe account, no Twilio number, `npm start` and a
// chat window. The demo checkout stands in for Stripe's hosted page, and
// paying it runs the real path: a signed event to our own webhook, the queue,
// the worker, and the tickets as a proactive chat message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBotConnector, type BotConnectorServer } from './support/bot-connector.server.js';
import { eventually, startBoxOffice, TEST_PUBLIC_BASE_URL, type BoxOffice } from './support/box-office.harness.js';
import { chatUser, openUrlButtons, seatWords, type ChatUser } from './support/chat-user.js';
import type { Order } from '../src/orders/order.js';
import { jobsLeft, payLinkPath } from './support/sms.client.js';

let office: BoxOffice;
let connector: BotConnectorServer;

beforeAll(async () => {
  connector = await startBotConnector();
  office = await startBoxOffice({ demo: true });
});

afterAll(async () => {
  await office?.stop();
  await connector?.close();
});

const DEMO_LINK = new RegExp(`^${TEST_PUBLIC_BASE_URL.replace(/\./g, '\\.')}/demo/checkout/(cs_demo_[0-9a-f]{24})$`);

/** A public URL (what the customer is sent), opened on the box office's local address. */
function local(publicUrl: string): string {
  const url = new URL(publicUrl);
  return `${office.url}${url.pathname}${url.search}`;
}

function pay(sessionId: string): Promise<Response> {
  return fetch(`${office.url}/demo/checkout/${sessionId}/pay`, { method: 'POST', redirect: 'manual' });
}

async function buy(chat: ChatUser, text: string): Promise<{ order: Order; link: string; sessionId: string }> {
  const [reply] = await chat.say(text);
  const [button] = openUrlButtons(reply);
  const [order] = await office.foundation.commerce.orders.listByCustomer('chat', chat.address);
  expect(order).toBeDefined();
  expect(reply?.text).toContain(seatWords(order!.seats));
  const match = DEMO_LINK.exec(button?.url ?? '');
  expect(match, `pay button ${button?.url}`).not.toBeNull();
  return { order: order!, link: button!.url, sessionId: match![1]! };
}

/** Every ticket message the chat has received. */
function ticketMessages(chat: ChatUser) {
  return chat.received().filter((a) => /Your tickets/.test(a.text ?? ''));
}

describe('demo checkout (no Stripe key)', () => {
  it('sells by chat with no accounts: link, demo page, pay, tickets in the chat', async () => {
    const chat = chatUser(office.url, connector);
    const { order, link, sessionId } = await buy(chat, '2 tickets for the lakers game section 101');
    expect(link.startsWith(`${TEST_PUBLIC_BASE_URL}/demo/checkout/cs_demo_`)).toBe(true);
    expect(order).toMatchObject({ state: 'awaiting_payment', stripeSessionId: sessionId, checkoutUrl: link });

    // The page says loudly that it is a demo, and shows the order and the total.
    const page = await fetch(local(link));
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('DEMO CHECKOUT: no card, no money.');
    expect(html).toContain(`Order ${order.id}`);
    expect(html).toContain('Lakers vs Warriors: Section 101');
    expect(html).toMatch(/<b>Total<\/b>.*<b>\$400<\/b>/s);
    expect(html).toContain(`action="/demo/checkout/${sessionId}/pay"`);

    // Paying sends the customer to the success URL...
    const paid = await pay(sessionId);
    expect(paid.status).toBe(303);
    expect(paid.headers.get('location')).toBe(`${TEST_PUBLIC_BASE_URL}${payLinkPath(order)}?paid=1`);

    // ...and the tickets arrive in the chat, on their own.
    const tickets = await connector.waitFor((a) => a.conversationId === chat.conversationId && /Your tickets/.test(a.text ?? ''), 10_000);
    const fulfilled = (await office.foundation.commerce.orders.get(order.id))!;
    expect(fulfilled.state).toBe('fulfilled');
    expect(fulfilled.tickets).toHaveLength(2);
    for (const code of fulfilled.tickets) expect(tickets.text).toContain(code);

    // The success page thanks the customer; the page itself now says paid.
    const thanks = await fetch(local(paid.headers.get('location')!));
    expect(thanks.status).toBe(200);
    expect(await thanks.text()).toContain(`We have your payment for order ${order.id}`);
    const after = await (await fetch(local(link))).text();
    expect(after).toContain('This checkout is paid.');
    expect(after).not.toContain('Pay (demo)');
  });

  it('sends the tickets once when the page is paid twice', async () => {
    const chat = chatUser(office.url, connector);
    const { order, sessionId } = await buy(chat, '2 tickets lakers section 102');
    const payments = office.foundation.queues.payments;
    const notifications = office.foundation.queues.notifications;
    const handledEventsFor = async (id: string) => (await payments.getJobs(['completed'])).filter((job) => job.data.object.id === id).length;

    expect((await pay(sessionId)).status).toBe(303);
    await connector.waitFor((a) => a.conversationId === chat.conversationId && /Your tickets/.test(a.text ?? ''), 10_000);
    const first = (await office.foundation.commerce.orders.get(order.id))!;

    // The second press posts a second event; the worker takes it and changes nothing.
    expect((await pay(sessionId)).status).toBe(303);
    await eventually(
      async () => ((await handledEventsFor(sessionId)) === 2 ? true : undefined),
      10_000,
      'both payment events to be handled',
    );
    expect(await jobsLeft(notifications)).toBe(0);

    expect(ticketMessages(chat)).toHaveLength(1);
    const again = (await office.foundation.commerce.orders.get(order.id))!;
    expect(again.state).toBe('fulfilled');
    expect(again.tickets).toEqual(first.tickets);
    expect(again.timeline.filter((entry) => entry.cause === 'notify:tickets')).toHaveLength(1);
  });

  it('answers 404 for a checkout page that does not exist', async () => {
    const unknown = await fetch(`${office.url}/demo/checkout/cs_demo_${'0'.repeat(24)}`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('No such checkout');
    expect((await fetch(`${office.url}/demo/checkout/not-a-session`)).status).toBe(404);
    expect((await pay(`cs_demo_${'f'.repeat(24)}`)).status).toBe(404);
  });

  it('explains on the short link that a paid order is paid (410, not a redirect)', async () => {
    const chat = chatUser(office.url, connector);
    const { order, link, sessionId } = await buy(chat, '1 ticket hozier section 201');

    // Before payment the short link forwards to the checkout page.
    const before = await fetch(`${office.url}${payLinkPath(order)}`, { redirect: 'manual' });
    expect(before.status).toBe(303);
    expect(before.headers.get('location')).toBe(link);

    expect((await pay(sessionId)).status).toBe(303);
    await eventually(
      async () => ((await office.foundation.commerce.orders.get(order.id))?.state === 'fulfilled' ? true : undefined),
      10_000,
      'the order to be fulfilled',
    );

    const after = await fetch(`${office.url}${payLinkPath(order)}`, { redirect: 'manual' });
    expect(after.status).toBe(410);
    expect(after.headers.get('location')).toBeNull();
    expect(await after.text()).toContain(`Order ${order.id} is paid`);
  });
});
