// The conversations, as tables of [customer says, bot answers], played with
// botbuilder-testing's DialogTestClient against MainDialog and the real
// commerce layer (seats and orders in the test Redis, the demo checkout), on a
// chat channel ('test': buttons) and on SMS ('sms': numbered lines).
import { fileURLToPath } from 'node:url';
import { proofOfSession } from '../src/checkout/payment-proof.js';
import type { Activity } from 'botbuilder';
import type { DialogTestClient } from 'botbuilder-testing';
import { dialogClient } from './support/dialog-client.js';
import { pino } from 'pino';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MainDialog } from '../dialogs/main.dialog.js';
import { loadCatalog } from '../src/catalog/catalog.loader.js';
import type { EventCatalog } from '../src/catalog/event-catalog.js';
import type { Commerce } from '../src/commerce.js';
import { loadConfig } from '../src/config.js';
import type { Order } from '../src/orders/order.js';
import type { PurchaseService } from '../src/orders/purchase.service.js';
import type { RefundRequestService } from '../src/orders/refund-request.service.js';
import type { DemoCheckoutGateway } from '../src/payments/demo-checkout.gateway.js';
import { createFoundation, type Foundation } from '../src/roles/foundation.js';
import { createWebServices } from '../src/roles/web.services.js';
import { createWorkerServices } from '../src/roles/worker.services.js';
import { testRedisTarget, uniquePrefix } from './support/redis.js';
import { shown } from './support/shown-reply.js';

const LAKERS = 'lakers-warriors';
const PUBLIC_BASE_URL = 'https://tickets.example.test';
/** Every sample event is still on sale on this day. */
const NOW = new Date('2026-11-01T12:00:00Z');
const LIMITS = { maxPartySize: 8, maxOpenHoldsPerCustomer: 2, holdMinutes: 30 };
const CATALOG_PATH = fileURLToPath(new URL('../catalog/sample-events.json', import.meta.url));

type Channel = 'test' | 'sms';
/** A substring of what the customer sees, a pattern it must match, or something it must not show. */
type Expected = string | RegExp | { not: string | RegExp };
/** One exchange: what the customer says, and what the bot's answer shows (all of them). */
type Turn = readonly [says: string, answers: Expected | readonly Expected[]];

const not = (expected: string | RegExp): Expected => ({ not: expected });
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// What the customer sees of the bot's standard sentences.
const WHICH_EVENT = 'Which event would you like tickets for?';
const LAKERS_SECTIONS = 'Lakers vs Warriors: which section?';
const HOW_MANY = 'How many tickets? (1-8)';
const NOT_UNDERSTOOD = "Sorry, I didn't catch that.";
const LEFT = 'Okay, stopped. Nothing is held.';
const HELP = /Tell me the event and how many tickets, e\.g\. "2 tickets lakers section 101"\. STATUS shows your orders\./;
/** The chat pay button: a card button opening the demo checkout. */
const PAY_BUTTON = (amount: string) => new RegExp(`\\[Pay ${escape(amount)}\\]\\(${escape(PUBLIC_BASE_URL)}/demo/checkout/cs_demo_[0-9a-f]{24}\\)`);
/** The SMS pay link: the short /p/ link with its secret, at the end of the text. */
const SMS_PAY_LINK = new RegExp(`Pay within 30 min: ${escape(PUBLIC_BASE_URL)}/p/BX-[A-Z0-9]{4,6}/[A-Za-z0-9_-]{22}$`);

let catalog: EventCatalog;
let foundation: Foundation;
let commerce: Commerce;
let purchase: PurchaseService;
let checkout: DemoCheckoutGateway;
let refunds: RefundRequestService;
let dialog: MainDialog;

beforeAll(() => {
  catalog = loadCatalog(CATALOG_PATH, NOW);
});

afterEach(async () => {
  await foundation?.close();
});

// Each test gets empty seats and no orders: the web role's services, as the
// role builds them (demo checkout, no Stripe key), under a key prefix of its own.
beforeEach(() => {
  const prefix = uniquePrefix();
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', PUBLIC_BASE_URL, ...limitsEnv() });
  foundation = createFoundation({ config, log: pino({ level: 'silent' }), catalog, redis: testRedisTarget(), keyPrefix: prefix, queuePrefix: prefix });
  ({ purchase, refunds, dialog } = createWebServices(foundation, { now: () => NOW }));
  commerce = foundation.commerce;
  checkout = foundation.demoCheckout!;
});

function limitsEnv(): Record<string, string> {
  return { MAX_PARTY_SIZE: String(LIMITS.maxPartySize), MAX_OPEN_HOLDS_PER_CUSTOMER: String(LIMITS.maxOpenHoldsPerCustomer), HOLD_MINUTES: String(LIMITS.holdMinutes) };
}

interface Conversation {
  /** Plays the table in order; fails at the first answer that does not show what it should. */
  play(turns: readonly Turn[]): Promise<void>;
  /** Says one thing and returns everything the bot answered, as the customer sees it. */
  say(text: string): Promise<string>;
  /** Every reply so far. */
  replies: Partial<Activity>[];
}

function conversation(channel: Channel): Conversation {
  const client = dialogClient(channel, dialog);
  const replies: Partial<Activity>[] = [];
  const transcript: string[] = [];
  const say = async (text: string): Promise<string> => {
    const answers: Partial<Activity>[] = [];
    for (let reply = await client.sendActivity(text); reply; reply = client.getNextReply()) answers.push(reply);
    replies.push(...answers);
    const seen = answers.map(shown).join('\n');
    transcript.push(`> ${text}`, seen.replace(/^/gm, '  '));
    return seen;
  };
  return {
    replies,
    say,
    async play(turns) {
      for (const [says, answers] of turns) {
        const seen = await say(says);
        const where = `after "${says}" in:\n${transcript.join('\n')}\n`;
        for (const expected of [answers].flat() as Expected[]) {
          if (typeof expected === 'string') expect(seen, where).toContain(expected);
          else if (expected instanceof RegExp) expect(seen, where).toMatch(expected);
          else if (typeof expected.not === 'string') expect(seen, where).not.toContain(expected.not);
          else expect(seen, where).not.toMatch(expected.not);
        }
      }
    },
  };
}

/** The test adapter's user id: the phone number on SMS, the chat user on chat. */
const TEST_USER = 'user1';

/** The test user's orders, newest first. */
async function ordersOf(channel: Channel): Promise<Order[]> {
  return channel === 'sms' ? commerce.orders.listByCustomer('sms', TEST_USER) : commerce.orders.listByCustomer('chat', `${channel}:${TEST_USER}`);
}

async function onlyOrder(channel: Channel): Promise<Order> {
  const orders = await ordersOf(channel);
  expect(orders).toHaveLength(1);
  return orders[0]!;
}

/**
 * Leaves only scattered pairs free in a section: other customers hold every
 * pair of seats, then every other pair is let go (rows read "..HH..HH..").
 */
async function scatterPairs(eventId: string, sectionId: string, pairs: number): Promise<void> {
  for (let i = 0; i < pairs; i++) {
    const held = await commerce.seats.hold({ eventId, sectionId, quantity: 2, holdId: `BX-F${i}`, customerKey: `filler-${i}`, expiresAt: Date.now() + 3_600_000 });
    expect(held.ok).toBe(true);
  }
  for (let i = 0; i < pairs; i += 2) await commerce.seats.release(eventId, `BX-F${i}`);
}

describe('buying on chat (buttons)', () => {
  it('takes the whole purchase from one message', async () => {
    await conversation('test').play([
      [
        '2 tickets for the lakers game section 101',
        [
          'Holding Section 101, row A, seats 1-2 for Lakers vs Warriors, Sat Dec 5, 7:30pm, Crypto.com Arena, Los Angeles: $400 for 2. Pay within 30 min.',
          PAY_BUTTON('$400'),
        ],
      ],
    ]);
    const order = await onlyOrder('test');
    expect(order).toMatchObject({ state: 'awaiting_payment', sectionId: '101', seats: ['A-1', 'A-2'], amount: 40_000 });
    expect(await commerce.seats.seatMap(LAKERS, '101')).toMatchObject({ A: `HH${'.'.repeat(18)}` });
  });

  it('asks for what is missing, one question at a time, and takes button titles as answers', async () => {
    await conversation('test').play([
      ['hi', [`Hi! This is the Box Office. ${WHICH_EVENT}`, '[Lakers vs Warriors - Sat Dec 5, 7:30pm]', '[Hamilton - Sat Feb 13, 7:30pm]']],
      ['Lakers vs Warriors - Sat Dec 5, 7:30pm', [LAKERS_SECTIONS, '[Courtside - $1,500 (10 left)]', '[Section 101 - $200 (40 left)]', '[Standing - $50 (200 left)]']],
      ['Section 101 - $200 (40 left)', HOW_MANY],
      ['2', ['Holding Section 101, row A, seats 1-2', PAY_BUTTON('$400')]],
    ]);
    expect(await onlyOrder('test')).toMatchObject({ quantity: 2, sectionId: '101' });
  });

  it('forgives misspellings and shorthand', async () => {
    await conversation('test').play([
      ['lakrs', LAKERS_SECTIONS],
      // The count is kept; the question stays the section.
      ['2 tix', LAKERS_SECTIONS],
      ['sectoin 102', ['Holding Section 102, row A, seats 1-2', '$400 for 2']],
    ]);
  });

  it('reads a section typed by its number when asked which section', async () => {
    await conversation('test').play([
      ['2 tix lakers', LAKERS_SECTIONS],
      ['101', ['Holding Section 101, row A, seats 1-2', not(NOT_UNDERSTOOD)]],
    ]);
  });

  it('picks the section for "cheapest" and "best"', async () => {
    await conversation('test').play([
      ['2 cheapest lakers', ['Holding Standing, 2 places for Lakers vs Warriors', '$100 for 2', PAY_BUTTON('$100')]],
      ['best 2 seats hamilton saturday', ['Holding Premium Orchestra, row A, seats 1-2 for Hamilton', '$798 for 2']],
    ]);
    await conversation('test').play([
      ['hozier 2 tix', 'Hozier: Unreal Unearth Tour: which section?'],
      ['cheapest', 'Holding Floor (General Admission), 2 places'],
    ]);
  });

  it('offers only the sections under a price cap, and says so when none is', async () => {
    await conversation('test').play([
      ['2 lakers under $300', [LAKERS_SECTIONS, '[Section 101 - $200 (40 left)]', '[Standing - $50 (200 left)]', not('Courtside'), not('Premier Club')]],
      ['Section 102 - $200 (40 left)', 'Holding Section 102, row A, seats 1-2'],
    ]);
    await conversation('test').play([
      ['2 lakers under $20', ['Nothing is under $20 per ticket. Here is everything:', '[Courtside - $1,500 (10 left)]', '[Standing - $50 (200 left)]']],
    ]);
  });

  it('offers alternatives when a section cannot seat the party together, and holds the one picked', async () => {
    await scatterPairs(LAKERS, '101', 20);
    await conversation('test').play([
      [
        '4 tickets lakers section 101',
        [
          "Section 101 can't seat your party together right now (2 together at most). Would one of these work?",
          '[2 in Section 101]',
          '[Section 102 - $200 (40 left)]',
          not('Holding'),
        ],
      ],
      ['2 in Section 101', ['Holding Section 101, row A, seats 1-2', '$400 for 2']],
    ]);
    expect(await onlyOrder('test')).toMatchObject({ sectionId: '101', quantity: 2, seats: ['A-1', 'A-2'] });

    await conversation('test').play([
      ['cancel', 'is cancelled and the seats are released'],
      ['4 tickets lakers section 101', '[Section 102 - $200 (40 left)]'],
      ['Section 102 - $200 (40 left)', 'Holding Section 102, row A, seats 1-4'],
    ]);
  });

  it('answers "help" mid-purchase and keeps the question open', async () => {
    await conversation('test').play([
      ['lakers', LAKERS_SECTIONS],
      ['help', [HELP, 'CANCEL leaves a purchase', 'REFUND and an order number cancels a paid order for a refund', 'UPGRADE asks for better seats', not('STOP')]],
      ['Section 102 - $200 (40 left)', HOW_MANY],
      ['2', 'Holding Section 102, row A, seats 1-2'],
    ]);
  });

  it('leaves the purchase on "cancel" and "exit", holding nothing', async () => {
    await conversation('test').play([
      ['lakers', LAKERS_SECTIONS],
      ['Section 101 - $200 (40 left)', HOW_MANY],
      ['cancel', LEFT],
      // The next message starts afresh: "2" is not an answer to the old question.
      ['2', [WHICH_EVENT, not('Holding')]],
      ['exit', LEFT],
    ]);
    expect(await ordersOf('test')).toEqual([]);
    expect((await commerce.seats.inventory(LAKERS))?.sections.every((s) => s.held === 0)).toBe(true);
  });

  it('lets go of an earlier hold on "cancel" in the middle of another purchase, rather than saying nothing is held', async () => {
    const chat = conversation('test');
    await chat.play([['2 tickets lakers section 101', 'Holding Section 101, row A, seats 1-2']]);
    const held = await onlyOrder('test');
    await chat.play([
      ['hamilton saturday', 'Hamilton: which section?'],
      ['cancel', [`Order ${held.id} is cancelled and the seats are released. No payment was taken.`, not(LEFT)]],
    ]);
    expect((await commerce.orders.get(held.id))?.state).toBe('cancelled');
    expect(await ordersOf('test')).toHaveLength(1);
  });

  it('asks which hold to let go of when "cancel" in the middle of a purchase finds several', async () => {
    const chat = conversation('test');
    await chat.play([
      ['2 tickets lakers section 101', 'Holding Section 101, row A, seats 1-2'],
      ['2 tickets hozier section 201', 'Holding Section 201 (Upper Bowl)'],
    ]);
    const [hozier, lakers] = await ordersOf('test');
    await chat.play([
      ['hamilton saturday', 'Hamilton: which section?'],
      ['cancel', [`Which one? Send CANCEL and the order number, e.g. CANCEL ${hozier!.id}. Waiting for payment: ${hozier!.id}, ${lakers!.id}.`, not(LEFT)]],
      [`cancel ${lakers!.id}`, `Order ${lakers!.id} is cancelled and the seats are released.`],
    ]);
    expect((await commerce.orders.get(hozier!.id))?.state).toBe('awaiting_payment');
    expect((await commerce.orders.get(lakers!.id))?.state).toBe('cancelled');
  });

  it('starts over on "start over"', async () => {
    await conversation('test').play([
      ['2 tix lakers', LAKERS_SECTIONS],
      ['start over', ["Okay, let's start over.", WHICH_EVENT, '[Hamilton - Sat Feb 13, 7:30pm]']],
      ['Hamilton - Sat Feb 13, 7:30pm', 'Hamilton: which section?'],
      // The 2 tickets from before were forgotten.
      ['Mezzanine - $139 (100 left)', HOW_MANY],
      ['1', 'Holding Mezzanine, row A, seat 1 for Hamilton'],
    ]);
  });

  it('shows the order status: none yet, then the one held', async () => {
    const chat = conversation('test');
    await chat.play([
      ['status', 'You have no orders yet. Tell me an event to get tickets.'],
      ['2 tickets lakers section 101', 'Holding Section 101, row A, seats 1-2'],
    ]);
    const order = await onlyOrder('test');
    await chat.play([
      [
        'status',
        `${order.id}: Lakers vs Warriors, Sat Dec 5, 7:30pm. Section 101, row A, seats 1-2. Waiting for payment: ${PUBLIC_BASE_URL}/p/${order.id}/${order.linkSecret}`,
      ],
      [order.id.toLowerCase(), `${order.id}: Lakers vs Warriors`],
    ]);
  });

  it.each([
    ['test', 'Type'],
    ['sms', 'Text'],
  ] as const)('says on %s how many orders STATUS leaves out, and how to ask for one', async (channel, send) => {
    const customer = channel === 'sms' ? { channel: 'sms' as const, address: TEST_USER } : { channel: 'chat' as const, address: `${channel}:${TEST_USER}` };
    for (let i = 0; i < 5; i++) {
      const started = await purchase.start({ customer, eventId: LAKERS, sectionId: '101', quantity: 1 });
      if (!started.ok) throw new Error(`purchase refused: ${started.reason}`);
      await purchase.cancel(started.order.id, 'test:cancelled');
    }
    const orders = await ordersOf(channel);
    const [fourth, fifth] = orders.slice(3);
    await conversation(channel).play([
      ['status', [`${orders[0]!.id}: Lakers`, `${orders[2]!.id}: Lakers`, not(`${fourth!.id}:`), `2 more orders. ${send} STATUS and an order number to see one, e.g. STATUS ${fourth!.id}.`]],
      [`status ${fifth!.id}`, [`${fifth!.id}: Lakers vs Warriors`, not('more order')]],
    ]);
  });

  it("does not show someone else's order", async () => {
    const theirs = await purchase.start({ customer: { channel: 'sms', address: '+15550001111' }, eventId: LAKERS, sectionId: '101', quantity: 2 });
    expect(theirs.ok).toBe(true);
    const id = theirs.ok ? theirs.order.id : '';
    await conversation('test').play([[`where is my order ${id}`, [`I can't find order ${id} for you. Type STATUS to see your orders.`, not('Section 101'), not('Text STATUS')]]]);
  });

  it('gives help and lets go after three answers it cannot read', async () => {
    await conversation('test').play([
      ['lakers', LAKERS_SECTIONS],
      ['blah', [NOT_UNDERSTOOD, LAKERS_SECTIONS]],
      ['qwerty', [NOT_UNDERSTOOD, LAKERS_SECTIONS]],
      ['zzz', [HELP, not(LAKERS_SECTIONS)]],
      // Out of the purchase: a new message is a new start.
      ['status', 'You have no orders yet.'],
    ]);
  });

  it('says "not understood" and the question again in one reply', async () => {
    const chat = conversation('test');
    await chat.play([['lakers', LAKERS_SECTIONS]]);
    const before = chat.replies.length;
    await chat.play([['blah', [NOT_UNDERSTOOD, LAKERS_SECTIONS]]]);
    expect(chat.replies.length - before).toBe(1);
  });

  it('reads a lone number on chat, where buttons carry no numbers, as the party size', async () => {
    await conversation('test').play([
      ['lakers', LAKERS_SECTIONS],
      ['2', [LAKERS_SECTIONS, not(NOT_UNDERSTOOD)]],
      ['Section 101 - $200 (40 left)', 'Holding Section 101, row A, seats 1-2'],
    ]);
  });

  it('gives a customer who asks again their existing hold and link, not a second hold', async () => {
    await conversation('test').play([['2 tickets lakers section 101', 'Holding Section 101, row A, seats 1-2']]);
    const [held] = await ordersOf('test');
    await conversation('test').play([
      ['3 tickets lakers courtside', [`You already have seats held for this event: Section 101, row A, seats 1-2, order ${held!.id}.`, `/p/${held!.id}`, 'CANCEL to let them go']],
    ]);
    expect(await ordersOf('test')).toHaveLength(1);
    await conversation('test').play([['2 tickets hamilton saturday mezzanine', 'Holding Mezzanine, row A, seats 1-2']]);
    expect(await ordersOf('test')).toHaveLength(2);
  });

  it('tells the party-size limit for 9 tickets and asks again', async () => {
    await conversation('test').play([
      ['lakers section 101', HOW_MANY],
      ['9', ['We can hold up to 8 tickets per order.', HOW_MANY, not('Holding')]],
      ['3', 'Holding Section 101, row A, seats 1-3'],
    ]);
    await conversation('test').play([['9 tickets hozier section 101', ['We can hold up to 8 tickets per order.', HOW_MANY]]]);
  });
});

describe('two performances of one show', () => {
  const WHICH_HAMILTON = 'Hamilton is on 2 times. Which one?';

  it('asks which one, holds nothing, and takes "the sunday one" as the answer, keeping the section and party', async () => {
    await conversation('sms').play([
      ['2 tickets hamilton mezzanine', [WHICH_HAMILTON, '1) Hamilton - Sat Feb 13, 7:30pm', '2) Hamilton - Sun Feb 14, 2pm', not('Holding')]],
    ]);
    expect(await ordersOf('sms')).toEqual([]);
    await conversation('sms').play([
      ['2 tickets hamilton mezzanine', WHICH_HAMILTON],
      ['the sunday one', 'Holding Mezzanine, row A, seats 1-2 for Hamilton, Sun Feb 14, 2pm'],
    ]);
    expect((await onlyOrder('sms')).eventId).toBe('hamilton-matinee');
  });

  it.each([
    ['the matinee', 'Sun Feb 14, 2pm'],
    ['saturday night', 'Sat Feb 13, 7:30pm'],
    ['the later one', 'Sun Feb 14, 2pm'],
    ['Hamilton - Sat Feb 13, 7:30pm', 'Sat Feb 13, 7:30pm'],
  ])('on chat, "%s" picks %s', async (answer, when) => {
    await conversation('test').play([
      ['3 for hamilton, orchestra', [WHICH_HAMILTON, '[Hamilton - Sat Feb 13, 7:30pm]', '[Hamilton - Sun Feb 14, 2pm]']],
      [answer, `Holding Orchestra, row D, seats 1-3 for Hamilton, ${when}`],
    ]);
  });

  it('holds the one the first message names by its day or time, without asking', async () => {
    await conversation('test').play([['2 hamilton sunday matinee mezzanine', 'Holding Mezzanine, row A, seats 1-2 for Hamilton, Sun Feb 14, 2pm']]);
  });

  it('says so when neither is on the day asked, and offers both', async () => {
    await conversation('sms').play([['hamilton on friday, 2 mezzanine', ["We don't have Hamilton then. It is on:", '1) Hamilton - Sat Feb 13', '2) Hamilton - Sun Feb 14', not('Holding')]]]);
    expect(await ordersOf('sms')).toEqual([]);
  });
});

describe('buying by SMS (numbered lines)', () => {
  it('takes the whole purchase from one text and answers with the short pay link', async () => {
    const sms = conversation('sms');
    await sms.play([['2 tickets for the lakers game section 101', ['Holding Section 101, row A, seats 1-2 for Lakers vs Warriors', '$400 for 2', SMS_PAY_LINK]]]);
    const order = await onlyOrder('sms');
    expect(sms.replies.at(-1)?.text).toContain(`${PUBLIC_BASE_URL}/p/${order.id}/${order.linkSecret}`);
  });

  it('writes only GSM-7 characters, so a reply is never split into 70-character UCS-2 segments', async () => {
    // The GSM 03.38 basic set plus the extension table characters used in English text.
    const GSM7 = /^[@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&'()*+,\-./0-9:;<=>?¡A-ZÄÖÑÜ§¿a-zäöñüà^{}\\[~\]|€]*$/;
    const sms = conversation('sms');
    for (const text of ['hi', '1', '3', '9', '2', 'status', 'help', 'blah', 'exit', '4 tickets hamilton saturday mezzanine']) await sms.say(text);
    expect(sms.replies.length).toBeGreaterThan(8);
    for (const reply of sms.replies) expect(reply.text ?? '').toMatch(GSM7);
  });

  it('numbers the choices and takes the number as the answer', async () => {
    const sms = conversation('sms');
    await sms.play([
      ['hi', [WHICH_EVENT, '\n1) Lakers vs Warriors - Sat Dec 5, 7:30pm\n2) Hozier: Unreal Unearth Tour - Fri Jan 22, 8pm\n3) Hamilton']],
      ['1', [LAKERS_SECTIONS, '\n1) Courtside - $1,500 (10 left)', '\n3) Section 101 - $200 (40 left)', '\n5) Standing - $50 (200 left)']],
      ['3', HOW_MANY],
      ['2', ['Holding Section 101, row A, seats 1-2', SMS_PAY_LINK]],
    ]);
    // No buttons or cards on SMS: everything is in the text.
    expect(sms.replies.filter((reply) => reply.suggestedActions || reply.attachments?.length)).toEqual([]);
  });

  it('forgives misspellings and reads "cheapest" and a price cap', async () => {
    await conversation('sms').play([
      ['lakrs', [LAKERS_SECTIONS, '1) Courtside']],
      ['2 tix', LAKERS_SECTIONS],
      ['cheapest', ['Holding Standing, 2 places', '$100 for 2', SMS_PAY_LINK]],
    ]);
    await conversation('sms').play([
      ['2 hozier under $100', ['Hozier: Unreal Unearth Tour: which section?', '1) Section 201 (Upper Bowl) - $89', '2) Floor (General Admission) - $59', not('VIP')]],
      ['1', 'Holding Section 201 (Upper Bowl), row A, seats 1-2'],
    ]);
  });

  it('numbers the alternatives when a section cannot seat the party together', async () => {
    await scatterPairs(LAKERS, '101', 20);
    await conversation('sms').play([
      ['4 tickets lakers section 101', ["Section 101 can't seat your party together right now (2 together at most).", '\n1) 2 in Section 101', '\n2) Section 102']],
      ['1', ['Holding Section 101, row A, seats 1-2', SMS_PAY_LINK]],
    ]);
  });

  it('says EXIT rather than CANCEL (a carrier opt-out word) and leaves on "exit"', async () => {
    await conversation('sms').play([
      ['lakers', LAKERS_SECTIONS],
      ['help', [HELP, 'EXIT leaves a purchase', 'REFUND and an order number', 'UPGRADE asks for better seats', 'Reply STOP to opt out.', not('CANCEL')]],
      ['4', HOW_MANY],
      ['exit', LEFT],
      ['exit', 'You have nothing waiting for payment.'],
    ]);
    expect(await ordersOf('sms')).toEqual([]);
  });

  it('starts over, and tells the limit for 9 tickets', async () => {
    await conversation('sms').play([
      ['hamilton saturday', 'Hamilton: which section?'],
      ['start over', ["Okay, let's start over.", '1) Lakers vs Warriors']],
      ['1', LAKERS_SECTIONS],
      ['3', HOW_MANY],
      ['9', ['We can hold up to 8 tickets per order.', HOW_MANY]],
      ['nine', ['We can hold up to 8 tickets per order.', HOW_MANY]],
      ['4', 'Holding Section 101, row A, seats 1-4'],
    ]);
  });

  it('answers STATUS and an order id, and only with its own orders', async () => {
    const sms = conversation('sms');
    await sms.play([['status', 'You have no orders yet.']]);
    const theirs = await purchase.start({ customer: { channel: 'sms', address: '+15550002222' }, eventId: LAKERS, sectionId: '102', quantity: 1 });
    const theirId = theirs.ok ? theirs.order.id : 'BX-2345';
    await sms.play([
      ['2 tix lakers sec 101', 'Holding Section 101, row A, seats 1-2'],
      [theirId, [`I can't find order ${theirId} for you. Text STATUS to see your orders.`]],
    ]);
    const mine = await onlyOrder('sms');
    await sms.play([['STATUS', [`${mine.id}: Lakers vs Warriors, Sat Dec 5, 7:30pm. Section 101, row A, seats 1-2. Waiting for payment`, not(theirId)]]]);
  });

  it('lets go after three answers it cannot read', async () => {
    await conversation('sms').play([
      ['2 tix lakers', LAKERS_SECTIONS],
      ['asdf', NOT_UNDERSTOOD],
      ['qwerty', NOT_UNDERSTOOD],
      ['zzz', [HELP, 'Reply STOP to opt out.', not(LAKERS_SECTIONS)]],
      ['3', [WHICH_EVENT, not('Holding')]],
    ]);
  });
});

describe('cancelling a paid order', () => {
  /** A paid order with tickets for the test user, as the worker leaves it. */
  async function paidOrder(channel: Channel, eventId: string, sectionId: string, quantity: number): Promise<Order> {
    const customer = channel === 'sms' ? { channel: 'sms' as const, address: TEST_USER } : { channel: 'chat' as const, address: `${channel}:${TEST_USER}` };
    const started = await purchase.start({ customer, eventId, sectionId, quantity });
    if (!started.ok) throw new Error(`purchase refused: ${started.reason}`);
    await checkout.pay(started.order.stripeSessionId!);
    const { fulfilment } = createWorkerServices(foundation).payments;
    expect(await fulfilment.paid(started.order.id, 'test:paid', proofOfSession(await checkout.retrieve(started.order.stripeSessionId!)))).toBe('fulfilled');
    return (await commerce.orders.get(started.order.id))!;
  }

  it('refunds the whole order within the policy once the customer says yes', async () => {
    const order = await paidOrder('test', LAKERS, '101', 2);
    await conversation('test').play([
      [`cancel my order ${order.id}`, [`Cancel order ${order.id} and refund $400 for 2 tickets? Say YES to cancel it, or NO to keep your tickets.`, '[Yes]', '[No]']],
      ['Yes', `Done: order ${order.id} is cancelled and $400 is being refunded to your card. I'll message you when the refund is through.`],
      // Until Stripe confirms, asking again says it is on its way.
      ['cancel my order', `A refund for order ${order.id} is already on its way.`],
    ]);
    expect(await refunds.list(order.id)).toEqual([expect.objectContaining({ status: 'requested', by: 'customer', amount: 40_000, tickets: order.tickets })]);
  });

  it('takes "yes, cancel it" as a yes, not as leaving', async () => {
    const order = await paidOrder('sms', LAKERS, 'ga', 1);
    await conversation('sms').play([
      ['i want a refund', `Cancel order ${order.id} and refund $50 for 1 ticket? Reply YES to cancel it`],
      ['yes cancel it', `Done: order ${order.id} is cancelled`],
    ]);
    expect((await refunds.list(order.id)).map((refund) => refund.status)).toEqual(['requested']);
  });

  it('keeps the order on no, and on anything but yes', async () => {
    const order = await paidOrder('test', LAKERS, '101', 2);
    await conversation('test').play([
      [`refund ${order.id}`, 'Say YES to cancel it'],
      ['no', `Okay, nothing changed: order ${order.id} and its tickets stay as they are.`],
      [`refund ${order.id}`, 'Say YES to cancel it'],
      ['what time are the doors', 'Okay, nothing changed'],
    ]);
    expect(await refunds.list(order.id)).toEqual([]);
  });

  it("explains the event's policy when customers may not cancel, and changes nothing", async () => {
    const order = await paidOrder('sms', 'hamilton', 'mezzanine', 2);
    await conversation('sms').play([
      [`cancel ${order.id}`, `Order ${order.id} can't be cancelled for a refund now. The policy for this event: No refunds; tickets can be upgraded up to the interval.`],
      ['yes', not('Done')],
    ]);
    expect(await refunds.list(order.id)).toEqual([]);
    expect((await commerce.orders.get(order.id))?.state).toBe('fulfilled');
  });

  it('asks which order when there are several, and never touches another customer’s', async () => {
    const first = await paidOrder('test', LAKERS, '101', 2);
    const second = await paidOrder('test', 'hozier', '201', 2);
    const theirs = await purchase.start({ customer: { channel: 'sms', address: '+15550003333' }, eventId: LAKERS, sectionId: '102', quantity: 1 });
    const theirId = theirs.ok ? theirs.order.id : 'BX-2345';
    await conversation('test').play([
      ['cancel my tickets', [`Which order? Send CANCEL and the order number`, first.id, second.id]],
      [`cancel ${theirId}`, `I can't find order ${theirId} for you.`],
    ]);
    expect((await commerce.orders.get(theirId))?.state).toBe('awaiting_payment');
  });

  it('cancels an unpaid order at once, and says so when there is nothing to cancel', async () => {
    await conversation('sms').play([
      ['cancel my order', 'You have no paid orders to cancel.'],
      ['2 tickets lakers section 101', 'Holding Section 101, row A, seats 1-2'],
    ]);
    const held = await onlyOrder('sms');
    await conversation('sms').play([['cancel my order', `Order ${held.id} is cancelled and the seats are released. No payment was taken.`]]);
    expect((await commerce.orders.get(held.id))?.state).toBe('cancelled');
  });
});

describe('changing a held order', () => {
  it('holds the new quantity, then lets the first hold go and says which link is valid', async () => {
    await conversation('sms').play([['2 tickets lakers section 101', 'Holding Section 101, row A, seats 1-2']]);
    const first = await onlyOrder('sms');
    const changed = await conversation('sms').say('can we do 4 instead');
    expect(changed).toContain(`Changed: order ${first.id} is released and its link no longer works.`);
    expect(changed).toContain('Holding Section 101');
    const [second] = await ordersOf('sms');
    expect(second).toMatchObject({ state: 'awaiting_payment', quantity: 4, sectionId: '101' });
    expect(changed).toContain(`/p/${second!.id}`);
    expect((await commerce.orders.get(first.id))?.state).toBe('cancelled');
    const section = (await commerce.seats.inventory(LAKERS))?.sections.find((s) => s.id === '101');
    expect(section?.held).toBe(4);
  });

  it('keeps the first hold and its link when the change cannot be held', async () => {
    await scatterPairs(LAKERS, 'courtside', 5);
    for (const i of [0, 2, 4]) await commerce.seats.hold({ eventId: LAKERS, sectionId: 'courtside', quantity: 2, holdId: `BX-G${i}`, customerKey: `filler-again-${i}`, expiresAt: Date.now() + 3_600_000 });
    await conversation('sms').play([['2 tickets lakers section 101', 'Holding Section 101, row A, seats 1-2']]);
    const first = await onlyOrder('sms');
    await conversation('sms').play([['switch me to courtside', [not('Changed'), 'Courtside is sold out']]]);
    expect((await commerce.orders.get(first.id))?.state).toBe('awaiting_payment');
  });

  it('moves the order to the other performance the customer says', async () => {
    await conversation('sms').play([['2 tickets hamilton saturday mezzanine', 'Holding Mezzanine']]);
    const first = await onlyOrder('sms');
    await conversation('sms').play([['oops, sunday not saturday', ['Changed', 'Hamilton, Sun Feb 14, 2pm']]]);
    const [second] = await ordersOf('sms');
    expect(second).toMatchObject({ eventId: 'hamilton-matinee', sectionId: 'mezzanine', quantity: 2 });
    expect((await commerce.orders.get(first.id))?.state).toBe('cancelled');
  });
});

describe('questions and what is not on sale', () => {
  it('answers a price question, holds nothing, and goes on with the purchase', async () => {
    await conversation('sms').play([
      ['how much is courtside for the lakers?', ['Courtside: $1,500 per ticket.', HOW_MANY]],
      ['2', 'Holding Courtside'],
    ]);
  });

  it('answers a question in the middle of a purchase and asks the same question again', async () => {
    await conversation('sms').play([
      ['lakers 101', HOW_MANY],
      ['what time does it start?', ['Lakers vs Warriors: Sat Dec 5, 7:30pm', HOW_MANY]],
    ]);
    expect(await ordersOf('sms')).toEqual([]);
  });

  it('says an event it does not have is not on sale, and offers what is on', async () => {
    await conversation('sms').play([['lakers vs celtics 2 tix', [`"lakers vs celtics" isn't on sale here.`, 'Lakers vs Warriors']]]);
    expect(await ordersOf('sms')).toEqual([]);
  });
});

describe('sections named alike', () => {
  it('asks among the sections a level word names, and takes "the cheaper one" among them', async () => {
    const sms = conversation('sms');
    await sms.play([
      ['hozier 2 in the bowl', ['Hozier: Unreal Unearth Tour: which section?', '1) Section 101 (Lower Bowl) - $149', '2) Section 201 (Upper Bowl) - $89', not('VIP'), not('Floor')]],
      ['the cheaper one', ['Holding Section 201 (Upper Bowl)', SMS_PAY_LINK]],
    ]);
    expect((await onlyOrder('sms')).sectionId).toBe('201');
  });

  it('holds the one section a price cap leaves, without asking', async () => {
    await conversation('sms').play([['lakers, anything under $60, 2', ['Holding Standing, 2 places for Lakers vs Warriors', SMS_PAY_LINK]]]);
  });
});

describe('in Spanish', () => {
  // The GSM 03.38 basic set and extension table: é, ñ, ¿ and ¡ are in it; á, í, ó and ú are not.
  const GSM7 = /^[@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&'()*+,\-./0-9:;<=>?¡A-ZÄÖÑÜ§¿a-zäöñüà^{}\\[~\]|€]*$/;

  it('answers a conversation that starts in Spanish in Spanish, every reply, within GSM-7, and keeps the language on the order', async () => {
    const sms = conversation('sms');
    await sms.play([
      ['Hola, quiero 2 boletos para hamilton el sábado', ['Hamilton: ¿qué seccion?', '1) Platea premium - $399 (quedan 42)', '2) Platea - $219', '4) De pie - $49', not('Which'), not('left)')]],
      ['en platea por favor', [/Le aparto Platea, fila [A-Z]+, asientos 1-2 para Hamilton, sab 13 feb, 7:30pm/, 'por 2 boletos', /Pague en 30 min: https:\/\/tickets\.example\.test\/p\/BX-[A-Z0-9]{4,6}\/[A-Za-z0-9_-]{22}$/]],
      ['estado', ['Esperando el pago', not('Waiting')]],
      ['ayuda', ['ESTADO muestra sus pedidos', 'SALIR', 'CANCELAR y el numero de un pedido pagado lo reembolsa', 'MEJORAR pide mejores lugares']],
    ]);
    for (const reply of sms.replies) expect(reply.text ?? '').toMatch(GSM7);
    const order = await onlyOrder('sms');
    expect([order.eventId, order.sectionId, order.quantity, order.language]).toEqual(['hamilton', 'orchestra', 2, 'es']);
  });

  it('reads party sizes, sections and performances said in Spanish, and asks which night in Spanish', async () => {
    const chat = conversation('test');
    await chat.play([
      ['somos dos adultos y tres niños para hamilton', ['Hay 2 funciones de Hamilton. ¿Cual prefiere?', 'Hamilton - sab 13 feb, 7:30pm', 'Hamilton - dom 14 feb, 2pm']],
      ['la función de la tarde', ['Hamilton: ¿qué seccion?']],
      ['Mezzanine - $139 (quedan 100)', ['Le aparto Mezzanine', 'dom 14 feb, 2pm', 'por 5 boletos']],
    ]);
    const order = await onlyOrder('test');
    expect([order.eventId, order.sectionId, order.quantity]).toEqual(['hamilton-matinee', 'mezzanine', 5]);
  });

  it('answers a question asked in Spanish in Spanish, and leaves on SALIR', async () => {
    const sms = conversation('sms');
    await sms.play([
      ['cuánto cuestan los boletos courtside para los lakers?', ['Junto a la cancha: $1,500 por boleto.', '¿Cuantos boletos?']],
      ['salir', ['Listo, paramos. No hay nada apartado.']],
    ]);
    expect(await ordersOf('sms')).toEqual([]);
  });

  it('stays in English for English names with Spanish words in them, and turns back to English when the customer does', async () => {
    const sms = conversation('sms');
    await sms.play([
      ['2 tickets for the lakers at crypto.com arena, los angeles', ['Lakers vs Warriors: which section?']],
      ['hola, mejor 3 en la sección 101', [/Le aparto Seccion 101, fila [A-Z]+, asientos 1-3/, 'por 3 boletos']],
      ['what are my tickets?', ['Waiting for payment']],
    ]);
  });
});
