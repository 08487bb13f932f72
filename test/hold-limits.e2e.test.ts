// Limits on unpaid holds, end to end: chat users through the real
// /api/messages (anonymous CloudAdapter, as the Emulator speaks it), SMS
// customers through the signed /sms/inbound, Stripe on the local recording
// server. The attack they answer: fresh chat ids are free, so one person
// asking for 8 standing places from 25 conversations held all 200 of them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { startBotConnector, type BotConnectorServer } from './support/bot-connector.server.js';
import { startBoxOffice, type BoxOffice } from './support/box-office.harness.js';
import { chatUser, type ChatUser } from './support/chat-user.js';
import { buyAndPay } from './support/purchases.js';
import { newPhone, payLinkIn, sectionInventory, textBoxOffice } from './support/sms.client.js';

/** Lakers vs Warriors' standing section: 200 places. */
const STANDING = 'ga';
const ASK = '8 tickets lakers standing';
const CONVERSATIONS = 25;
const HELD = /^Holding Standing, 8 places/;
/** The reply when the address has too many holds open. */
const ADDRESS_FULL = /already on hold from your connection/;
/** The reply when first-time buyers hold their whole share of the section. */
const SHARE_FULL = /So many tickets in Standing are waiting for payment/;

let connector: BotConnectorServer;

beforeAll(async () => {
  connector = await startBotConnector();
});

afterAll(async () => {
  await connector?.close();
});

let nextAddress = 1;
/** A documentation address (RFC 5737) no other test writes from. */
function newAddress(): string {
  const n = nextAddress++;
  return `203.0.113.${n}`;
}

/** `count` chat users from fresh ids, all asking at once; what each was answered first. */
async function askAtOnce(office: BoxOffice, users: ChatUser[]): Promise<string[]> {
  const answers = await Promise.all(users.map((user) => user.say(ASK)));
  return answers.map((replies) => replies[0]?.text ?? '');
}

describe('open holds per address, on an anonymous /api/messages', () => {
  let office: BoxOffice;

  beforeAll(async () => {
    // Only the address budget: the first-time buyers' share would stop this run too.
    office = await startBoxOffice({ env: { ANONYMOUS_CHAT_HOLDS_PER_ADDRESS: '3', UNPAID_HOLD_SHARE_PERCENT: '100' } });
  });

  afterAll(async () => {
    await office?.stop();
  });

  it(`lets ${CONVERSATIONS} fresh chat ids from one address hold 3 parties, not the section, and tells the rest why`, async () => {
    const address = newAddress();
    const users = Array.from({ length: CONVERSATIONS }, () => chatUser(office.url, connector, undefined, { clientAddress: address }));
    const answers = await askAtOnce(office, users);

    expect(answers.filter((text) => HELD.test(text))).toHaveLength(3);
    expect(answers.filter((text) => ADDRESS_FULL.test(text))).toHaveLength(CONVERSATIONS - 3);
    expect((await sectionInventory(office, STANDING)).held).toBe(24);

    // Someone else, elsewhere, is not held up by it.
    const [other] = await chatUser(office.url, connector, undefined, { clientAddress: newAddress() }).say(ASK);
    expect(other?.text).toMatch(HELD);
    expect((await sectionInventory(office, STANDING)).held).toBe(32);
  });
});

describe('seats held by identities that have never paid, per event section', () => {
  let office: BoxOffice;

  beforeAll(async () => {
    // The default share (half of a section); every user writes from an address of its own.
    office = await startBoxOffice();
  });

  afterAll(async () => {
    await office?.stop();
  });

  it(`keeps half of a 200-place section from ${CONVERSATIONS} first-time chat users asking for 8 at once, and frees room as holds end`, async () => {
    const users = Array.from({ length: CONVERSATIONS }, () => chatUser(office.url, connector, undefined, { clientAddress: newAddress() }));
    const answers = await askAtOnce(office, users);

    // 12 parties of 8 fit in 100; a 13th would not.
    const held = answers.filter((text) => HELD.test(text));
    expect(held).toHaveLength(12);
    expect(answers.filter((text) => SHARE_FULL.test(text))).toHaveLength(CONVERSATIONS - 12);
    expect((await sectionInventory(office, STANDING)).held).toBe(96);

    // A hold that ends gives its places back to the share.
    const holder = users[answers.findIndex((text) => HELD.test(text))]!;
    expect((await holder.say('cancel')).map((reply) => reply.text).join(' ')).toContain('cancelled');
    const [next] = await chatUser(office.url, connector, undefined, { clientAddress: newAddress() }).say(ASK);
    expect(next?.text).toMatch(HELD);
  });

  it('still holds for a customer who has paid before, when first-time buyers have used their share', async () => {
    const regular = newPhone();
    await buyAndPay(office, regular);

    const [stranger] = await chatUser(office.url, connector, undefined, { clientAddress: newAddress() }).say(ASK);
    expect(stranger?.text).toMatch(SHARE_FULL);
    const newcomer = await textBoxOffice(office, newPhone(), ASK);
    expect(newcomer.messages.join(' ')).toMatch(SHARE_FULL);
    expect(payLinkIn(newcomer.messages.join(' '))).toBeUndefined();

    const reply = await textBoxOffice(office, regular, ASK);
    expect(reply.messages.join(' ')).toMatch(/^Holding Standing, 8 places/);
    expect(payLinkIn(reply.messages.join(' '))).toBeDefined();
  });
});

describe('configuration of the hold limits', () => {
  it('defaults to half of each section for first-time buyers and 4 open holds per anonymous chat address', () => {
    expect(loadConfig({}).unpaidHolds).toEqual({ sharePercent: 50, perAnonymousAddress: 4 });
    expect(loadConfig({ UNPAID_HOLD_SHARE_PERCENT: '100', ANONYMOUS_CHAT_HOLDS_PER_ADDRESS: '10' }).unpaidHolds).toEqual({ sharePercent: 100, perAnonymousAddress: 10 });
  });

  it.each([
    [{ UNPAID_HOLD_SHARE_PERCENT: '0' }, /^Configuration error: UNPAID_HOLD_SHARE_PERCENT must be a whole number between 1 and 100/],
    [{ UNPAID_HOLD_SHARE_PERCENT: 'half' }, /^Configuration error: UNPAID_HOLD_SHARE_PERCENT must be a whole number/],
    [{ ANONYMOUS_CHAT_HOLDS_PER_ADDRESS: '0' }, /^Configuration error: ANONYMOUS_CHAT_HOLDS_PER_ADDRESS must be a whole number/],
  ])('refuses %j with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});
