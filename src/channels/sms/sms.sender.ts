import type { Twilio } from 'twilio';
import type { Logger } from 'pino';
import { maskPhone } from '../../logger.js';
import type { Customer } from '../../customers/customer.js';
import type { DemoPhoneInbox } from './demo-phone.inbox.js';
import { PermanentDeliveryError, type MessageSender, type OutboundMessage, type SentMessage } from '../../notifications/message.sender.js';

/**
 * Twilio error codes that no retry can fix.
 * https://www.twilio.com/docs/api/errors: 21610 unsubscribed recipient (STOP),
 * 21211 invalid To, 21614 not a mobile number, 21612 unroutable, 21408 region
 * not enabled, 21606 From cannot send to this number.
 */
const PERMANENT_TWILIO_CODES = new Set([21610, 21211, 21614, 21612, 21408, 21606]);

/**
 * Statuses of a message that never reached the phone: one found in one of
 * these does not count as sent, so the notice goes out again. (It also keeps
 * a resend from mistaking the undelivered first message, which has the same
 * text, for itself.)
 * https://www.twilio.com/docs/messaging/api/message-resource#message-status-values
 */
const NOT_DELIVERED = new Set<string>(['failed', 'undelivered', 'canceled']);

/**
 * One page of the customer's messages, newest first. A retry looks back
 * minutes at most, and a customer gets a handful of messages from us a day
 * (the TwiML replies count too), so the notice is on the first page.
 */
const LOOKUP_LIMIT = 50;

export interface TwilioSenderOptions {
  /** Sender number (E.164) or, instead, a Messaging Service. */
  from?: string;
  messagingServiceSid?: string;
  /** Where Twilio posts delivery updates: PUBLIC_BASE_URL + /sms/status. */
  statusCallback?: string;
}

/** Outbound SMS through Twilio's REST API. */
export class TwilioSmsSender implements MessageSender {
  constructor(
    private readonly client: Twilio,
    private readonly options: TwilioSenderOptions,
  ) {}

  /** Resolves with Twilio's message SID, which its status callbacks name. */
  async send(customer: Customer, message: OutboundMessage): Promise<SentMessage> {
    const sender = this.options.messagingServiceSid
      ? { messagingServiceSid: this.options.messagingServiceSid }
      : { from: this.options.from! };
    try {
      const created = await this.client.messages.create({
        to: customer.address,
        body: message.text,
        ...sender,
        ...(this.options.statusCallback ? { statusCallback: this.options.statusCallback } : {}),
      });
      return { messageId: created.sid };
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (typeof code === 'number' && PERMANENT_TWILIO_CODES.has(code)) {
        throw new PermanentDeliveryError(`Twilio refused the message (${code}): ${(err as Error).message}`, code);
      }
      throw err;
    }
  }

  /**
   * Our message to this customer with exactly this text that Twilio accepted
   * since `since` and has not reported failed. Twilio's Messages API has no
   * idempotency key, so this is how a retry learns that an attempt which died
   * mid-request got through.
   *
   * Twilio documents the `DateSent>` filter as a GMT date (on or after that
   * midnight), so the time of day is checked here, on `date_created`; the
   * list has no Messaging Service filter, so that is checked here too. A
   * message still in Twilio's own queue has no `date_sent` and no DateSent
   * filter finds it; the SMS queue's rate limit keeps that queue short, so a
   * message has left it long before a dead attempt's job is retried.
   * https://www.twilio.com/docs/messaging/api/message-resource#read-multiple-message-resources
   */
  async findSent(customer: Customer, message: OutboundMessage, since: Date): Promise<SentMessage | undefined> {
    const service = this.options.messagingServiceSid;
    const messages = await this.client.messages.list({
      to: customer.address,
      // With a Messaging Service, Twilio picks the From number from its pool.
      ...(service ? {} : { from: this.options.from! }),
      dateSentAfter: since,
      limit: LOOKUP_LIMIT,
    });
    const found = messages.find(
      (m) =>
        m.direction === 'outbound-api' &&
        m.body === message.text &&
        m.dateCreated instanceof Date && m.dateCreated.getTime() >= since.getTime() &&
        !NOT_DELIVERED.has(m.status) &&
        (!service || m.messagingServiceSid === service),
    );
    return found ? { messageId: found.sid } : undefined;
  }
}

/**
 * With no Twilio account (a laptop, never production): outbound SMS go to the
 * demo phone (`/demo/phone`, `npm run sms`), and to the log, clearly marked.
 * This is the point where Twilio would be called; everything before it (the
 * queues, opt-outs, retries) is the real path.
 */
export class DemoPhoneSmsSender implements MessageSender {
  constructor(
    private readonly inbox: DemoPhoneInbox,
    private readonly log: Logger,
  ) {}

  async send(customer: Customer, message: OutboundMessage): Promise<SentMessage> {
    const sent = await this.inbox.add(customer.address, 'box office', message.text);
    this.log.info({ component: 'sms', to: maskPhone(customer.address), outbound: 'demo phone' }, `SMS to the demo phone (Twilio not configured) → ${message.text}`);
    return { messageId: `SMdemo${sent.seq}` };
  }
}
