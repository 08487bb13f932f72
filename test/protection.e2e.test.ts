// Inbound limits, end to end through the real routes: a sender who texts or
// chats faster than SENDER_MESSAGES_PER_MINUTE is told once, then ignored,
// and reaches no dialog (so holds nothing), while opting out still works; one
// address hammering the pay link or the demo checkout, or sending webhooks
// that fail their signature check, gets 429 with Retry-After; and correctly
// signed webhooks are never slowed, however many come from one address.
// Limits are set low here so a few requests cross them; each test uses its own
// senders and its own client address (X-Forwarded-For, which the app believes
// from loopback), so no test spends another's allowance.
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CHAT_PATH } from '../src/http/paths.js';
import { SLOW_DOWN } from '../src/channels/sender-limit.js';
import { SMS_INBOUND_PATH } from '../src/http/paths.js';
import { customerKey } from '../src/customers/customer.js';
import { STRIPE_WEBHOOK_PATH } from '../src/http/paths.js';
import { startBotConnector, userMessage, type BotConnectorServer } from './support/bot-connector.server.js';
import { startBoxOffice, TEST_STRIPE, type BoxOffice } from './support/box-office.harness.js';
import { chatUser } from './support/chat-user.js';
import { allCounts, inboundSmsParams, newPhone, payLinkIn, textBoxOffice, twilioSignature, twimlMessages } from './support/sms.client.js';
import { stripeEvent } from './support/stripe-events.js';

const PER_SENDER = 3;
const PER_IP = 5;
const BAD_SIGNATURES = 3;
const LIMITS = {
  SENDER_MESSAGES_PER_MINUTE: String(PER_SENDER),
  IP_REQUESTS_PER_MINUTE: String(PER_IP),
  IP_BAD_SIGNATURES_PER_MINUTE: String(BAD_SIGNATURES),
};
const UNSUBSCRIBED = /unsubscribed from the Box Office/;
const RESUBSCRIBED = /subscribed to the Box Office again/;
const PURCHASE = '2 tickets lakers section 101';

let office: BoxOffice;
let connector: BotConnectorServer;

beforeAll(async () => {
  connector = await startBotConnector();
  office = await startBoxOffice({ worker: false, env: LIMITS });
});

afterAll(async () => {
  await office?.stop();
  await connector?.close();
});

/** A client address of the documentation range (RFC 5737) no other test uses. */
let lastOctet = 0;
function newAddress(): string {
  lastOctet += 1;
  return `203.0.113.${lastOctet}`;
}

interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

/** A request from `ip`, as a proxy on loopback would forward it. */
async function from(ip: string, target: BoxOffice, path: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(target.url + path, { ...init, headers: { ...(init.headers as Record<string, string>), 'x-forwarded-for': ip } });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** A text posted as Twilio would from `ip`: signed correctly unless `signature` is given. */
function textFrom(ip: string, phone: string, body: string, signature?: string): Promise<Answer> {
  const params = inboundSmsParams(phone, body);
  return from(ip, office, SMS_INBOUND_PATH, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature ?? twilioSignature(params) },
    body: new URLSearchParams(params).toString(),
  });
}

function expectTooMany(answer: Answer): void {
  expect(answer.status).toBe(429);
  expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
  expect(JSON.parse(answer.text)).toMatchObject({ error: 'too_many_requests' });
  const retryAfter = Number(answer.headers.get('retry-after'));
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
}

/** Sends texts from one number until it is at its limit, each answered by the bot. */
async function useUpAllowance(phone: string): Promise<void> {
  for (let i = 0; i < PER_SENDER; i += 1) {
    const reply = await textBoxOffice(office, phone, 'hi');
    expect(reply.messages.length, `text ${i + 1} is answered by the bot`).toBeGreaterThan(0);
    expect(reply.messages).not.toContain(SLOW_DOWN);
  }
}

describe('SMS: a sender over SENDER_MESSAGES_PER_MINUTE', () => {
  it('is told once to slow down, then gets empty TwiML, and holds nothing', async () => {
    const phone = newPhone();
    const before = await allCounts(office);
    await useUpAllowance(phone);

    const first = await textBoxOffice(office, phone, PURCHASE);
    const later = [await textBoxOffice(office, phone, PURCHASE), await textBoxOffice(office, phone, 'hi')];

    expect(first.status).toBe(200);
    expect(first.messages).toEqual([SLOW_DOWN]);
    expect(SLOW_DOWN).toMatch(/^[A-Za-z0-9 '.,;]+$/); // GSM-7: one plain segment
    for (const reply of later) {
      expect(reply.status).toBe(200);
      expect(reply.twiml).toMatch(/<Response\/>|<Response><\/Response>/);
      expect(reply.messages).toEqual([]);
    }
    expect(await allCounts(office)).toEqual(before);
    expect(await office.foundation.commerce.orders.listByCustomer('sms', phone)).toEqual([]);
  });

  it('is counted only for a minute: the counter expires (a sender is never silenced for good)', async () => {
    const phone = newPhone();
    await textBoxOffice(office, phone, 'hi');

    const ttl = await office.foundation.redis.pttl(`${office.foundation.keyPrefix}rate:sender:${customerKey('sms', phone)}`);

    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('does not slow anyone else down', async () => {
    const flooder = newPhone();
    await useUpAllowance(flooder);
    expect((await textBoxOffice(office, flooder, PURCHASE)).messages).toEqual([SLOW_DOWN]);

    const reply = await textBoxOffice(office, newPhone(), PURCHASE);

    expect(payLinkIn(reply.messages.join('\n')), JSON.stringify(reply.messages)).toBeDefined();
  });

  it('can still opt out with STOP, ask for HELP and opt back in with START', async () => {
    const phone = newPhone();
    await useUpAllowance(phone);
    expect((await textBoxOffice(office, phone, 'hi')).messages).toEqual([SLOW_DOWN]);

    const stop = await textBoxOffice(office, phone, 'STOP');
    const help = await textBoxOffice(office, phone, 'HELP');
    const start = await textBoxOffice(office, phone, 'START');

    expect(stop.messages).toEqual([expect.stringMatching(UNSUBSCRIBED)]);
    expect(help.messages).toEqual([expect.stringMatching(/STOP to opt out|START to resubscribe/)]);
    expect(start.messages).toEqual([expect.stringMatching(RESUBSCRIBED)]);
    // Back in, but still over the limit for this minute: nothing more is said.
    expect((await textBoxOffice(office, phone, 'hi')).messages).toEqual([]);
  });
});

describe('chat: a user over SENDER_MESSAGES_PER_MINUTE', () => {
  it('is told once to slow down, then gets no answer, reaches no dialog, and others are unaffected', async () => {
    const chat = chatUser(office.url, connector);
    for (let i = 0; i < PER_SENDER; i += 1) {
      const replies = await chat.say('hi');
      expect(replies.length, `message ${i + 1} is answered by the bot`).toBeGreaterThan(0);
    }

    const first = await chat.say(PURCHASE);
    const later = await chat.say(PURCHASE);

    expect(first.map((reply) => reply.text)).toEqual([SLOW_DOWN]);
    expect(later).toEqual([]);
    expect(await office.foundation.commerce.orders.listByCustomer('chat', chat.address)).toEqual([]);
    const other = await chatUser(office.url, connector).say(PURCHASE);
    expect(other.length).toBeGreaterThan(0);
    expect(other.map((reply) => reply.text)).not.toContain(SLOW_DOWN);
  });
});

describe('per address: the public pages', () => {
  it(`answer 429 with Retry-After to the pay link after ${PER_IP} requests a minute from one address, and not to another address`, async () => {
    const ip = newAddress();
    for (let i = 0; i < PER_IP; i += 1) expect((await from(ip, office, '/p/BX-ZZZZ')).status).toBe(404);

    expectTooMany(await from(ip, office, '/p/BX-ZZZZ'));
    expect((await from(newAddress(), office, '/p/BX-ZZZZ')).status).toBe(404);
  });

  it('answer 429 on the demo checkout pages too, sharing the same allowance as the pay link', async () => {
    const demo = await startBoxOffice({ demo: true, worker: false, env: LIMITS });
    try {
      const ip = newAddress();
      for (let i = 0; i < PER_IP - 1; i += 1) expect((await from(ip, demo, '/demo/checkout/cs_demo_none')).status).toBe(404);
      expect((await from(ip, demo, '/p/BX-ZZZZ')).status).toBe(404);

      expectTooMany(await from(ip, demo, '/demo/checkout/cs_demo_none'));
      expectTooMany(await from(ip, demo, '/demo/checkout/cs_demo_none/pay', { method: 'POST' }));
    } finally {
      await demo.stop();
    }
  });
});

describe('per address: webhooks that fail their signature check', () => {
  it(`Twilio: ${BAD_SIGNATURES} forged requests are refused with 403, the next with 429`, async () => {
    const ip = newAddress();
    for (let i = 0; i < BAD_SIGNATURES; i += 1) expect((await textFrom(ip, newPhone(), 'hi', 'forged')).status).toBe(403);

    expectTooMany(await textFrom(ip, newPhone(), 'hi', 'forged'));
  });

  it(`Stripe: ${BAD_SIGNATURES} forged events are refused with 400, the next with 429`, async () => {
    const ip = newAddress();
    const forged = () =>
      from(ip, office, STRIPE_WEBHOOK_PATH, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=deadbeef' },
        body: JSON.stringify(stripeEvent('checkout.session.completed', { id: 'cs_test_forged', object: 'checkout.session' })),
      });
    for (let i = 0; i < BAD_SIGNATURES; i += 1) expect((await forged()).status).toBe(400);

    expectTooMany(await forged());
  });

  it(`Bot Framework: ${BAD_SIGNATURES} requests without a valid token are refused with 401, the next with 429`, async () => {
    const authenticated = await startBoxOffice({ worker: false, env: { ...LIMITS, MicrosoftAppId: 'box-office-test-app', MicrosoftAppPassword: 'not-a-real-password' } });
    // CloudAdapter prints every refused token's stack with console.error; it is expected here.
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const ip = newAddress();
      const unsigned = () =>
        from(ip, authenticated, CHAT_PATH, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(userMessage({ conversationId: 'c-forged', userId: 'u-forged', serviceUrl: connector.url, text: 'hi' })),
        });
      for (let i = 0; i < BAD_SIGNATURES; i += 1) expect((await unsigned()).status).toBe(401);

      expectTooMany(await unsigned());
      expect(connector.activities.filter((activity) => activity.conversationId === 'c-forged')).toEqual([]);
    } finally {
      quiet.mockRestore();
      await authenticated.stop();
    }
  });

  it('never slows correctly signed webhooks: many senders from one address, even one already refused for forgeries', async () => {
    const ip = newAddress();
    for (let i = 0; i <= BAD_SIGNATURES; i += 1) await textFrom(ip, newPhone(), 'hi', 'forged');
    expectTooMany(await textFrom(ip, newPhone(), 'hi', 'forged'));

    const senders = Array.from({ length: 10 * (PER_IP + BAD_SIGNATURES) }, () => newPhone());
    const replies = [];
    for (const phone of senders) replies.push(await textFrom(ip, phone, 'hi'));

    for (const reply of replies) {
      expect(reply.status).toBe(200);
      expect(twimlMessages(reply.text).length).toBeGreaterThan(0);
    }
    const payload = JSON.stringify(stripeEvent('customer.created', { id: 'cus_test', object: 'customer' }));
    const signed = await from(ip, office, STRIPE_WEBHOOK_PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload, secret: TEST_STRIPE.webhookSecret }) },
      body: payload,
    });
    expect(signed.status).toBe(200);
  });
});
