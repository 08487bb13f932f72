// Orders bought by text and paid, and Twilio's delivery status callbacks, for
// the SMS consent and delivery tests.
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { SMS_STATUS_PATH } from '../../src/http/paths.js';
import type { Order } from '../../src/orders/order.js';
import { eventually, TEST_PUBLIC_BASE_URL, TEST_TWILIO, type BoxOffice } from './box-office.harness.js';
import { jobEnd, payLinkIn, postTwilioForm, staffOrder, textBoxOffice, twilioSignature, type JobEnd, type SmsReply } from './sms.client.js';
import type { FakeTwilioMessage } from './twilio-api.server.js';
import { postStripeEvent, sessionEvent } from './stripe-events.js';

/** Texts a purchase and returns the order id from the pay link in the reply. */
export async function holdSeats(office: BoxOffice, from: string, text = '2 tickets lakers section 101'): Promise<string> {
  const reply = await textBoxOffice(office, from, text);
  expect(reply.status).toBe(200);
  const link = payLinkIn(reply.messages.join('\n'));
  expect(link, `a pay link in ${JSON.stringify(reply.messages)}`).toBeDefined();
  return link!.orderId;
}

/**
 * The customer pays and Stripe says so; resolves once the order is fulfilled
 * and the worker is done with its ticket notice (sent, or failed for good).
 */
export async function payAndFulfil(office: BoxOffice, orderId: string): Promise<{ order: Order; notice: JobEnd }> {
  const { stripeSessionId } = await staffOrder(office, orderId);
  office.stripe!.markPaid(stripeSessionId!);
  const delivery = await postStripeEvent(office, sessionEvent(office, 'checkout.session.completed', stripeSessionId!));
  expect(delivery.status).toBe(200);
  await eventually(async () => ((await staffOrder(office, orderId)).state === 'fulfilled' ? true : undefined), 10_000, `order ${orderId} fulfilled`);
  const notice = await jobEnd(office, 'notifications', `tickets-${orderId}`);
  return { order: await staffOrder(office, orderId), notice };
}

/** Messages the Twilio server accepted for `to` whose text names the order. */
export function messagesAbout(office: BoxOffice, to: string, orderId: string): FakeTwilioMessage[] {
  return office.twilio.messages.filter((message) => message.to === to && message.body.includes(orderId));
}

/** The Twilio form fields of a status callback for one of our messages. https://www.twilio.com/docs/messaging/guides/track-outbound-message-status */
export function statusParams(message: Pick<FakeTwilioMessage, 'sid' | 'to'>, status: string, errorCode?: number): Record<string, string> {
  return {
    SmsSid: message.sid,
    SmsStatus: status,
    MessageStatus: status,
    To: message.to,
    MessageSid: message.sid,
    AccountSid: TEST_TWILIO.accountSid,
    From: TEST_TWILIO.fromNumber,
    ApiVersion: '2010-04-01',
    ...(errorCode === undefined ? {} : { ErrorCode: String(errorCode) }),
  };
}

/** Posts a status callback as Twilio would: signed for PUBLIC_BASE_URL/sms/status unless `signature` says otherwise. */
export function postStatus(office: BoxOffice, params: Record<string, string>, signature?: string | null): Promise<SmsReply> {
  return postTwilioForm(office, params, { path: SMS_STATUS_PATH, signature });
}

/** A signature Twilio never made: the right URL and key, signed over other fields. */
export function forgedStatusSignature(params: Record<string, string>): string {
  return twilioSignature({ ...params, MessageStatus: 'delivered' === params.MessageStatus ? 'failed' : 'delivered' }, TEST_PUBLIC_BASE_URL + SMS_STATUS_PATH);
}

/** A message SID Twilio never gave us. */
export function unknownSid(): string {
  return `SM${randomBytes(16).toString('hex')}`;
}
