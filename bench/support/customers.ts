// The benchmark's side of the wire: SMS customers texting through Twilio's
// signed webhook, and Stripe delivering signed checkout.session.completed
// events, both signed with the SDKs' own helpers.
import Stripe from 'stripe';
import twilio from 'twilio';
import type { FakeCheckoutSession } from '../../test/support/stripe-api.server.js';
import { BENCH } from './box-office.process.js';

/** Customer n's phone number (E.164, in the 555 range). */
export function phone(n: number): string {
  return `+1555${String(1_000_000 + n).padStart(7, '0')}`;
}

/** What the box office answered one text. */
export interface SmsAnswer {
  status: number;
  /** The `<Message>` texts of the TwiML reply, as sent (XML-escaped). */
  messages: string[];
}

/** Customer n texts `body` through a signed Twilio webhook. */
export async function text(baseUrl: string, n: number, body: string): Promise<SmsAnswer> {
  const params = { From: phone(n), To: BENCH.twilio.from, Body: body, MessageSid: `SMbench${n}`, NumMedia: '0' };
  const signature = twilio.getExpectedTwilioSignature(BENCH.twilio.token, `${BENCH.publicBaseUrl}/sms/inbound`, params);
  const response = await fetch(`${baseUrl}/sms/inbound`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: new URLSearchParams(params),
  });
  const twiml = await response.text();
  return { status: response.status, messages: [...twiml.matchAll(/<Message>([\s\S]*?)<\/Message>/g)].map((m) => m[1]!) };
}

/** The order id of the pay link in an answer, if it has one. */
export function orderIdIn(answer: SmsAnswer): string | undefined {
  return /\/p\/(BX-[A-Z0-9]+)/.exec(answer.messages.join('\n'))?.[1];
}

/** Stripe delivers `checkout.session.completed` for `session` as event `eventId`; resolves with the HTTP status. */
export async function deliverCompleted(baseUrl: string, eventId: string, session: FakeCheckoutSession): Promise<number> {
  const payload = JSON.stringify({ id: eventId, object: 'event', type: 'checkout.session.completed', created: Math.floor(Date.now() / 1000), data: { object: session } });
  const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: BENCH.stripe.webhookSecret });
  const response = await fetch(`${baseUrl}/webhooks/stripe`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': signature }, body: payload });
  await response.arrayBuffer();
  return response.status;
}
