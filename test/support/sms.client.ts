// What a customer's phone and Stripe look like to the box office in end-to-end
// tests: inbound texts signed as Twilio signs them, Stripe events signed as
// Stripe signs them, and the staff API to see orders and seats as staff would.
import { randomBytes, randomInt } from 'node:crypto';
import type { Queue } from 'bullmq';
import twilio from 'twilio';
import type { Order } from '../../src/orders/order.js';
import type { EventInventory, SectionInventory } from '../../src/seats/seat.store.js';
import { SMS_INBOUND_PATH } from '../../src/http/paths.js';
import { HANDED_TO_SMS } from '../../src/jobs/notification.job.js';
import { TEST_PUBLIC_BASE_URL, TEST_STAFF_TOKEN, TEST_TWILIO, type BoxOffice } from './box-office.harness.js';
import type { FakeCheckoutSession } from './stripe-api.server.js';

export const LAKERS = 'lakers-warriors';

/** The box office's reply to one inbound text. */
export interface SmsReply {
  status: number;
  /** The raw response body (TwiML when the request was accepted). */
  twiml: string;
  /** The text of each `<Message>`, XML entities decoded. */
  messages: string[];
}

/** A phone number no other test uses (E.164, in the 555 range). */
export function newPhone(): string {
  return `+1555${String(randomInt(1_000_000, 9_999_999))}`;
}

/** The form fields Twilio posts for an inbound SMS. */
export function inboundSmsParams(from: string, body: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ToCountry: 'US',
    SmsMessageSid: `SM${randomBytes(16).toString('hex')}`,
    NumMedia: '0',
    SmsSid: `SM${randomBytes(16).toString('hex')}`,
    SmsStatus: 'received',
    Body: body,
    To: TEST_TWILIO.fromNumber,
    NumSegments: '1',
    MessageSid: `SM${randomBytes(16).toString('hex')}`,
    AccountSid: TEST_TWILIO.accountSid,
    From: from,
    ApiVersion: '2010-04-01',
    ...extra,
  };
}

/** X-Twilio-Signature for `params` posted to `url` (by default the public inbound URL). */
export function twilioSignature(params: Record<string, string>, url = TEST_PUBLIC_BASE_URL + SMS_INBOUND_PATH): string {
  return twilio.getExpectedTwilioSignature(TEST_TWILIO.authToken, url, params);
}

/**
 * Posts a form to the box office as Twilio would. `signature: null` leaves the
 * header out; a string is sent as given; by default the right one is computed.
 */
export async function postTwilioForm(
  office: BoxOffice,
  params: Record<string, string>,
  options: { path?: string; signature?: string | null } = {},
): Promise<SmsReply> {
  const path = options.path ?? SMS_INBOUND_PATH;
  const signature = options.signature === undefined ? twilioSignature(params, TEST_PUBLIC_BASE_URL + path) : options.signature;
  const response = await fetch(office.url + path, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(signature === null ? {} : { 'x-twilio-signature': signature }),
    },
    body: new URLSearchParams(params).toString(),
  });
  const twiml = await response.text();
  return { status: response.status, twiml, messages: twimlMessages(twiml) };
}

/** A customer texts the box office: a signed Twilio webhook, answered with TwiML. */
export function textBoxOffice(office: BoxOffice, from: string, body: string, extra: Record<string, string> = {}): Promise<SmsReply> {
  return postTwilioForm(office, inboundSmsParams(from, body, extra));
}

/** The texts of the `<Message>` elements of a TwiML document. */
export function twimlMessages(twiml: string): string[] {
  return [...twiml.matchAll(/<Message(?:\s[^>]*)?>([\s\S]*?)<\/Message>/g)].map((match) => decodeXml(match[1]!));
}

function decodeXml(text: string): string {
  return text
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** A pay link as a customer is sent it: the full URL, the order or offer id it names, and its secret (absent from a link that has none). */
export interface PayLink {
  url: string;
  orderId: string;
  secret?: string;
  /** The link's path (with no query), to open it on the box office's local address. */
  path: string;
}

/** The short pay link in a reply, e.g. `https://tickets.example.test/p/BX-7K2Q/<secret>`, and its order id and secret. */
export function payLinkIn(text: string, kind: 'BX' | 'UP' = 'BX'): PayLink | undefined {
  const escaped = TEST_PUBLIC_BASE_URL.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`${escaped}(/p/(${kind}-[A-Z0-9]{4,6})\\b(?:/([A-Za-z0-9_-]+))?)`).exec(text);
  return match ? { url: match[0], path: match[1]!, orderId: match[2]!, ...(match[3] ? { secret: match[3] } : {}) } : undefined;
}

/** The path of the pay link an order's customer was sent, from the order as staff see it (with its secret). */
export function payLinkPath(order: Pick<Order, 'id' | 'linkSecret'>): string {
  return `/p/${order.id}/${order.linkSecret}`;
}

// ---- Staff API --------------------------------------------------------------------

async function staffGet<T>(office: BoxOffice, path: string): Promise<T> {
  const response = await fetch(office.url + path, { headers: { authorization: `Bearer ${TEST_STAFF_TOKEN}` } });
  if (!response.ok) throw new Error(`GET ${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

/** The order as staff see it. */
export async function staffOrder(office: BoxOffice, orderId: string): Promise<Order> {
  return (await staffGet<{ order: Order }>(office, `/staff/orders/${orderId}`)).order;
}

/** One section's counts as staff see them. */
/** A section as the staff inventory shows it: the seat counts, and the tickets let in at the door. */
export type StaffSectionInventory = SectionInventory & { admitted: number };

export async function sectionInventory(office: BoxOffice, sectionId: string, eventId = LAKERS): Promise<StaffSectionInventory> {
  const inventory = await staffGet<{ event: string; sections: StaffSectionInventory[] }>(office, `/staff/events/${eventId}/inventory`);
  const section = inventory.sections.find((s) => s.id === sectionId);
  if (!section) throw new Error(`no section ${sectionId} in the inventory of ${eventId}`);
  return section;
}

/** Held, sold and available counts of every section, for "nothing changed" checks. */
export async function allCounts(office: BoxOffice, eventId = LAKERS): Promise<Record<string, { held: number; sold: number; available: number }>> {
  const inventory = await staffGet<EventInventory>(office, `/staff/events/${eventId}/inventory`);
  return Object.fromEntries(inventory.sections.map((s) => [s.id, { held: s.held, sold: s.sold, available: s.available }]));
}

/** Outbound SMS the Twilio server accepted for one number. */
export function smsTo(office: BoxOffice, to: string): string[] {
  return office.twilio.messages.filter((message) => message.to === to).map((message) => message.body);
}

/** Requests to Twilio's Messages endpoint for one number, accepted or not. */
export function twilioRequestsFor(office: BoxOffice, to: string): number {
  return office.twilio.requests.filter((request) => request.method === 'POST' && request.body.To === to).length;
}

/** How a queued job ended: it finished, or failed with no attempt left. */
export interface JobEnd {
  state: 'completed' | 'failed';
  attemptsMade: number;
  returnvalue: unknown;
  failedReason: string | undefined;
}

/**
 * Waits until the job `jobId` of `queue` has finished for good: completed, or
 * failed with no retry scheduled (a job waiting to retry is 'delayed'). A
 * payment job's id is the Stripe event id and a notice's is `<notice>-<order>`
 * (an SMS notice is followed to the SMS queue, where it keeps that id), so this is how a test knows the worker is done with work that must change
 * nothing, without guessing at timing.
 */
export async function jobEnd(
  office: BoxOffice,
  queue: 'payments' | 'notifications' | 'sms',
  jobId: string,
  timeoutMs = 10_000,
): Promise<JobEnd> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await office.foundation.queues[queue].getJobState(jobId);
    if (state === 'completed' || state === 'failed') {
      // Read the job after its state: a copy read before it finished would be stale.
      const job = await office.foundation.queues[queue].getJob(jobId);
      // An SMS notice is handed on to the rate-limited SMS queue under the same id: it ends there.
      if (job && queue === 'notifications' && job.returnvalue === HANDED_TO_SMS) return jobEnd(office, 'sms', jobId, Math.max(deadline - Date.now(), 1_000));
      if (job) return { state, attemptsMade: job.attemptsMade, returnvalue: job.returnvalue, failedReason: job.failedReason };
    }
    if (Date.now() > deadline) throw new Error(`job ${jobId} of the ${queue} queue did not finish (state: ${state})`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The Checkout Session behind an order, as the Stripe server holds it now. */
export async function sessionOf(office: BoxOffice, orderId: string): Promise<FakeCheckoutSession> {
  const order = await staffOrder(office, orderId);
  const session = order.stripeSessionId ? office.stripe?.sessions.get(order.stripeSessionId) : undefined;
  if (!session) throw new Error(`order ${orderId} has no checkout session on the Stripe server`);
  return session;
}

/**
 * Jobs a queue still has to run: waiting, running, prioritized or delayed,
 * leaving out the reminders before the show, which wait, delayed, until the
 * day before by design.
 */
export async function jobsLeft(queue: Queue): Promise<number> {
  const counts = await queue.getJobCounts('waiting', 'active', 'prioritized', 'delayed');
  const { delayed = 0, ...rest } = counts;
  const reminders = delayed > 0 ? (await queue.getDelayed()).filter((job) => job.id?.startsWith('reminder-')).length : 0;
  return Object.values(rest).reduce((a, b) => a + b, 0) + delayed - reminders;
}
