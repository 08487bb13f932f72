// Refunds with no Stripe account: the demo checkout refunds the demo payment
// and announces it as Stripe would, with a signed refund.created posted to our
// own webhook, so the worker path that confirms real refunds runs here too.
// The customer is on chat; the notice arrives as a proactive message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order } from '../src/orders/order.js';
import type { RefundRecord } from '../src/orders/refund.js';
import { startBotConnector, type BotConnectorServer } from './support/bot-connector.server.js';
import { eventually, startBoxOffice, TEST_STAFF_TOKEN, type BoxOffice } from './support/box-office.harness.js';
import { chatUser, openUrlButtons, type ChatUser } from './support/chat-user.js';
import { GALA, writeRefundCatalog } from './support/refund-catalog.js';
import { sectionInventory } from './support/sms.client.js';

let office: BoxOffice;
let connector: BotConnectorServer;
let catalog: ReturnType<typeof writeRefundCatalog>;

beforeAll(async () => {
  catalog = writeRefundCatalog();
  connector = await startBotConnector();
  office = await startBoxOffice({ demo: true, env: { CATALOG_PATH: catalog.path } });
});

afterAll(async () => {
  await office?.stop();
  await connector?.close();
  catalog?.remove();
});

async function buyAndPay(chat: ChatUser, text: string): Promise<Order> {
  const [reply] = await chat.say(text);
  const [button] = openUrlButtons(reply);
  const sessionId = /\/demo\/checkout\/(cs_demo_[0-9a-f]{24})$/.exec(button?.url ?? '')?.[1];
  expect(sessionId, `a demo pay button in ${JSON.stringify(reply?.text)}`).toBeDefined();
  expect((await fetch(`${office.url}/demo/checkout/${sessionId}/pay`, { method: 'POST', redirect: 'manual' })).status).toBe(303);
  await connector.waitFor((a) => a.conversationId === chat.conversationId && /Your tickets/.test(a.text ?? ''), 10_000);
  const [order] = await office.foundation.commerce.orders.listByCustomer('chat', chat.address);
  expect(order?.state).toBe('fulfilled');
  return order!;
}

async function staffRefund(orderId: string, body: object): Promise<{ status: number; body: { refund?: RefundRecord; error?: string } }> {
  const response = await fetch(`${office.url}/staff/orders/${orderId}/refund`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_STAFF_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as { refund?: RefundRecord; error?: string } };
}

function state(orderId: string, wanted: (order: Order) => boolean, what: string): Promise<Order> {
  return eventually(async () => {
    const order = await office.foundation.commerce.orders.get(orderId);
    return order && wanted(order) ? order : undefined;
  }, 10_000, what);
}

describe('refunds with the demo checkout', () => {
  it('refunds part and then all of a demo payment through our own webhook, and tells the chat', async () => {
    const chat = chatUser(office.url, connector);
    const before = await sectionInventory(office, '101', GALA);
    const order = await buyAndPay(chat, '2 tickets gala section 101');

    const partial = await staffRefund(order.id, { tickets: 1 });
    expect(partial.status).toBe(202);
    const afterPartial = await state(order.id, (o) => o.refundedTickets.length === 1, 'the partial refund applied');
    expect(afterPartial).toMatchObject({ state: 'fulfilled', refundedAmount: 10_000, refundedTickets: [order.tickets[1]] });
    const partialNotice = await connector.waitFor((a) => a.conversationId === chat.conversationId && /1 of your 2 tickets refunded/.test(a.text ?? ''), 10_000);
    expect(partialNotice.text).toContain(`Still valid: ${order.tickets[0]}`);

    const rest = await staffRefund(order.id, {});
    expect(rest.status).toBe(202);
    const refunded = await state(order.id, (o) => o.state === 'refunded', 'the order refunded');
    expect(refunded.refundedAmount).toBe(20_000);
    expect((await sectionInventory(office, '101', GALA)).sold).toBe(before.sold);
    const notice = await connector.waitFor((a) => a.conversationId === chat.conversationId && /is refunded/.test(a.text ?? ''), 10_000);
    expect(notice.text).toContain(`Order ${order.id} is refunded: $200 back to your card`);

    // The demo refuses what Stripe would: nothing is left to refund.
    expect(await staffRefund(order.id, {})).toMatchObject({ status: 409, body: { error: 'already_refunded' } });
  });

  it('lets a chat customer cancel a paid order within the policy', async () => {
    const chat = chatUser(office.url, connector);
    const order = await buyAndPay(chat, '1 ticket gala section 101');

    const [question] = await chat.say(`cancel my order ${order.id}`);
    expect(question?.text).toBe(`Cancel order ${order.id} and refund $100 for 1 ticket? Say YES to cancel it, or NO to keep your tickets.`);
    expect((question?.suggestedActions?.actions ?? []).map((action) => action.title)).toEqual(['Yes', 'No']);

    const [done] = await chat.say('Yes');
    expect(done?.text).toContain(`Done: order ${order.id} is cancelled and $100 is being refunded to your card.`);
    await state(order.id, (o) => o.state === 'refunded', 'the order refunded');
    await connector.waitFor((a) => a.conversationId === chat.conversationId && /is refunded/.test(a.text ?? ''), 10_000);
  });
});
