// Who is writing comes from the route that received the message (DESIGN rule
// 10). An anonymous /api/messages lets a client write any channelId, user id
// and conversation id: one claiming channelId "sms", an SMS customer's phone
// number and their SMS conversation's id is a chat user all the same, who sees
// none of that customer's orders, cannot refund them, cannot answer their
// pending question, and is no staff member for a STAFF_IDS phone number.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerKey } from '../src/customers/customer.js';
import type { Order } from '../src/orders/order.js';
import { startBotConnector, userMessage, type BotConnectorServer } from './support/bot-connector.server.js';
import { startBoxOffice, type BoxOffice } from './support/box-office.harness.js';
import { buyAndPay, refundPosts } from './support/purchases.js';
import { writeRefundCatalog } from './support/refund-catalog.js';
import { newPhone, staffOrder, textBoxOffice } from './support/sms.client.js';
import { postActivityToBot } from '../src/channels/chat/emulator-connector.js';

const STAFF_PHONE = '+15550002222';

let office: BoxOffice;
let connector: BotConnectorServer;
let catalog: ReturnType<typeof writeRefundCatalog>;

beforeAll(async () => {
  catalog = writeRefundCatalog();
  connector = await startBotConnector();
  office = await startBoxOffice({ env: { CATALOG_PATH: catalog.path, STAFF_IDS: STAFF_PHONE } });
});

afterAll(async () => {
  await office?.stop();
  await connector?.close();
  catalog?.remove();
});

/**
 * A chat client posing as the SMS customer `phone`: channelId "sms", their
 * number as its user id, and the id the SMS adapter gives their conversation.
 * Returns what the bot answered it.
 */
async function posingAs(phone: string, text: string): Promise<string> {
  const activity = {
    ...userMessage({ conversationId: `sms-${customerKey('sms', phone)}`, userId: phone, serviceUrl: connector.url, text }),
    channelId: 'sms',
  };
  expect((await postActivityToBot(`${office.url}/api/messages`, activity)).status).toBe(200);
  return connector.activities
    .filter((sent) => sent.replyToId === activity.id && sent.type === 'message')
    .map((sent) => sent.text ?? '')
    .join('\n');
}

const said = async (phone: string, text: string) => (await textBoxOffice(office, phone, text)).messages.join('\n');

describe('a chat client claiming an SMS identity', () => {
  let phone: string;
  let order: Order;

  beforeAll(async () => {
    phone = newPhone();
    order = await buyAndPay(office, phone, '2 tickets gala section 101');
  });

  it("sees none of the SMS customer's orders or ticket codes", async () => {
    for (const text of ['status', `status ${order.id}`, `where are my tickets for ${order.id}`]) {
      const answer = await posingAs(phone, text);
      expect(answer, text).not.toContain(order.tickets[0]!);
      expect(answer, text).not.toContain(order.tickets[1]!);
      expect(answer, text).not.toMatch(/Section 101|fulfilled|paid/i);
    }
    // The real customer, by text, still sees them.
    expect(await said(phone, 'status')).toContain(order.tickets[0]!);
  });

  it('cannot refund their order, nor answer the refund question they were asked by text', async () => {
    const impostor = await posingAs(phone, `cancel my order ${order.id}`);
    expect(impostor).not.toContain(`Cancel order ${order.id} and refund`);
    expect(impostor).toContain(`I can't find order ${order.id} for you`);

    // The customer is asked by text; the impostor answers in their SMS conversation.
    expect(await said(phone, `cancel my order ${order.id}`)).toContain(`Cancel order ${order.id} and refund $200`);
    expect(await posingAs(phone, 'yes')).not.toContain('being refunded');
    expect(refundPosts(office, order.id)).toHaveLength(0);
    expect((await staffOrder(office, order.id)).state).toBe('fulfilled');

    // The customer's own conversation was left as it was: their answer still counts.
    expect(await said(phone, 'no')).toContain(`Okay, nothing changed: order ${order.id}`);
  });

  it('is no staff member for a STAFF_IDS phone number', async () => {
    expect(await said(STAFF_PHONE, 'inventory gala')).toMatch(/Section 101: \d+ free, \d+ held, \d+ sold of 40/);
    const answer = await posingAs(STAFF_PHONE, 'inventory gala');
    expect(answer).not.toMatch(/\d+ free, \d+ held, \d+ sold/);
  });
});

