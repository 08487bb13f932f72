// Trying SMS with no Twilio account: the demo phone (/demo/phone, npm run sms)
// posts each text to /sms/inbound exactly as Twilio does, signed, so the
// signature check, consent words and the bot all run; the TwiML replies and
// every later text (the tickets, after the demo checkout is paid) arrive in
// its messages, from Redis, with nothing sent anywhere.
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startBoxOffice, TEST_PUBLIC_BASE_URL, type BoxOffice } from './support/box-office.harness.js';
import { messagesOf } from '../src/channels/sms/demo-phone.route.js';
import { DEMO_BOX_OFFICE_NUMBER, type DemoPhoneMessage } from '../src/channels/sms/demo-phone.inbox.js';

let office: BoxOffice;
let configured: BoxOffice;
let nextNumber = 1_000;

beforeAll(async () => {
  [office, configured] = await Promise.all([startBoxOffice({ demo: true, noTwilio: true }), startBoxOffice({ demo: true })]);
});

afterAll(async () => {
  await Promise.all([office?.stop(), configured?.stop()]);
});

function newNumber(): string {
  nextNumber += 1;
  return `+1555${String(nextNumber).padStart(7, '0')}`;
}

async function text(from: string, body: unknown): Promise<{ status: number; answer: { messages?: DemoPhoneMessage[]; error?: string } }> {
  const response = await fetch(`${office.url}/demo/phone/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from, body }) });
  return { status: response.status, answer: (await response.json()) as { messages?: DemoPhoneMessage[]; error?: string } };
}

async function inbox(number: string, after = 0): Promise<DemoPhoneMessage[]> {
  const response = await fetch(`${office.url}/demo/phone/messages?number=${encodeURIComponent(number)}&after=${after}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { messages: DemoPhoneMessage[] }).messages;
}

/** A public URL (what the customer is sent), opened on the box office's local address. */
function local(publicUrl: string): string {
  const url = new URL(publicUrl);
  return `${office.url}${url.pathname}${url.search}`;
}

describe('the demo phone (no Twilio account)', () => {
  it('buys by text with no accounts: the reply with a pay link, the demo checkout, then the tickets by text', async () => {
    const phone = newNumber();
    const sent = await text(phone, '2 tickets for the lakers game section 101');
    expect(sent.status).toBe(200);
    const [mine, reply] = sent.answer.messages!;
    expect(mine).toMatchObject({ from: 'you', body: '2 tickets for the lakers game section 101' });
    expect(reply).toMatchObject({ from: 'box office', body: expect.stringContaining('Section 101') });
    const link = /https:\/\/\S+\/p\/BX-\S+/.exec(reply!.body)?.[0];
    expect(link, reply!.body).toBeDefined();

    // The order is the SMS customer's, found by the number the phone used.
    const [order] = await office.foundation.commerce.orders.listByCustomer('sms', phone);
    expect(order).toMatchObject({ state: 'awaiting_payment', quantity: 2 });

    // Pay link → demo checkout → pay: the real webhook, queue and worker.
    const checkout = await fetch(local(link!), { redirect: 'manual' });
    const sessionId = /cs_demo_[0-9a-f]{24}/.exec(checkout.headers.get('location') ?? '')?.[0];
    expect(sessionId).toBeDefined();
    expect((await fetch(`${office.url}/demo/checkout/${sessionId}/pay`, { method: 'POST', redirect: 'manual' })).status).toBe(303);

    const tickets = await eventually(async () => (await inbox(phone, reply!.seq)).find((m) => /Your tickets/.test(m.body)), 15_000, 'the tickets on the demo phone');
    expect(tickets).toMatchObject({ from: 'box office', body: expect.stringContaining(order!.id) });
    // Nothing went to Twilio, real or local.
    expect(office.twilio.requests).toHaveLength(0);
    // The whole conversation, in order, for a page opened later.
    expect((await inbox(phone)).map((m) => m.from)).toEqual(['you', 'box office', 'box office']);
  });

  it('goes through the SMS route\'s consent words and signature check', async () => {
    const phone = newNumber();
    const stop = await text(phone, 'STOP');
    expect(stop.answer.messages?.[1]?.body).toMatch(/unsubscribed|no more/i);
    // Opted out: the bot does not answer, as with a real phone.
    expect((await text(phone, '2 tickets lakers')).answer.messages).toHaveLength(1);
    // A post that claims to be Twilio without the demo's token is still refused.
    const params = { From: newNumber(), To: DEMO_BOX_OFFICE_NUMBER, Body: 'hi', MessageSid: 'SM1' };
    const forged = twilio.getExpectedTwilioSignature('made-up-token', `${TEST_PUBLIC_BASE_URL}/sms/inbound`, params);
    const refused = await fetch(`${office.url}/sms/inbound`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': forged }, body: new URLSearchParams(params) });
    expect(refused.status).toBe(403);
  });

  it('refuses what no phone sends, and changes nothing', async () => {
    const phone = newNumber();
    expect(await text('5551234', 'hi')).toMatchObject({ status: 400, answer: { error: expect.stringContaining('from must be a number in international form') } });
    expect(await text(phone, '')).toMatchObject({ status: 400, answer: { error: 'body is empty' } });
    expect(await text(phone, 'x'.repeat(1_601))).toMatchObject({ status: 400, answer: { error: 'body is over 1600 characters' } });
    expect(await text(phone, { nested: true })).toMatchObject({ status: 400 });
    const notJson = await fetch(`${office.url}/demo/phone/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"from":' });
    expect(notJson.status).toBe(400);
    expect((await fetch(`${office.url}/demo/phone/messages?number=abc`)).status).toBe(400);
    expect(await inbox(phone)).toEqual([]);
    // A whole 1,600-character text with emoji is a text like any other.
    const long = `2 tickets lakers 🎟️ ${'please '.repeat(226)}`.slice(0, 1_600);
    expect((await text(phone, long)).status).toBe(200);
  });

  it('serves a page with its own script and stylesheet, and a policy that allows nothing else', async () => {
    const page = await fetch(`${office.url}/demo/phone`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('DEMO PHONE');
    expect(html).toContain(DEMO_BOX_OFFICE_NUMBER);
    expect(html).toContain('<script src="/demo/phone/phone.js" defer></script>');
    expect(html).not.toMatch(/<script>|<style>|style="/);
    const policy = page.headers.get('content-security-policy')!;
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("connect-src 'self'");
    expect(policy).not.toContain('unsafe-inline');
    expect((await fetch(`${office.url}/demo/phone/phone.js`)).headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${office.url}/demo/phone/phone.css`)).headers.get('content-type')).toMatch(/text\/css/);
  });

  it('is not there when Twilio is configured', async () => {
    expect((await fetch(`${configured.url}/demo/phone`)).status).toBe(404);
    const post = await fetch(`${configured.url}/demo/phone/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from: newNumber(), body: 'hi' }) });
    expect(post.status).toBe(404);
  });
});

describe('messagesOf', () => {
  it('reads the texts of a TwiML answer as a phone shows them', () => {
    expect(messagesOf('<?xml version="1.0" encoding="UTF-8"?><Response><Message>Tom &amp; Jerry &lt;3 &quot;hi&quot; &#39;x&#39; &#x1F39F;</Message><Message>two\nlines</Message></Response>')).toEqual([
      'Tom & Jerry <3 "hi" \'x\' 🎟',
      'two\nlines',
    ]);
    expect(messagesOf('<?xml version="1.0" encoding="UTF-8"?><Response/>')).toEqual([]);
  });
});
